package com.example.startup;

import com.registerusagejwt.Verifier;
import java.util.Map;

/**
 * DEMO ONLY (the startup-demo-TEST-ONLY jar): trusts keys/test-only-rsa2048.pub.pem, one of
 * register-usage-jwt's TEST keys, whose private key is published in the repository, so anyone
 * can mint tokens this build accepts. Never ship it.
 */
final class Product {
    private Product() {}

    static final String PRODUCT_CODE = "1fszvu527waovqeuhpkyx2b5d";
    static final int PUBLIC_KEY_VERSION = 1;
    static final String KEY_RESOURCE = "demo_product_key_TEST_ONLY.pem";

    static Verifier verifier(byte[] key) {
        return Verifier.dangerouslyAllowingPublishedTestKeysForTestsOnly(PRODUCT_CODE, Map.of(PUBLIC_KEY_VERSION, key));
    }
}
