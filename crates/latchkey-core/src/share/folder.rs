//! The shared folder on disk: which files belong to it (`datasources/*.json` and
//! `environments/*.json`, not hidden), their slugs, the fingerprint of their bytes, and writing a
//! file atomically (a temp file in the same directory, then a rename) only when its bytes change.
//! What the files say is `share::file`'s.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// The folder of datasource files.
pub const DATASOURCES: &str = "datasources";
/// The folder of environment files.
pub const ENVIRONMENTS: &str = "environments";

/// The files of a shared folder that import reads and export owns, by their path relative to
/// the folder (`datasources/github.json`), with their bytes.
#[derive(Debug, Default, Clone)]
pub struct Files {
    pub datasources: BTreeMap<String, Vec<u8>>,
    pub environments: BTreeMap<String, Vec<u8>>,
}

impl Files {
    /// Reads the owned files of `dir`. A missing `dir` or subfolder has no files; anything else
    /// (other files, subfolders, hidden files, non-`.json` files) is ignored.
    ///
    /// # Errors
    /// [`Error::Io`] naming the path that cannot be read.
    pub fn read(dir: &Path) -> Result<Files> {
        Ok(Files { datasources: read_owned(dir, DATASOURCES)?, environments: read_owned(dir, ENVIRONMENTS)? })
    }

    /// A SHA-256 of every owned file's path and bytes, in path order: it changes when any of
    /// them changes, appears or goes.
    pub fn fingerprint(&self) -> String {
        let mut hash = Sha256::new();
        for (path, bytes) in self.datasources.iter().chain(&self.environments) {
            hash.update((path.len() as u64).to_le_bytes());
            hash.update(path.as_bytes());
            hash.update((bytes.len() as u64).to_le_bytes());
            hash.update(bytes);
        }
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Whether `name` is a file of the folder: `*.json`, not hidden (temp files start with `.`).
fn is_owned(name: &str) -> bool {
    name.ends_with(".json") && !name.starts_with('.') && name.len() > ".json".len()
}

fn read_owned(dir: &Path, sub: &str) -> Result<BTreeMap<String, Vec<u8>>> {
    let path = dir.join(sub);
    let mut files = BTreeMap::new();
    let entries = match std::fs::read_dir(&path) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(e) => return Err(Error::io(&path, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(&path, e))?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
        if !is_owned(&name) || !entry.file_type().map_err(|e| Error::io(entry.path(), e))?.is_file() {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        files.insert(format!("{sub}/{name}"), bytes);
    }
    Ok(files)
}

/// What writing a set of files into a folder did.
#[derive(Debug, Default)]
pub struct Written {
    pub written: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
}

/// Makes the owned files of `dir` exactly `wanted` (relative path → bytes): files whose bytes
/// differ (or are new) are written atomically, owned files not in `wanted` are removed, the
/// others are left untouched (so their mtimes stay).
///
/// # Errors
/// [`Error::Io`] naming the path.
pub fn write_all(dir: &Path, wanted: &BTreeMap<String, Vec<u8>>) -> Result<Written> {
    for sub in [DATASOURCES, ENVIRONMENTS] {
        let path = dir.join(sub);
        std::fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
    }
    let present = Files::read(dir)?;
    let mut done = Written::default();
    for (name, bytes) in wanted {
        let same = present.datasources.get(name).or_else(|| present.environments.get(name)) == Some(bytes);
        if same {
            done.unchanged += 1;
            continue;
        }
        write_atomically(&dir.join(name), bytes)?;
        done.written.push(name.clone());
    }
    for name in present.datasources.keys().chain(present.environments.keys()) {
        if !wanted.contains_key(name) {
            let path = dir.join(name);
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            done.removed.push(name.clone());
        }
    }
    Ok(done)
}

/// Writes `bytes` to `path` through a hidden temp file in the same folder and a rename, so a
/// reader (git, the desktop app) never sees half a file. Not synced to disk one by one (a
/// thousand fsyncs take seconds): the folder is a working copy, and git has its history.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let parent = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let mut temp = tempfile::Builder::new()
        .prefix(".latchkey-")
        .suffix(".tmp")
        .tempfile_in(&parent)
        .map_err(|e| Error::io(&parent, e))?;
    temp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    temp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// A file name for `name`: lower-case ASCII letters and digits, other runs as `-`, at most 60
/// characters; `fallback` when nothing is left.
pub fn slug_of(name: &str, fallback: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    // Names Windows keeps for devices cannot be files there.
    const RESERVED: [&str; 6] = ["con", "prn", "aux", "nul", "com1", "lpt1"];
    if slug.is_empty() {
        fallback.to_owned()
    } else if RESERVED.contains(&slug) {
        format!("{slug}-{fallback}")
    } else {
        slug.to_owned()
    }
}

/// Unique slugs for `items` (`(id, name)`): each item's own slug, the second and later of the
/// same slug (in id order) numbered `-2`, `-3`, …; the result is by id, the same whatever
/// order the items come in.
pub fn unique_slugs<'a>(
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
    fallback: &str,
) -> BTreeMap<String, String> {
    let mut wanted: Vec<(String, &str)> = items.into_iter().map(|(id, name)| (slug_of(name, fallback), id)).collect();
    wanted.sort();
    let mut taken = BTreeSet::new();
    let mut slugs = BTreeMap::new();
    for (base, id) in wanted {
        let slug = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}-{n}")))
            .find(|s| !taken.contains(s))
            .expect("some number is free");
        taken.insert(slug.clone());
        slugs.insert(id.to_owned(), slug);
    }
    slugs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_ascii_and_unique_whatever_the_order() {
        assert_eq!(slug_of("GitHub API (v3)", "datasource"), "github-api-v3");
        assert_eq!(slug_of("  ", "datasource"), "datasource");
        assert_eq!(slug_of("Ünïcode", "datasource"), "n-code");
        assert_eq!(slug_of("CON", "datasource"), "con-datasource");
        let a = unique_slugs([("ds_b", "Api"), ("ds_a", "api"), ("ds_c", "api-2")], "datasource");
        let b = unique_slugs([("ds_c", "api-2"), ("ds_a", "api"), ("ds_b", "Api")], "datasource");
        assert_eq!(a, b, "the order the vault lists them in does not matter");
        assert_eq!(a["ds_a"], "api");
        assert_eq!(a["ds_b"], "api-2");
        assert_eq!(a["ds_c"], "api-2-2", "a taken numbered slug is numbered again");
    }
}
