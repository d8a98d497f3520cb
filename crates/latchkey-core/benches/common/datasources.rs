//! The datasources the scale and share benchmarks fill a vault with (each includes this file with
//! `#[path = "common/datasources.rs"] mod datasources;`).

use latchkey_core::model::DatasourceConfig;
use latchkey_core::transfer::parse_datasource;

/// Datasource `i`: every fourth one OAuth 2.0 client credentials, the others a bearer token, with a
/// URL override in each of `environments`, and an `Accept` header when `accept` is set.
pub fn datasource(i: usize, environments: &[&str], accept: bool) -> DatasourceConfig {
    let auth = if i.is_multiple_of(4) {
        r#"{"type":"oauth2","grantType":"client_credentials","accessTokenUrl":"https://id.example.com/token","clientId":"c","clientSecret":"s"}"#
    } else {
        r#"{"type":"bearer","token":"t"}"#
    };
    let overrides: Vec<String> =
        environments.iter().map(|env| format!(r#""{env}":{{"url":"https://api{i}.{env}.example.com/v1"}}"#)).collect();
    let headers = if accept { r#","headers":[{"key":"Accept","value":"application/json"}]"# } else { "" };
    let json = format!(
        r#"{{"name":"Datasource {i:05}","url":"https://api{i}.example.com/v1"{headers},"auth":{auth},"environments":{{{}}}}}"#,
        overrides.join(",")
    );
    parse_datasource(&json).expect("a benchmark datasource parses")
}
