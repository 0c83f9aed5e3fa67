//go:build insecure_published_test_keys

// DEMO ONLY, built only with -tags insecure_published_test_keys: trusts
// keys/test-only-rsa2048.pub.pem, one of register-usage-jwt's TEST keys, whose private key
// is published in the repository, so anyone can mint tokens this build accepts. Never
// ship a program built with this tag.

package main

import (
	registerusagejwt "github.com/register-usage-jwt/register-usage-jwt/bindings/go"
)

const (
	productCode      = "1fszvu527waovqeuhpkyx2b5d"
	publicKeyVersion = 1
)

// The text of keys/test-only-rsa2048.pub.pem, quoted here because go:embed cannot reach
// outside this module and keys/ holds the repository's one copy of every key file;
// demo_key_test.go checks the two are the same.
var productKey = []byte(`-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA6E+MRsoUDbmBkQl3NlyW
zmdqPbGNpB8ZkrAiIyK/6BWPFZThAkJQkn/Qb8rd6+nTPBU/6nu0tg8umuQL1jxQ
TuhveGAOlpbWo9BNPbU0y+8WZPFuW/nQXUtKEMnnsC4PYcLWnMgMybhwkezyhrC8
ZT+BB+1dNNiFWZL0uSzBR17mqXX83sS5swbZVLRPFE9ZA3i9Mydq4fYPygx8OZ9Z
Q7j3vnVKX2MD9HChDKVVyhLahsuxOZnMyoXpPsEEP0twlLEfO/DpVFNs2lVd/k9m
JcxCojpy/GsulkAkHjZpulhMrsUYEQRWRfbY5tMpzKMsCBHPpbQonA2CM5Rjda5n
1QIDAQAB
-----END PUBLIC KEY-----
`)

var newVerifier = registerusagejwt.NewVerifierDangerouslyAllowingPublishedTestKeys
