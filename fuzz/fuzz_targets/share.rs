//! A shared folder's files (`share::file`): `SharedDatasource::parse` and
//! `SharedEnvironment::parse` on any bytes. Checked: no panic; an error names the file and never
//! repeats a secret the input carried in a secret field; a file that reads renders to bytes that
//! read back to the same id, secrets and queries and render the same (export is stable), that carry no
//! `{"set": true}` marker, and whose configuration with its secrets kept or dropped builds.
#![no_main]

use latchkey_core::share::file::{SharedDatasource, SharedEnvironment};
use libfuzzer_sys::fuzz_target;

const FILE: &str = "datasources/fuzz.json";

fuzz_target!(|data: &[u8]| {
    match SharedDatasource::parse(FILE, data) {
        Ok(shared) => {
            let bytes = shared.render();
            let again = SharedDatasource::parse(FILE, &bytes).expect("what render writes reads back");
            assert_eq!(again.render(), bytes, "rendering is stable: what export writes, import reads the same");
            assert_eq!((&again.id, &again.secrets, &again.queries), (&shared.id, &shared.secrets, &shared.queries));
            assert!(!String::from_utf8_lossy(&bytes).contains(r#""set""#), "no marker is written");
            let _ = shared.config_for_import(|_| true);
            let _ = shared.config_for_import(|_| false);
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            assert!(errors.iter().all(|e| e.field.starts_with(FILE)), "{errors:?}");
        }
    }
    match SharedEnvironment::parse("environments/fuzz.json", data) {
        Ok(shared) => {
            let bytes = shared.render();
            let again = SharedEnvironment::parse("environments/fuzz.json", &bytes).expect("reads back");
            assert_eq!(again, shared);
            assert_eq!(again.render(), bytes);
            let _ = shared.config_for_import(|_| true);
        }
        Err(errors) => assert!(errors.iter().all(|e| e.field.starts_with("environments/fuzz.json"))),
    }
});
