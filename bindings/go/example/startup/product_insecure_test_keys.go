//go:build insecure_published_test_keys

// DEMO ONLY, built only with -tags insecure_published_test_keys: trusts
// keys/test-only-rsa2048.pub.pem, one of register-usage-jwt's TEST keys, whose private key
// is published in the repository, so anyone can mint tokens this build accepts. Never
// ship a program built with this tag.

package main

import (
	_ "embed"

	registerusagejwt "github.com/register-usage-jwt/register-usage-jwt/bindings/go"
)

const (
	productCode      = "1fszvu527waovqeuhpkyx2b5d"
	publicKeyVersion = 1
)

//go:embed demo_product_key_TEST_ONLY.pem
var productKey []byte

var newVerifier = registerusagejwt.NewVerifierDangerouslyAllowingPublishedTestKeys
