package registerusagejwt

import "fmt"

// Kind says which side of a failed call was wrong.
type Kind int

const (
	// KindRejected: the token was refused. The program must not run as paid software.
	KindRejected Kind = iota + 1
	// KindConfiguration: the verifier's configuration (the seller's key, product code or
	// nonce) is wrong, not the token. Fix the program; do not run as paid software either.
	KindConfiguration
	// KindUsage: the call itself was wrong (a string holding a NUL, text that is not UTF-8,
	// a closed verifier) or the library failed.
	KindUsage
)

func (k Kind) String() string {
	switch k {
	case KindRejected:
		return "token rejected"
	case KindConfiguration:
		return "configuration error"
	case KindUsage:
		return "usage error"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// The stable codes of the Rust library (`Error::code()` and `ConfigError::code()`), of the
// C ABI (the call codes) and of this package (CodeClosed). Compare Error.Code with these.
const (
	// The token was rejected (KindRejected).
	CodeTokenTooLarge        = "token_too_large"
	CodeMalformedToken       = "malformed_token"
	CodeMalformedHeader      = "malformed_header"
	CodeUnsupportedAlgorithm = "unsupported_algorithm"
	CodeUnsupportedHeader    = "unsupported_header"
	CodeUnknownKeyVersion    = "unknown_key_version"
	CodeBadSignature         = "bad_signature"
	CodeMalformedClaims      = "malformed_claims"
	CodeKeyVersionMismatch   = "key_version_mismatch"
	CodeProductCodeMismatch  = "product_code_mismatch"
	CodeNonceMismatch        = "nonce_mismatch"
	CodeNonceMissing         = "nonce_missing"
	CodeUnexpectedNonce      = "unexpected_nonce"

	// The configuration is wrong (KindConfiguration).
	CodeInvalidKey          = "invalid_key"
	CodeWeakKey             = "weak_key"
	CodeCompromisedKey      = "compromised_key"
	CodeInvalidProductCode  = "invalid_product_code"
	CodeInvalidNonce        = "invalid_nonce"
	CodeInvalidKeyVersion   = "invalid_key_version"
	CodeDuplicateKeyVersion = "duplicate_key_version"
	CodeKeyCount            = "key_count"

	// The call was wrong, or the library failed (KindUsage).
	CodeNullArgument    = "null_argument"
	CodeInvalidUTF8     = "invalid_utf8"
	CodeNoRandomness    = "no_randomness"
	CodeInvalidArgument = "invalid_argument"
	CodeInternalError   = "internal_error"
	// CodeClosed: the Verifier was used after Close. This package's own code.
	CodeClosed = "closed"
)

// Error is every error this package returns. Use errors.As to read it:
//
//	var e *registerusagejwt.Error
//	if errors.As(err, &e) && e.Code == registerusagejwt.CodeNonceMismatch { ... }
//
// Whatever the error, the registration was not verified: do not run as paid software.
type Error struct {
	// Kind: the token was rejected, the configuration is wrong, or the call was.
	Kind Kind
	// Code: the stable string code, the same as the Rust library's `Error::code()` (such as
	// "bad_signature"), also for a code newer than this package's constants.
	Code string
	// Message: what happened and what to do.
	Message string
	// Status: the C ABI's numeric ruj_status; for the errors this package raises before
	// calling the library, the status the C ABI has for them (RUJ_INVALID_ARGUMENT for a
	// NUL byte, RUJ_NULL_ARGUMENT for a nil *Verifier), and 0 for CodeClosed.
	Status int
}

func (e *Error) Error() string {
	return fmt.Sprintf("register-usage-jwt: %s (%s): %s", e.Kind, e.Code, e.Message)
}

// IsRejection reports whether the token itself was refused.
func (e *Error) IsRejection() bool { return e.Kind == KindRejected }

// IsConfiguration reports whether the verifier's configuration is wrong.
func (e *Error) IsConfiguration() bool { return e.Kind == KindConfiguration }

func kindOfStatus(status int) Kind {
	switch {
	case status >= 1 && status <= 99:
		return KindRejected
	case status >= 100 && status <= 199:
		return KindConfiguration
	}
	return KindUsage
}

func usageError(code, message string, status int) *Error {
	return &Error{Kind: KindUsage, Code: code, Message: message, Status: status}
}
