//! Reading tokens and key files.

use std::io::Read;
use std::path::Path;

/// How much of stdin is read at most: far more than any token the verifier accepts, so
/// the verifier still reports an oversized token's real size, and little enough that a
/// runaway pipe cannot exhaust memory.
pub const STDIN_LIMIT: usize = register_usage_jwt::MAX_TOKEN_LEN * 16;

/// A token as read.
pub enum Token {
    /// All of it.
    Complete(Vec<u8>),
    /// Stdin held more than [`STDIN_LIMIT`] bytes; reading stopped there.
    MoreThan(usize),
}

/// The token from the command line, or from stdin when it is `-` (one trailing newline,
/// `\n` or `\r\n`, removed; anything else is kept so the verifier sees it).
pub fn read_token(arg: &str) -> Result<Token, String> {
    if arg != "-" {
        return Ok(Token::Complete(arg.as_bytes().to_vec()));
    }
    let mut bytes = Vec::new();
    let limit = u64::try_from(STDIN_LIMIT.saturating_add(1)).unwrap_or(u64::MAX);
    std::io::stdin()
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the token from stdin: {e}"))?;
    if bytes.len() > STDIN_LIMIT {
        return Ok(Token::MoreThan(STDIN_LIMIT));
    }
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    Ok(Token::Complete(bytes))
}

/// The message for a token that was not read to its end.
pub fn too_large_message(read: usize) -> String {
    format!(
        "the token on stdin is more than {read} bytes (reading stopped there), far more than \
         the {} any RegisterUsage token needs; pass the `Signature` field of the RegisterUsage \
         response, nothing else",
        register_usage_jwt::MAX_TOKEN_LEN
    )
}

/// The largest key file read: a key in any accepted form is a few kilobytes.
const KEY_FILE_LIMIT: u64 = 1 << 20;

/// A file's bytes, or stdin's when `path` is `-`.
pub fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin()
            .take(KEY_FILE_LIMIT)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read the {what} from stdin: {e}"))
    } else {
        std::fs::File::open(path)
            .and_then(|file| file.take(KEY_FILE_LIMIT).read_to_end(&mut bytes))
            .map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))
    };
    read.map(|_| bytes)
}
