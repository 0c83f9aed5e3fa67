package registerusagejwt

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

type fixture struct {
	Name              string  `json:"name"`
	Signer            string  `json:"signer"`
	Key               string  `json:"key"`
	Token             string  `json:"token"`
	Expect            string  `json:"expect"`
	ConfiguredVersion *uint32 `json:"configured_version"`
	Request           struct {
		ProductCode string  `json:"product_code"`
		KeyVersion  uint32  `json:"key_version"`
		Nonce       *string `json:"nonce"`
	} `json:"request"`
	Claims *struct {
		ProductCode string          `json:"product_code"`
		KeyVersion  uint32          `json:"key_version"`
		Nonce       *string         `json:"nonce"`
		IssuedAt    json.RawMessage `json:"issued_at"`
		Rotation    json.RawMessage `json:"rotation"`
	} `json:"claims"`
}

func loadFixtures(t testing.TB) []fixture {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repo, "tests", "fixtures", "tokens.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []fixture `json:"cases"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Cases
}

// validFixture is the first valid fixture for product, key version 1, with a nonce.
func validFixture(t testing.TB) fixture {
	t.Helper()
	for _, c := range loadFixtures(t) {
		if c.Expect == "valid" && c.Key == "test-only-rsa2048" && c.Request.ProductCode == product &&
			c.Request.KeyVersion == 1 && c.Request.Nonce != nil && *c.Request.Nonce != "" {
			return c
		}
	}
	t.Fatal("no valid fixture")
	return fixture{}
}

var rejectionCodes = []string{
	CodeTokenTooLarge, CodeMalformedToken, CodeMalformedHeader, CodeUnsupportedAlgorithm,
	CodeUnsupportedHeader, CodeUnknownKeyVersion, CodeBadSignature, CodeMalformedClaims,
	CodeKeyVersionMismatch, CodeProductCodeMismatch, CodeNonceMismatch, CodeNonceMissing,
	CodeUnexpectedNonce,
}

// checkTimestamp compares a Timestamp with a fixture claim: null, a number, or {"other": true}.
func checkTimestamp(t *testing.T, what string, got Timestamp, want json.RawMessage) {
	t.Helper()
	switch {
	case len(want) == 0 || string(want) == "null":
		if got.Kind != TimeAbsent {
			t.Errorf("%s: %+v, want absent", what, got)
		}
	case want[0] == '{':
		if got.Kind != TimeOther {
			t.Errorf("%s: %+v, want present but not a NumericDate", what, got)
		}
	default:
		var seconds float64
		if err := json.Unmarshal(want, &seconds); err != nil {
			t.Fatal(err)
		}
		if got.Kind != TimeSeconds || got.Seconds != seconds {
			t.Errorf("%s: %+v, want %v seconds", what, got, seconds)
		}
	}
}

func TestInteropFixtures(t *testing.T) {
	cases := loadFixtures(t)
	if len(cases) < 150 {
		t.Fatalf("only %d fixtures", len(cases))
	}
	seen := map[string]bool{}
	signers := map[string]bool{}
	for _, c := range cases {
		c := c
		seen[c.Expect] = true
		signers[c.Signer] = true
		t.Run(c.Name, func(t *testing.T) {
			version := c.Request.KeyVersion
			if c.ConfiguredVersion != nil {
				version = *c.ConfiguredVersion
			}
			v, err := NewVerifierDangerouslyAllowingPublishedTestKeys(c.Request.ProductCode,
				map[uint32][]byte{version: publishedTestKey(t, c.Key)})
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			var reg Registration
			if c.Request.Nonce == nil {
				reg, err = v.VerifyReplayableWithoutNonce(c.Token, c.Request.KeyVersion)
			} else {
				reg, err = v.Verify(c.Token, c.Request.KeyVersion, *c.Request.Nonce)
			}
			if c.Expect == "valid" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				want := c.Claims
				if reg.ProductCode != want.ProductCode || reg.KeyVersion != want.KeyVersion {
					t.Errorf("got %+v, want %+v", reg, want)
				}
				wantNonce := ""
				if want.Nonce != nil {
					wantNonce = *want.Nonce
				}
				if reg.Nonce != wantNonce {
					t.Errorf("nonce %q, want %q", reg.Nonce, wantNonce)
				}
				checkTimestamp(t, "issued_at", reg.IssuedAt, want.IssuedAt)
				checkTimestamp(t, "rotation", reg.PublicKeyRotationTimestamp, want.Rotation)
				if reg.KeyVersionExpired() != reg.PublicKeyRotationTimestamp.Present() {
					t.Error("KeyVersionExpired disagrees with the rotation timestamp")
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("want %s, got %v", c.Expect, err)
			}
			if e.Code != c.Expect || e.Kind != KindRejected || !e.IsRejection() || e.Message == "" {
				t.Fatalf("want rejection %s, got %+v", c.Expect, e)
			}
		})
	}
	for _, code := range rejectionCodes {
		if !seen[code] {
			t.Errorf("no fixture for %s", code)
		}
	}
	if !signers["cryptography"] || !signers["openssl"] {
		t.Errorf("signers %v", signers)
	}
}
