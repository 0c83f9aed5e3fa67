//! The compact serialization: size bound, three segments, strict base64url.

use base64ct::{Base64UrlUnpadded, Encoding};

use crate::error::{Error, Segment, TokenDefect};

/// The longest token accepted, in bytes. The largest legitimate RegisterUsage token (a
/// 4096-bit key, a 255-character product code and a 255-character nonce of 4-byte
/// characters) is about 3 KiB; anything longer is refused before any other work.
pub const MAX_TOKEN_LEN: usize = 8192;

/// The decoded size of all three segments together can never exceed this: base64 turns
/// four characters into at most three bytes, and the dots are not decoded.
pub(crate) const MAX_DECODED_LEN: usize = MAX_TOKEN_LEN / 4 * 3;

/// A token split into its segments and decoded into a caller-provided buffer.
pub(crate) struct DecodedToken<'t, 'b> {
    /// `BASE64URL(header) '.' BASE64URL(payload)`, exactly as received: what was signed.
    pub(crate) signing_input: &'t [u8],
    pub(crate) header: &'b [u8],
    pub(crate) payload: &'b [u8],
    pub(crate) signature: &'b [u8],
}

impl<'t, 'b> DecodedToken<'t, 'b> {
    /// Checks the size and shape of `token` and decodes its three segments into `buffer`.
    pub(crate) fn decode(
        token: &'t [u8],
        buffer: &'b mut [u8; MAX_DECODED_LEN],
    ) -> Result<Self, Error> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(Error::TokenTooLarge {
                len: token.len(),
                max: MAX_TOKEN_LEN,
            });
        }
        let malformed = |defect| Error::MalformedToken { defect };
        let mut segments = token.split(|&b| b == b'.');
        let (Some(header), Some(payload), Some(signature), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
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
        })
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
    // base64ct rejects padding, characters outside the URL-safe alphabet (so whitespace,
    // `+` and `/`), impossible lengths and non-zero trailing bits.
    let len = Base64UrlUnpadded::decode(encoded, buffer)
        .map_err(|_| Error::MalformedToken {
            defect: TokenDefect::Base64 { segment },
        })?
        .len();
    let (decoded, rest) = buffer.split_at_mut(len);
    Ok((decoded, rest))
}
