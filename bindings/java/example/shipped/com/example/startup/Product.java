package com.example.startup;

import com.registerusagejwt.Verifier;
import java.util.Map;

/** REPLACE: your product code, the key version AWS Marketplace gave you, and that key (product_key.pem, a classpath resource in the jar). */
final class Product {
    private Product() {}

    static final String PRODUCT_CODE = "your-product-code";
    static final int PUBLIC_KEY_VERSION = 1;
    static final String KEY_RESOURCE = "product_key.pem";

    /** Refuses published test keys: this is the program you ship. */
    static Verifier verifier(byte[] key) {
        return Verifier.create(PRODUCT_CODE, Map.of(PUBLIC_KEY_VERSION, key));
    }
}
