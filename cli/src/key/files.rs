//! The key files the tool names and writes: `product-<code>-v<N>.pem`, canonical PEM,
//! never overwriting another key and never writing outside the directory it is given.

use std::path::Path;

use register_usage_jwt::{DecodedKey, KeyEncoding, decode_key};

use super::details::Details;
use crate::input;

/// The product code and key version a file name `product-<code>-v<N>.pem` says.
pub fn parse_file_name(path: &Path) -> Option<(String, u32)> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_prefix("product-")?.strip_suffix(".pem")?;
    let (code, version) = stem.rsplit_once("-v")?;
    let version: u32 = version.parse().ok().filter(|v| *v >= 1)?;
    (!code.is_empty()).then(|| (code.to_owned(), version))
}

/// The file name `key fetch` writes for a key version.
#[cfg_attr(not(feature = "catalog"), allow(dead_code))]
pub fn file_name(code: &str, version: u32) -> String {
    format!("product-{}-v{version}.pem", file_stem(code))
}

/// The longest product part of a file name: with `product-` and `-v<N>.pem` it stays under
/// the 255 bytes file systems allow in a name.
const MAX_STEM_CHARS: usize = 200;

/// The part of a key file's name that stands for the product: the code with every character
/// but `[A-Za-z0-9._-]` made `_`, at most [`MAX_STEM_CHARS`] long. Product codes may hold `/`,
/// `:`, `=` and `@`, and a catalog answer anything, so a name is never built from them raw:
/// behind `product-` the result is one plain name inside the directory, never `.`, `..`, a
/// path, a Windows stream or a control character. Real product codes (25 letters and
/// digits) come through unchanged.
#[cfg_attr(not(feature = "catalog"), allow(dead_code))]
pub fn file_stem(code: &str) -> String {
    code.chars()
        .take(MAX_STEM_CHARS)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The key as canonical PEM: its DER, base64 at 64 columns, under the label of its encoding.
pub fn canonical_pem(key: &DecodedKey) -> Result<String, String> {
    let label = match key.encoding() {
        KeyEncoding::Pkcs1 => "RSA PUBLIC KEY",
        _ => "PUBLIC KEY",
    };
    rsa::pkcs8::der::pem::encode_string(label, rsa::pkcs8::der::pem::LineEnding::LF, key.der())
        .map_err(|e| format!("cannot encode the key as PEM: {e}"))
}
/// Writes `pem` (the key `details` describes) to `path` unless it holds a different key;
/// `Ok(true)` when written, `Ok(false)` when it already held this key.
pub fn write_pem(path: &Path, details: &Details, pem: &str) -> Result<bool, String> {
    let refuse = || {
        Err(format!(
            "{} already exists and does not hold this key; refusing to overwrite it (move it \
             away if you mean to replace it)",
            path.display()
        ))
    };
    match input::read_regular(path) {
        Ok(Some(existing)) => {
            let old = decode_key(&existing)
                .ok()
                .and_then(|old| Details::read(&old).ok());
            if old.is_some_and(|old| old.same_key(details)) {
                Ok(false)
            } else {
                refuse()
            }
        }
        Ok(None) => refuse(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_new(path, pem).map(|()| true),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Creates `path` with `pem`. `create_new` (O_EXCL) neither follows a symbolic link left
/// under that name nor replaces a file that appeared since it was looked at, so the tool
/// writes only the file it names.
fn create_new(path: &Path, pem: &str) -> Result<(), String> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} is a link to a missing file, or appeared while the tool ran; refusing to \
                 write through it (remove it and run again)",
                path.display()
            ),
            _ => format!("cannot write {}: {e}", path.display()),
        })?;
    file.write_all(pem.as_bytes()).map_err(|e| {
        // A half-written key file must not be mistaken for a key later.
        let _ = std::fs::remove_file(path);
        format!("cannot write {}: {e}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::{file_name, parse_file_name};
    use std::path::Path;

    #[test]
    fn file_names_are_one_plain_name_whatever_the_code() {
        assert_eq!(
            file_name("1fszvu527waovqeuhpkyx2b5d", 2),
            "product-1fszvu527waovqeuhpkyx2b5d-v2.pem"
        );
        for code in [
            "x/../../escaped",
            "..",
            ".",
            "/etc/passwd",
            "a:b",
            "a\\b",
            "\u{1b}[2J\r",
        ] {
            let name = file_name(code, 1);
            assert_eq!(Path::new(&name).components().count(), 1, "{code:?}: {name}");
            assert!(name.starts_with("product-"), "{code:?}: {name}");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
                "{code:?}: {name}"
            );
        }
        assert!(file_name(&"a".repeat(255), u32::MAX).len() <= 255);
        // What `key inspect` reads back from a name `key fetch` wrote.
        assert_eq!(
            parse_file_name(Path::new(&file_name("x/y", 3))),
            Some(("x_y".to_owned(), 3))
        );
    }
}
