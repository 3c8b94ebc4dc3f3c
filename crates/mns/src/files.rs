//! Files in the data directory are the council's alone: the directory is made 0700 and the
//! SQLite database (with its WAL and shared-memory files) 0600, whatever the umask, since the
//! database holds children's records and the directory holds the keys.

use anyhow::{Context, Result};
use std::path::Path;

/// Creates `dir` (and its parents) if needed and makes it owner-only (0700).
pub fn create_private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("could not create the data directory {}", dir.display()))?;
    set_mode(dir, 0o700)
}

/// Makes the SQLite database file owner-only before SQLite opens it: created empty with mode
/// 0600 if missing, and set to 0600 if it exists. SQLite gives its `-wal` and `-shm` files the
/// database file's permissions; existing ones are set here too.
pub fn prepare_sqlite_file(url: &str) -> Result<()> {
    let Some(path) = sqlite_path(url) else {
        return Ok(());
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.exists()
    {
        create_private_dir(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .with_context(|| format!("could not open the database file {}", path.display()))?;
    set_mode(path, 0o600)?;
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let side = Path::new(&side);
        // Another process closing the database may remove its log between the look and the
        // change: a file that is gone needs no permissions.
        if side.exists()
            && let Err(error) = set_mode(side, 0o600)
            && side.exists()
        {
            return Err(error);
        }
    }
    Ok(())
}

/// The database file a `sqlite:` URL names; `None` for PostgreSQL or an in-memory database.
pub fn sqlite_path(url: &str) -> Option<&Path> {
    let rest = url
        .strip_prefix("sqlite://")
        .or(url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| Path::new(path))
}

/// Makes `path` owner-only (0600): for copies of the database.
pub fn make_private(path: &Path) -> Result<()> {
    set_mode(path, 0o600)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // chmod is not masked by the umask, so the mode is exactly this.
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("could not set the permissions of {}", path.display()))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}
