//! What is wrong with the JSON of the header or the claims.

use core::fmt;

/// What is wrong with the JSON of the header or the claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JsonDefect {
    /// The decoded segment is not UTF-8.
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The JSON text is not an object.
    NotAnObject,
    /// The JSON grammar is broken here.
    Syntax {
        /// Byte offset in the decoded segment.
        offset: usize,
    },
    /// A `\u` escape names half of a surrogate pair.
    UnpairedSurrogate {
        /// Byte offset in the decoded segment.
        offset: usize,
    },
    /// Something other than whitespace follows the object.
    TrailingData {
        /// Byte offset in the decoded segment.
        offset: usize,
    },
    /// The same member name appears twice (compared after unescaping).
    DuplicateMember {
        /// Byte offset of the second occurrence.
        offset: usize,
    },
    /// The object has more than [`MAX_JSON_MEMBERS`](crate::MAX_JSON_MEMBERS) members.
    TooManyMembers {
        /// The bound.
        max: usize,
    },
    /// A member's value nests deeper than [`MAX_JSON_DEPTH`](crate::MAX_JSON_DEPTH).
    NestingTooDeep {
        /// The bound.
        max: usize,
    },
    /// A required member is absent.
    MissingMember {
        /// Which one.
        member: Member,
    },
    /// A member has the wrong JSON type.
    WrongType {
        /// Which one.
        member: Member,
        /// What it should be.
        expected: Expected,
        /// What it is.
        found: JsonType,
    },
    /// A number that must be an integer has a fraction (`1.5`, `1e-1`); integral spellings
    /// such as `1.0` or `10e-1` are read as the integer they are.
    NotAnInteger {
        /// Which member.
        member: Member,
    },
    /// A member's integer value is out of range (a key version of 0, negative or above
    /// `2^32 - 1`).
    OutOfRange {
        /// Which one.
        member: Member,
    },
    /// The claim is present under two spellings (`ProductCode` and `productCode`), or under
    /// a case variant of its name: a parser that picks the other one would disagree.
    AmbiguousMember {
        /// The claim.
        member: Member,
    },
}

/// A header member or claim that this crate reads, named in errors by its documented name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Member {
    /// The header's `alg`.
    Alg,
    /// The header's `typ`.
    Typ,
    /// `ProductCode` (or `productCode`).
    ProductCode,
    /// `PublicKeyVersion` (or `publicKeyVersion`).
    PublicKeyVersion,
    /// `Nonce` (or `nonce`).
    Nonce,
    /// `PublicKeyRotationTimestamp` (or `publicKeyRotationTimestamp`).
    PublicKeyRotationTimestamp,
    /// `iat`.
    IssuedAt,
}

impl Member {
    /// The documented spelling: `alg`, `typ`, `ProductCode`, `PublicKeyVersion`, `Nonce`,
    /// `PublicKeyRotationTimestamp` or `iat`.
    pub const fn name(self) -> &'static str {
        match self {
            Member::Alg => "alg",
            Member::Typ => "typ",
            Member::ProductCode => "ProductCode",
            Member::PublicKeyVersion => "PublicKeyVersion",
            Member::Nonce => "Nonce",
            Member::PublicKeyRotationTimestamp => "PublicKeyRotationTimestamp",
            Member::IssuedAt => "iat",
        }
    }
}

impl fmt::Display for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.name())
    }
}

/// The type of a JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JsonType {
    /// A string.
    String,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// `null`.
    Null,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonType::String => "a string",
            JsonType::Number => "a number",
            JsonType::Boolean => "a boolean",
            JsonType::Null => "null",
            JsonType::Array => "an array",
            JsonType::Object => "an object",
        })
    }
}

/// What a member must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Expected {
    /// A string.
    String,
    /// A string, or `null` for none.
    StringOrNull,
    /// An integer from 1 to `2^32 - 1`.
    PositiveInteger,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::String => "a string",
            Expected::StringOrNull => "a string or null",
            Expected::PositiveInteger => "an integer from 1 to 4294967295",
        })
    }
}

impl fmt::Display for JsonDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonDefect::NotUtf8 { offset } => write!(f, "it is not UTF-8 (byte {offset})"),
            JsonDefect::NotAnObject => f.write_str("it is not a JSON object"),
            JsonDefect::Syntax { offset } => write!(f, "invalid JSON at byte {offset}"),
            JsonDefect::UnpairedSurrogate { offset } => {
                write!(f, "unpaired UTF-16 surrogate escape at byte {offset}")
            }
            JsonDefect::TrailingData { offset } => {
                write!(f, "data after the object at byte {offset}")
            }
            JsonDefect::DuplicateMember { offset } => {
                write!(f, "a member name repeats at byte {offset}")
            }
            JsonDefect::TooManyMembers { max } => write!(f, "more than {max} members"),
            JsonDefect::NestingTooDeep { max } => write!(f, "nesting deeper than {max} levels"),
            JsonDefect::MissingMember { member } => write!(f, "{member} is missing"),
            JsonDefect::WrongType {
                member,
                expected,
                found,
            } => write!(f, "{member} is {found}, expected {expected}"),
            JsonDefect::NotAnInteger { member } => {
                write!(f, "{member} has a fraction, expected an integer")
            }
            JsonDefect::OutOfRange { member } => write!(f, "{member} is out of range"),
            JsonDefect::AmbiguousMember { member } => write!(
                f,
                "{member} appears under more than one spelling, so its value is ambiguous"
            ),
        }
    }
}
