package registerusagejwt

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// The one conformance corpus (tests/fixtures/conformance.json, written by
// tests/fixtures/generate_conformance.py): every interop fixture and a case for every
// rejection and configuration code, the same file every binding runs.
type conformanceCase struct {
	Name        string `json:"name"`
	Source      string `json:"source"`
	ProductCode string `json:"product_code"`
	Keys        []struct {
		Version uint32  `json:"version"`
		File    *string `json:"file"`
		Text    *string `json:"text"`
	} `json:"keys"`
	AllowPublishedTestKeys bool `json:"allow_published_test_keys"`
	Verify                 *struct {
		Token      string  `json:"token"`
		KeyVersion uint32  `json:"key_version"`
		Nonce      *string `json:"nonce"`
	} `json:"verify"`
	Expect   string          `json:"expect"`
	Kind     string          `json:"kind"`
	Claims   json.RawMessage `json:"claims"`
	Requires []string        `json:"requires"`
}

type conformanceCorpus struct {
	Format int `json:"format"`
	Codes  struct {
		Rejection     []string `json:"rejection"`
		Configuration []string `json:"configuration"`
	} `json:"codes"`
	NotCovered map[string]string `json:"not_covered"`
	Cases      []conformanceCase `json:"cases"`
}

// goCodes are the codes this package names, by kind: a code the corpus lists that Go does
// not (or the reverse) fails TestConformanceCorpus.
var goCodes = map[string][]string{
	"rejection": rejectionCodes,
	"configuration": {CodeInvalidKey, CodeWeakKey, CodeCompromisedKey, CodeInvalidProductCode,
		CodeInvalidNonce, CodeInvalidKeyVersion, CodeDuplicateKeyVersion, CodeKeyCount},
}

func sameSet(a, b []string) bool {
	x, y := append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(x)
	sort.Strings(y)
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

func TestConformanceCorpus(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repo, "tests", "fixtures", "conformance.json"))
	if err != nil {
		t.Fatal(err)
	}
	var corpus conformanceCorpus
	if err := json.Unmarshal(raw, &corpus); err != nil {
		t.Fatal(err)
	}
	if corpus.Format != 1 {
		t.Fatalf("corpus format %d, this test reads 1", corpus.Format)
	}
	if !sameSet(corpus.Codes.Rejection, goCodes["rejection"]) || !sameSet(corpus.Codes.Configuration, goCodes["configuration"]) {
		t.Fatalf("the corpus's codes %+v differ from the Go package's %+v", corpus.Codes, goCodes)
	}
	// Every interop fixture is in the corpus, under the same name and verdict.
	interop := map[string]string{}
	for _, c := range loadFixtures(t) {
		interop[c.Name] = c.Expect
	}
	fromFixtures := 0
	for _, c := range corpus.Cases {
		if c.Source == "tokens.json" {
			fromFixtures++
			if interop[c.Name] != c.Expect {
				t.Errorf("%s: corpus expects %q, tokens.json %q", c.Name, c.Expect, interop[c.Name])
			}
		}
	}
	if fromFixtures != len(interop) {
		t.Errorf("the corpus holds %d of the %d interop fixtures: run tests/fixtures/generate_conformance.py", fromFixtures, len(interop))
	}

	covered := map[string]bool{}
	for _, c := range corpus.Cases {
		c := c
		t.Run(c.Name, func(t *testing.T) {
			for _, need := range c.Requires {
				if need == "duplicate_key_versions" {
					t.Skip("a Go map cannot hold one key version twice: this API cannot express the case")
				}
				t.Fatalf("unknown requirement %q", need)
			}
			keys := map[uint32][]byte{}
			for _, k := range c.Keys {
				switch {
				case k.File != nil:
					data, err := os.ReadFile(filepath.Join(repo, filepath.FromSlash(*k.File)))
					if err != nil {
						t.Fatal(err)
					}
					keys[k.Version] = data
				case k.Text != nil:
					keys[k.Version] = []byte(*k.Text)
				default:
					t.Fatal("a key with neither file nor text")
				}
			}
			if len(keys) != len(c.Keys) {
				t.Fatal("duplicate key versions without the requirement")
			}
			newV := NewVerifier
			if c.AllowPublishedTestKeys {
				newV = NewVerifierDangerouslyAllowingPublishedTestKeys
			}
			v, err := newV(c.ProductCode, keys)
			if err == nil && c.Verify != nil {
				defer v.Close()
				if c.Verify.Nonce == nil {
					_, err = v.VerifyReplayableWithoutNonce(c.Verify.Token, c.Verify.KeyVersion)
				} else {
					_, err = v.Verify(c.Verify.Token, c.Verify.KeyVersion, *c.Verify.Nonce)
				}
			} else if err == nil {
				v.Close()
			}
			if c.Expect == "valid" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return // the claims are checked by TestInteropFixtures
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("want %s, got %v", c.Expect, err)
			}
			wantKind := map[string]Kind{"rejection": KindRejected, "configuration": KindConfiguration}[c.Kind]
			if e.Code != c.Expect || e.Kind != wantKind || e.Message == "" {
				t.Fatalf("want %s %s, got %+v", c.Kind, c.Expect, e)
			}
			covered[c.Expect] = true
		})
	}
	for _, code := range append(append([]string(nil), corpus.Codes.Rejection...), corpus.Codes.Configuration...) {
		if !covered[code] && code != CodeDuplicateKeyVersion {
			t.Errorf("no passing case for %s", code)
		}
	}
}
