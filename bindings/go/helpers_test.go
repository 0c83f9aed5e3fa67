package registerusagejwt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const product = "1fszvu527waovqeuhpkyx2b5d"

var repo = filepath.Join("..", "..")

// publishedTestKey reads keys/<stem>.pub.pem: a TEST ONLY key whose private key is public.
func publishedTestKey(t testing.TB, stem string) []byte {
	t.Helper()
	pem, err := os.ReadFile(filepath.Join(repo, "keys", stem+".pub.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return pem
}

// testVerifier is a verifier that accepts the published test key: for tests only.
func testVerifier(t testing.TB) *Verifier {
	t.Helper()
	v, err := NewVerifierDangerouslyAllowingPublishedTestKeys(product, map[uint32][]byte{1: publishedTestKey(t, "test-only-rsa2048")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// reliability prints the line the README's reliability figure counts:
// "reliability: go<TAB>CASE<TAB>OUTCOME" (go test -v shows it).
func reliability(name, outcome string) {
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	fmt.Printf("reliability: go\t%s\t%s\n", flat(name), flat(outcome))
}

// misuse is a misuse case: err must be an *Error with the code wanted. It prints the
// case's reliability line ("refused CODE: message", or "accepted").
func misuse(t *testing.T, name string, wantCode string, err error) *Error {
	t.Helper()
	if err == nil {
		reliability(name, "accepted")
		t.Fatalf("%s: accepted, want %s", name, wantCode)
	}
	var e *Error
	if !errors.As(err, &e) {
		reliability(name, "refused untyped: "+err.Error())
		t.Fatalf("%s: %T %v is not an *Error", name, err, err)
	}
	reliability(name, "refused "+e.Code+": "+e.Message)
	if wantCode != "" && e.Code != wantCode {
		t.Fatalf("%s: code %q, want %q (%v)", name, e.Code, wantCode, e)
	}
	if e.Message == "" {
		t.Fatalf("%s: empty message", name)
	}
	return e
}
