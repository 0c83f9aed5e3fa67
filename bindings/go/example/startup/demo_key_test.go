//go:build insecure_published_test_keys

package main

import (
	"os"
	"testing"
)

// The quoted demo key must stay the repository's TEST ONLY key: the emulator in ci.sh signs
// with its private half.
func TestDemoKeyIsTheRepositoryTestKey(t *testing.T) {
	want, err := os.ReadFile("../../../../keys/test-only-rsa2048.pub.pem")
	if err != nil {
		t.Fatalf("read keys/test-only-rsa2048.pub.pem (run from bindings/go): %v", err)
	}
	if string(productKey) != string(want) {
		t.Fatalf("productKey differs from keys/test-only-rsa2048.pub.pem:\n%s", productKey)
	}
}
