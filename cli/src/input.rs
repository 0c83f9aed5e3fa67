//! Reading tokens and key files.

use std::io::Read;
use std::path::Path;

/// The token from the command line, or from stdin when it is `-` (one trailing newline,
/// `\n` or `\r\n`, removed; anything else is kept so the verifier sees it).
pub fn read_token(arg: &str) -> Result<Vec<u8>, String> {
    if arg != "-" {
        return Ok(arg.as_bytes().to_vec());
    }
    let mut bytes = Vec::new();
    // Read at most a little more than any token the verifier accepts, plus slack, so a
    // runaway pipe cannot exhaust memory; the verifier reports the size itself.
    let limit = u64::try_from(register_usage_jwt::MAX_TOKEN_LEN.saturating_mul(16)).unwrap_or(0);
    std::io::stdin()
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the token from stdin: {e}"))?;
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    Ok(bytes)
}

/// A key file's bytes.
pub fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))
}

/// Whether key bytes are PEM (start with `-----BEGIN`, after leading whitespace).
pub fn is_pem(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes
        .get(start..)
        .is_some_and(|rest| rest.starts_with(b"-----BEGIN"))
}
