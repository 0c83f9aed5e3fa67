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

/// The largest key file read: a key in any accepted form is a few kilobytes. A larger file
/// is refused, never cut short: the library and the embedding macro read a file whole, so
/// judging only its beginning could accept what they refuse.
pub const KEY_FILE_LIMIT: usize = 1 << 20;

/// `source` read to its end, or `None` when it holds more than [`KEY_FILE_LIMIT`] bytes.
fn read_whole(source: impl Read) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    let limit = u64::try_from(KEY_FILE_LIMIT.saturating_add(1)).unwrap_or(u64::MAX);
    source.take(limit).read_to_end(&mut bytes)?;
    Ok((bytes.len() <= KEY_FILE_LIMIT).then_some(bytes))
}

/// A file the tool names itself (a key it compares or would overwrite): its whole bytes,
/// `Ok(None)` when it holds more than [`KEY_FILE_LIMIT`]. Only a regular file is read, so a
/// FIFO or a device placed under that name cannot stall or flood the tool.
pub fn read_regular(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other(
            "it is not a regular file (a key file is a plain file)",
        ));
    }
    read_whole(std::fs::File::open(path)?)
}

/// The message for a key file larger than [`KEY_FILE_LIMIT`].
pub fn too_large_file_message(what: &str, shown: &str) -> String {
    format!(
        "the {what} {shown} is larger than {} bytes, far more than any key (a few kilobytes); \
         it is refused rather than judged by its beginning, since the library reads a key \
         file whole: pass the key file itself",
        KEY_FILE_LIMIT
    )
}

/// A file's bytes, or stdin's when `path` is `-`: all of them, or an error.
pub fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, String> {
    if path == Path::new("-") {
        return match read_whole(std::io::stdin()) {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err(too_large_file_message(what, "on stdin")),
            Err(e) => Err(format!("cannot read the {what} from stdin: {e}")),
        };
    }
    let shown = path.display();
    match std::fs::File::open(path).and_then(read_whole) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(too_large_file_message(what, &shown.to_string())),
        Err(e) => Err(format!("cannot read the {what} {shown}: {e}")),
    }
}
