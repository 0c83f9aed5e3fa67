//! Bounded reads of the files an attacker's environment can name.
//!
//! The AWS SDK reads its configuration files whole, with no size limit and following FIFOs
//! and devices: `AWS_CONFIG_FILE=/dev/zero` grows the process until the kernel kills it, a
//! FIFO blocks for ever. This program reads the profile files itself, only when they are
//! regular files of at most [`MAX_CONFIG_FILE_BYTES`], and gives the SDK their contents, so
//! the SDK never opens them. Files the SDK opens later (web identity and container
//! authorization tokens) are checked the same way before the SDK sees them.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::NotEntitled;

/// The largest AWS configuration, credentials or token file this program reads (1 MiB; real
/// ones are a few KiB).
pub const MAX_CONFIG_FILE_BYTES: u64 = 1 << 20;

/// What kind of file a path names, for the refusal message.
fn kind_of(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// A refusal naming the setting and the file.
fn refuse(variable: &str, path: &Path, why: impl std::fmt::Display) -> NotEntitled {
    NotEntitled::Environment(format!("{variable} names {}, which {why}", path.display()))
}

/// Checks, without opening it, that `path` is a regular file of at most `cap` bytes.
/// `Ok(false)`: it does not exist (the SDK treats a missing file as empty).
pub(crate) fn check(variable: &str, path: &Path, cap: u64) -> Result<bool, NotEntitled> {
    // `metadata` follows symbolic links like an open would, and never blocks on a FIFO.
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if missing(&error) => return Ok(false),
        Err(error) => return Err(refuse(variable, path, format!("cannot be read: {error}"))),
    };
    check_metadata(variable, path, &metadata, cap)?;
    Ok(true)
}

fn missing(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}

fn check_metadata(
    variable: &str,
    path: &Path,
    metadata: &std::fs::Metadata,
    cap: u64,
) -> Result<(), NotEntitled> {
    if !metadata.is_file() {
        return Err(refuse(
            variable,
            path,
            format!(
                "is {}: name a regular file, or unset the variable",
                kind_of(metadata.file_type())
            ),
        ));
    }
    if metadata.len() > cap {
        return Err(refuse(
            variable,
            path,
            format!(
                "is {} bytes, more than the {cap} this program reads",
                metadata.len()
            ),
        ));
    }
    Ok(())
}

/// Reads `path` whole if it is a regular file of at most `cap` bytes; `Ok(None)` if it does
/// not exist. The opened file is checked again, so a file swapped after the first check is
/// judged by what was opened, and the read stops after `cap` bytes whatever the size says.
pub(crate) fn read(variable: &str, path: &Path, cap: u64) -> Result<Option<Vec<u8>>, NotEntitled> {
    if !check(variable, path, cap)? {
        return Ok(None);
    }
    let cannot = |error: io::Error| refuse(variable, path, format!("cannot be read: {error}"));
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if missing(&error) => return Ok(None),
        Err(error) => return Err(cannot(error)),
    };
    check_metadata(variable, path, &file.metadata().map_err(cannot)?, cap)?;
    let mut contents = Vec::new();
    file.take(cap.saturating_add(1))
        .read_to_end(&mut contents)
        .map_err(cannot)?;
    if u64::try_from(contents.len()).unwrap_or(u64::MAX) > cap {
        return Err(refuse(
            variable,
            path,
            format!("grew past the {cap} bytes this program reads while it was read"),
        ));
    }
    Ok(Some(contents))
}

/// The path the SDK reads for a profile file: the variable if set, else the default path;
/// a leading `~` component is the home directory (`HOME`), as the SDK expands it.
pub(crate) fn profile_path(variable: &str, default: &str) -> PathBuf {
    let path = std::env::var(variable).unwrap_or_else(|_| default.to_owned());
    let mut components = Path::new(&path).components();
    match (components.next(), std::env::var("HOME")) {
        (Some(std::path::Component::Normal(first)), Ok(home)) if first == "~" => {
            let mut expanded = PathBuf::from(home);
            expanded.extend(components);
            expanded
        }
        _ => PathBuf::from(path),
    }
}

/// The value of every `web_identity_token_file = ...` line of a profile file: the SDK opens
/// these when it resolves credentials. (A line scan, broader than the SDK's parser: it may
/// check a file the SDK would not read, never the other way round.)
pub(crate) fn token_files_named_in(profile: &str) -> impl Iterator<Item = PathBuf> + '_ {
    profile.lines().filter_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "web_identity_token_file").then(|| PathBuf::from(value.trim()))
    })
}
