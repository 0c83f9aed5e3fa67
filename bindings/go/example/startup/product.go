//go:build !insecure_published_test_keys

package main

import (
	_ "embed"

	registerusagejwt "github.com/register-usage-jwt/register-usage-jwt/bindings/go"
)

// REPLACE: your product code, the key version AWS Marketplace gave you, and that key
// (product_key.pem, compiled in).
const (
	productCode      = "your-product-code"
	publicKeyVersion = 1
)

//go:embed product_key.pem
var productKey []byte

// newVerifier refuses published test keys: this is the program you ship.
var newVerifier = registerusagejwt.NewVerifier
