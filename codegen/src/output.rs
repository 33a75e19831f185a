//! Comparing and writing the generated tree. A write replaces the whole
//! directory at once (stage beside it, then rename), so an interrupted or
//! failed run leaves either the old tree or the new one, never a mix.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::emit::GeneratedFile;

/// How the tree on disk differs from what the specs produce.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Drift {
    /// On disk with other contents.
    Stale(String),
    /// Produced but not on disk.
    Missing(String),
    /// On disk but produced by no spec.
    Extra(String),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Stale(p) => write!(f, "stale:   {p}"),
            Drift::Missing(p) => write!(f, "missing: {p}"),
            Drift::Extra(p) => write!(f, "extra:   {p}"),
        }
    }
}

/// Counts of a write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteSummary {
    /// New or changed files.
    pub written: usize,
    /// Files already up to date.
    pub unchanged: usize,
    /// Files no spec produces any more.
    pub removed: usize,
}

/// Every file below `dir`, relative and `/`-separated, sorted.
pub fn existing_files(dir: &Path) -> io::Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    if dir.exists() {
        walk(dir, dir, &mut out)?;
    }
    Ok(out)
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else {
            out.insert(crate::load::display(&path, root));
        }
    }
    Ok(())
}

/// The differences between `dir` and `files`, sorted by path.
pub fn compare(dir: &Path, files: &[GeneratedFile]) -> io::Result<Vec<Drift>> {
    let mut on_disk = existing_files(dir)?;
    let mut drift = Vec::new();
    for file in files {
        if on_disk.remove(&file.path) {
            let current = fs::read(dir.join(&file.path))?;
            if current != file.contents.as_bytes() {
                drift.push(Drift::Stale(file.path.clone()));
            }
        } else {
            drift.push(Drift::Missing(file.path.clone()));
        }
    }
    drift.extend(on_disk.into_iter().map(Drift::Extra));
    drift.sort_by(|a, b| drift_path(a).cmp(drift_path(b)));
    Ok(drift)
}

fn drift_path(d: &Drift) -> &str {
    match d {
        Drift::Stale(p) | Drift::Missing(p) | Drift::Extra(p) => p,
    }
}

/// Makes `dir` hold exactly `files`. Unchanged files keep their timestamps
/// (they are hard-linked into the new tree) so cargo does not rebuild them.
pub fn write_tree(dir: &Path, files: &[GeneratedFile]) -> io::Result<WriteSummary> {
    let drift = compare(dir, files)?;
    let mut summary = WriteSummary::default();
    for d in &drift {
        match d {
            Drift::Stale(_) | Drift::Missing(_) => summary.written += 1,
            Drift::Extra(_) => summary.removed += 1,
        }
    }
    summary.unchanged = files.len() - summary.written;
    if drift.is_empty() {
        return Ok(summary);
    }
    let changed: BTreeSet<&str> = drift
        .iter()
        .filter_map(|d| match d {
            Drift::Stale(p) | Drift::Missing(p) => Some(p.as_str()),
            Drift::Extra(_) => None,
        })
        .collect();
    let staging = sibling(dir, "staging")?;
    let backup = sibling(dir, "old")?;
    remove_if_present(&staging)?;
    if let Err(error) = stage(dir, &staging, files, &changed) {
        let _ = fs::remove_dir_all(&staging);
        return Err(error);
    }
    remove_if_present(&backup)?;
    if dir.exists() {
        fs::rename(dir, &backup)?;
    }
    if let Err(error) = fs::rename(&staging, dir) {
        // Put the old tree back so the workspace keeps building.
        if backup.exists() {
            let _ = fs::rename(&backup, dir);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(error);
    }
    remove_if_present(&backup)?;
    Ok(summary)
}

fn stage(
    dir: &Path,
    staging: &Path,
    files: &[GeneratedFile],
    changed: &BTreeSet<&str>,
) -> io::Result<()> {
    for file in files {
        let target = staging.join(&file.path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        if changed.contains(file.path.as_str()) {
            fs::write(&target, &file.contents)?;
        } else if fs::hard_link(dir.join(&file.path), &target).is_err() {
            fs::copy(dir.join(&file.path), &target)?;
        }
    }
    Ok(())
}

/// `<parent>/.<name>.<suffix>`: beside the output so the final rename stays
/// on one file system.
fn sibling(dir: &Path, suffix: &str) -> io::Result<PathBuf> {
    let name = dir
        .file_name()
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the output directory has no name",
            )
        })?
        .to_string_lossy();
    let parent = dir.parent().unwrap_or_else(|| Path::new("."));
    Ok(parent.join(format!(".{name}.{suffix}")))
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Writes one file unless it already holds `contents`, through a temporary
/// file and a rename so a reader never sees it half-written. Returns whether
/// it wrote.
pub fn write_file(path: &Path, contents: &str) -> io::Result<bool> {
    if fs::read(path).ok().as_deref() == Some(contents.as_bytes()) {
        return Ok(false);
    }
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"))?
        .to_string_lossy();
    let temporary = path.with_file_name(format!(".{name}.tmp"));
    fs::write(&temporary, contents)?;
    if let Err(error) = fs::rename(&temporary, path) {
        let _ = fs::remove_file(&temporary);
        return Err(error);
    }
    Ok(true)
}
