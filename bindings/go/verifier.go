// Package registerusagejwt verifies AWS Marketplace RegisterUsage tokens (PS256 JWTs)
// offline, in the paid program itself, with the register-usage-jwt Rust library through
// its C ABI (cgo over libregister_usage_jwt_c.a). It has no Go module dependencies.
//
// Build with the C header and the static library on cgo's flags (see README.md):
//
//	CGO_LDFLAGS="/path/to/libregister_usage_jwt_c.a -lpthread -ldl -lm" go build
//
// A Verifier is safe for concurrent use by any number of goroutines, including a Close
// racing with Verify calls: a Verify that starts after Close returns an *Error with
// CodeClosed, never touches freed memory.
package registerusagejwt

/*
#cgo CFLAGS: -I${SRCDIR}/../c/include
#cgo LDFLAGS: -lpthread -ldl -lm
#include <stdlib.h>
#include "register_usage_jwt.h"
*/
import "C"

import (
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// MaxTokenLen is the longest token accepted, in bytes (the core's MAX_TOKEN_LEN): the
// library refuses a longer one with CodeTokenTooLarge before any other work.
const MaxTokenLen = 8192

// MaxKeys is the most keys (key versions) one Verifier takes; the library refuses more
// with CodeKeyCount.
const MaxKeys = 8

// liveVerifiers counts the C verifiers created and not yet freed (the tests read it).
var liveVerifiers int64

// Verifier checks RegisterUsage tokens for one product. Create it once at start-up with
// NewVerifier, use it from any number of goroutines, and Close it when done (a finaliser
// frees it if you forget, but do not rely on that).
type Verifier struct {
	mu  sync.RWMutex
	ptr *C.ruj_verifier // nil once closed
}

// TimeKind says what form a registration's timestamp claim has.
type TimeKind int

const (
	// TimeAbsent: the claim is absent (or JSON null).
	TimeAbsent TimeKind = C.RUJ_TIME_ABSENT
	// TimeSeconds: the claim is a NumericDate; Timestamp.Seconds holds it.
	TimeSeconds TimeKind = C.RUJ_TIME_SECONDS
	// TimeOther: the claim is present but not a NumericDate (informational claims of any
	// form verify). For the rotation timestamp this still means the key version expired.
	TimeOther TimeKind = C.RUJ_TIME_OTHER
)

// Timestamp is a time claim of a verified token, as the token states it.
type Timestamp struct {
	Kind TimeKind
	// Seconds since the Unix epoch (possibly fractional); 0 unless Kind is TimeSeconds.
	Seconds float64
}

// Present reports whether the token has the claim in any form.
func (t Timestamp) Present() bool { return t.Kind != TimeAbsent }

// Time returns the claim as a time.Time, and false unless Kind is TimeSeconds.
func (t Timestamp) Time() (time.Time, bool) {
	if t.Kind != TimeSeconds {
		return time.Time{}, false
	}
	whole := int64(t.Seconds)
	return time.Unix(whole, int64((t.Seconds-float64(whole))*1e9)).UTC(), true
}

// Registration is a verified RegisterUsage registration: a plain Go value, copied out of
// the library's memory. Only a successful Verify returns one.
type Registration struct {
	// ProductCode: the product code the verifier was configured with.
	ProductCode string
	// KeyVersion: the public key version whose key verified the token.
	KeyVersion uint32
	// Nonce: the nonce sent; "" for a registration from VerifyReplayableWithoutNonce.
	Nonce string
	// IssuedAt: when AWS issued the token (`iat`), if the token says.
	IssuedAt Timestamp
	// PublicKeyRotationTimestamp: present only when the key version used has expired. The
	// token is still valid, but ship the new key version AWS Marketplace gives you.
	PublicKeyRotationTimestamp Timestamp
}

// KeyVersionExpired reports whether AWS says the key version used has expired (the
// PublicKeyRotationTimestamp claim is present): log it loudly and ship the new key.
func (r Registration) KeyVersionExpired() bool { return r.PublicKeyRotationTimestamp.Present() }

// NewVerifier creates a verifier for productCode with one key per public key version
// (1 to 8 keys). A key is the public key AWS Marketplace gave you, in any form the library
// reads: PEM, base64 or base64url DER, or DER (SubjectPublicKeyInfo or PKCS#1).
//
// It refuses keys under 2048 bits and keys whose private half is public (the AWS
// documentation's sample key, this library's test keys): an *Error of KindConfiguration.
func NewVerifier(productCode string, keys map[uint32][]byte) (*Verifier, error) {
	return newVerifier(productCode, keys, false)
}

// NewVerifierDangerouslyAllowingPublishedTestKeys is INSECURE: for tests and demos only.
// As NewVerifier, but it also accepts register-usage-jwt's own test keys, whose private
// keys are published: anyone can mint tokens such a verifier accepts. Never ship a program
// that calls it. The AWS documentation's sample key stays refused.
func NewVerifierDangerouslyAllowingPublishedTestKeys(productCode string, keys map[uint32][]byte) (*Verifier, error) {
	return newVerifier(productCode, keys, true)
}

func newVerifier(productCode string, keys map[uint32][]byte, allowTestKeys bool) (*Verifier, error) {
	if err := noNUL("product code", productCode); err != nil {
		return nil, err
	}
	versions := make([]uint32, 0, len(keys))
	for version := range keys {
		versions = append(versions, version)
	}
	sort.Slice(versions, func(i, j int) bool { return versions[i] < versions[j] })

	// Everything C reads lives in C memory, freed before returning: no Go pointer is
	// passed inside another, and C keeps nothing after the call.
	cProduct := C.CString(productCode)
	defer C.free(unsafe.Pointer(cProduct))
	var cKeys *C.ruj_key
	if n := len(versions); n > 0 {
		cKeys = (*C.ruj_key)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(C.ruj_key{}))))
		defer C.free(unsafe.Pointer(cKeys))
		slots := unsafe.Slice(cKeys, n)
		for i, version := range versions {
			data := keys[version]
			slots[i].version = C.uint32_t(version)
			slots[i].len = C.size_t(len(data))
			if len(data) > 0 {
				slots[i].data = (*C.uint8_t)(C.CBytes(data))
				defer C.free(unsafe.Pointer(slots[i].data))
			} else {
				// An empty key: a 1-byte allocation of length 0, so the library says
				// "invalid_key" (the key is empty), not "null_argument".
				slots[i].data = (*C.uint8_t)(C.malloc(1))
				defer C.free(unsafe.Pointer(slots[i].data))
			}
		}
	}
	var ptr *C.ruj_verifier
	var cErr C.ruj_error
	var status C.ruj_status
	if allowTestKeys {
		status = C.ruj_verifier_new_dangerously_allowing_published_test_keys(
			cProduct, cKeys, C.size_t(len(versions)), &ptr, &cErr)
	} else {
		status = C.ruj_verifier_new(cProduct, cKeys, C.size_t(len(versions)), &ptr, &cErr)
	}
	if status != C.RUJ_OK {
		return nil, errorFrom(status, &cErr)
	}
	atomic.AddInt64(&liveVerifiers, 1)
	v := &Verifier{ptr: ptr}
	runtime.SetFinalizer(v, (*Verifier).Close)
	return v, nil
}

// Close frees the verifier. It waits for Verify calls in progress; any Verify after it
// returns an *Error with CodeClosed. Closing twice is allowed and does nothing.
func (v *Verifier) Close() error {
	if v == nil {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.ptr != nil {
		C.ruj_verifier_free(v.ptr)
		v.ptr = nil
		atomic.AddInt64(&liveVerifiers, -1)
		runtime.SetFinalizer(v, nil)
	}
	return nil
}

// Verify verifies token, the Signature field of the RegisterUsage response, for the call
// that sent keyVersion and nonce (make the nonce with RandomNonce, a fresh one per call).
// It returns the registration only if the signature verifies with the key for keyVersion
// and the token's claims echo the product code, key version and nonce. Any error means:
// do not run as paid software.
func (v *Verifier) Verify(token string, keyVersion uint32, nonce string) (Registration, error) {
	if err := noNUL("nonce", nonce); err != nil {
		return Registration{}, err
	}
	return v.verify(token, keyVersion, &nonce)
}

// VerifyReplayableWithoutNonce is REPLAYABLE: it verifies a token from a RegisterUsage call
// that sent no nonce, and a token captured from any entitled run verifies forever. Use
// Verify with a fresh RandomNonce instead. A token that carries a nonce is refused
// (CodeUnexpectedNonce).
func (v *Verifier) VerifyReplayableWithoutNonce(token string, keyVersion uint32) (Registration, error) {
	return v.verify(token, keyVersion, nil)
}

func (v *Verifier) verify(token string, keyVersion uint32, nonce *string) (Registration, error) {
	if v == nil {
		return Registration{}, usageError(CodeNullArgument, "Verify called on a nil *Verifier: create one with NewVerifier", C.RUJ_NULL_ARGUMENT)
	}
	if err := noNUL("token", token); err != nil {
		return Registration{}, err
	}
	cToken := C.CString(token)
	defer C.free(unsafe.Pointer(cToken))
	var cNonce *C.char
	if nonce != nil {
		cNonce = C.CString(*nonce)
		defer C.free(unsafe.Pointer(cNonce))
	}

	var reg *C.ruj_registration
	var cErr C.ruj_error
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.ptr == nil {
		return Registration{}, usageError(CodeClosed, "the verifier was used after Close: create a new one with NewVerifier", 0)
	}
	var status C.ruj_status
	if nonce != nil {
		status = C.ruj_verifier_verify(v.ptr, cToken, C.uint32_t(keyVersion), cNonce, &reg, &cErr)
	} else {
		status = C.ruj_verifier_verify_replayable_without_nonce(v.ptr, cToken, C.uint32_t(keyVersion), &reg, &cErr)
	}
	runtime.KeepAlive(v)
	if status != C.RUJ_OK {
		return Registration{}, errorFrom(status, &cErr)
	}
	defer C.ruj_registration_free(reg)
	out := Registration{
		ProductCode: C.GoString(C.ruj_registration_product_code(reg)),
		KeyVersion:  uint32(C.ruj_registration_key_version(reg)),
	}
	if n := C.ruj_registration_nonce(reg); n != nil {
		out.Nonce = C.GoString(n)
	}
	var seconds C.double
	out.IssuedAt.Kind = TimeKind(C.ruj_registration_issued_at(reg, &seconds))
	if out.IssuedAt.Kind == TimeSeconds {
		out.IssuedAt.Seconds = float64(seconds)
	}
	seconds = 0
	out.PublicKeyRotationTimestamp.Kind = TimeKind(C.ruj_registration_public_key_rotation_timestamp(reg, &seconds))
	if out.PublicKeyRotationTimestamp.Kind == TimeSeconds {
		out.PublicKeyRotationTimestamp.Seconds = float64(seconds)
	}
	return out, nil
}

// RandomNonce returns a fresh random nonce (192 random bits as 32 base64url characters)
// from the operating system's random source. Send it with RegisterUsage and pass the same
// nonce to Verify. Never reuse one.
func RandomNonce() (string, error) {
	var buf [C.RUJ_RANDOM_NONCE_SIZE]C.char
	var cErr C.ruj_error
	if status := C.ruj_random_nonce(&buf[0], C.size_t(len(buf)), &cErr); status != C.RUJ_OK {
		return "", errorFrom(status, &cErr)
	}
	return C.GoString(&buf[0]), nil
}

func errorFrom(status C.ruj_status, cErr *C.ruj_error) *Error {
	code := C.GoString(&cErr.code[0])
	if code == "" {
		code = C.GoString(C.ruj_status_code(status))
	}
	return &Error{
		Kind:    kindOfStatus(int(status)),
		Code:    code,
		Message: C.GoString(&cErr.message[0]),
		Status:  int(status),
	}
}

// noNUL refuses a string holding a NUL byte: the C ABI reads NUL-terminated strings, so
// the library would silently see only the part before it.
func noNUL(what, s string) error {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return usageError(CodeInvalidArgument, "the "+what+" holds a NUL byte (at byte "+strconv.Itoa(i)+
			"), which no valid "+what+" holds; it was not passed to the library", C.RUJ_INVALID_ARGUMENT)
	}
	return nil
}
