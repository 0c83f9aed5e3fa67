//! The compact serialization: size bound, three segments, strict base64url.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{Error, Segment, TokenDefect};
use crate::header;
use crate::key::PublicKey;
use crate::limits::MAX_PRE_SIGNATURE_HEADER_LEN;

/// The longest token accepted, in bytes. The largest legitimate RegisterUsage token (a
/// 4096-bit key, a 255-character product code and a 255-character nonce of 4-byte
/// characters) is about 3 KiB; anything longer is refused before any other work.
pub const MAX_TOKEN_LEN: usize = 8192;

/// The decoded size of all three segments together can never exceed this: base64 turns
/// four characters into at most three bytes, and the dots are not decoded.
pub(crate) const MAX_DECODED_LEN: usize = MAX_TOKEN_LEN / 4 * 3;

// The JSON reader's room for decoded member names holds any decoded segment.
const _: () = assert!(crate::json::NAME_BYTES >= MAX_DECODED_LEN);

/// Tokens up to this long decode into a buffer of [`SMALL_DECODED_LEN`] bytes, so that the
/// usual token (about 1.1 KiB at 4096 bits) does not zero the whole [`MAX_DECODED_LEN`].
const SMALL_TOKEN_LEN: usize = 2048;
const SMALL_DECODED_LEN: usize = SMALL_TOKEN_LEN / 4 * 3;

/// Runs `decode` with a zeroed buffer that holds every decoded segment of a token of
/// `token_len` bytes (at most [`MAX_DECODED_LEN`], for a token too long to be accepted).
pub(crate) fn with_buffer<R>(token_len: usize, decode: impl FnOnce(&mut [u8]) -> R) -> R {
    if token_len <= SMALL_TOKEN_LEN {
        decode(&mut [0; SMALL_DECODED_LEN])
    } else {
        decode(&mut [0; MAX_DECODED_LEN])
    }
}

/// A token checked for size and shape and decoded, and nothing more: none of it is trusted.
///
/// Its segments are private. Before the signature, only the short-header check
/// (`refuse_short_header`) reads any of it; the payload is readable only from the
/// [`VerifiedToken`] that `verify` returns once the PS256 signature holds.
pub struct UntrustedToken<'a> {
    /// `BASE64URL(header) '.' BASE64URL(payload)`, exactly as received: what was signed.
    signing_input: &'a [u8],
    header: &'a [u8],
    payload: &'a [u8],
    signature: &'a [u8],
    /// Whether `refuse_short_header` has read the header and found it acceptable.
    header_checked: bool,
}

impl<'a> UntrustedToken<'a> {
    /// Checks the size and shape of `token` and decodes its three segments into `buffer`,
    /// which [`with_buffer`] sizes for `token`'s length.
    pub(crate) fn decode(token: &'a [u8], buffer: &'a mut [u8]) -> Result<Self, Error> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(Error::TokenTooLarge {
                len: token.len(),
                max: MAX_TOKEN_LEN,
            });
        }
        // Base64 turns four characters into at most three bytes: a buffer of this size holds
        // every segment (with_buffer's sizes satisfy it; this keeps a short one an error).
        if buffer.len() < (token.len() / 4).saturating_mul(3) {
            return Err(Error::Internal);
        }
        let malformed = |defect| Error::MalformedToken { defect };
        let Some((header, payload, signature)) = split_segments(token) else {
            let dots = token.iter().filter(|&&b| b == b'.').count();
            return Err(malformed(TokenDefect::SegmentCount {
                found: dots.saturating_add(1),
            }));
        };
        let signing_input_len = header.len().saturating_add(1).saturating_add(payload.len());
        let signing_input = token
            .get(..signing_input_len)
            .ok_or(malformed(TokenDefect::SegmentCount { found: 3 }))?;

        let (header, rest) = decode_segment(header, buffer, Segment::Header)?;
        let (payload, rest) = decode_segment(payload, rest, Segment::Payload)?;
        let (signature, _) = decode_segment(signature, rest, Segment::Signature)?;
        Ok(Self {
            signing_input,
            header,
            payload,
            signature,
            header_checked: false,
        })
    }

    /// Step 3 before any RSA work: a header of at most [`MAX_PRE_SIGNATURE_HEADER_LEN`]
    /// bytes is checked now, so that a refusal names the member at fault (an algorithm AWS
    /// might change to, say). A longer header is left for [`VerifiedToken::check_header`],
    /// so that no long crafted JSON is read unsigned.
    pub(crate) fn refuse_short_header(&mut self) -> Result<(), Error> {
        if self.header.len() <= MAX_PRE_SIGNATURE_HEADER_LEN {
            header::check(self.header)?;
            self.header_checked = true;
        }
        Ok(())
    }

    /// The decoded header and payload, unsigned, and the signature's length: for
    /// [`inspect_unverified`], which only judges them and never makes a security decision.
    /// Claims are not made from these bytes: `Claims::parse` takes a [`VerifiedToken`].
    ///
    /// [`inspect_unverified`]: crate::inspect_unverified
    pub(crate) fn unsigned_parts(&self) -> (&'a [u8], &'a [u8], usize) {
        (self.header, self.payload, self.signature.len())
    }

    /// Step 5: the PS256 signature under `key`, over the signing input exactly as received.
    /// The only way to a [`VerifiedToken`].
    pub(crate) fn verify(self, key: &PublicKey) -> Result<VerifiedToken<'a>, Error> {
        key.rsa()
            .verify_ps256(self.signing_input, self.signature)
            .map_err(|defect| Error::BadSignature { defect })?;
        Ok(VerifiedToken {
            header: self.header,
            payload: self.payload,
            header_checked: self.header_checked,
        })
    }
}

/// A token whose PS256 signature has verified: made only by `UntrustedToken::verify`, the PS256 check.
pub struct VerifiedToken<'a> {
    header: &'a [u8],
    payload: &'a [u8],
    /// The same header bytes already passed `header::check` before the signature.
    header_checked: bool,
}

impl<'a> VerifiedToken<'a> {
    /// Step 3 for every header, now that it is known to be signed. A short one already
    /// passed the same check on the same bytes before the signature; the check is a pure
    /// function of them, so it is not run twice.
    pub(crate) fn check_header(&self) -> Result<(), Error> {
        if self.header_checked {
            Ok(())
        } else {
            header::check(self.header)
        }
    }

    /// The signed payload.
    pub(crate) fn payload(&self) -> &'a [u8] {
        self.payload
    }
}

/// The three dot-separated segments, or `None` for any other count.
fn split_segments(token: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    fn three<'t>(
        mut segments: impl Iterator<Item = &'t [u8]>,
    ) -> Option<(&'t [u8], &'t [u8], &'t [u8])> {
        match (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) {
            (Some(header), Some(payload), Some(signature), None) => {
                Some((header, payload, signature))
            }
            _ => None,
        }
    }
    // A token is ASCII, and `str::split` finds a `char` with `memchr`, many bytes at a time:
    // on the 8 KiB an attacker may send, a byte-by-byte search costs as much as decoding.
    // Bytes that are not UTF-8 are refused later as base64 either way; they take the slow
    // split only so that the count of segments reported is the same.
    match core::str::from_utf8(token) {
        Ok(text) => three(text.split('.').map(str::as_bytes)),
        Err(_) => three(token.split(|&b| b == b'.')),
    }
}

/// Decodes one segment into the front of `buffer`, returning it and the unused rest.
fn decode_segment<'b>(
    encoded: &[u8],
    buffer: &'b mut [u8],
    segment: Segment,
) -> Result<(&'b [u8], &'b mut [u8]), Error> {
    if encoded.is_empty() {
        return Err(Error::MalformedToken {
            defect: TokenDefect::EmptySegment { segment },
        });
    }
    // This engine rejects padding (`RequireNone`), characters outside the URL-safe alphabet
    // (so whitespace, `+` and `/`), impossible lengths and non-zero trailing bits. The buffer
    // holds every segment of a token within `MAX_TOKEN_LEN`, so it is never too small.
    let len = URL_SAFE_NO_PAD
        .decode_slice(encoded, buffer)
        .map_err(|_| Error::MalformedToken {
            defect: TokenDefect::Base64 { segment },
        })?;
    let (decoded, rest) = buffer.split_at_mut_checked(len).ok_or(Error::Internal)?;
    Ok((decoded, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(token: &[u8]) -> Result<(), Error> {
        with_buffer(token.len(), |buffer| {
            UntrustedToken::decode(token, buffer).map(|_| ())
        })
    }

    /// A buffer too small for the token's decoded segments is refused as a bug before any
    /// decoding, whatever the token's length modulo 4 (`with_buffer` never passes one).
    #[test]
    fn a_buffer_too_small_is_an_internal_error() {
        let token = [b'A'; 100];
        let mut buffer = [0u8; 10];
        assert!(matches!(
            UntrustedToken::decode(&token, &mut buffer),
            Err(Error::Internal)
        ));
    }

    /// Bytes that are not UTF-8 take the byte-wise split, and are counted the same way.
    #[test]
    fn segments_of_a_token_that_is_not_utf8() {
        let malformed = |defect| Err(Error::MalformedToken { defect });
        assert_eq!(
            decode(b"\xff.e30.AA"),
            malformed(TokenDefect::Base64 {
                segment: Segment::Header
            })
        );
        assert_eq!(
            decode(b"e30.\xff"),
            malformed(TokenDefect::SegmentCount { found: 2 })
        );
        assert_eq!(
            decode(b"e30.\xffe30.AA.AA"),
            malformed(TokenDefect::SegmentCount { found: 4 })
        );
        // The same counts for UTF-8 input.
        assert_eq!(
            decode(b"e30.e30"),
            malformed(TokenDefect::SegmentCount { found: 2 })
        );
    }
}
