package com.registerusagejwt;

/**
 * The verifier's configuration is wrong (the key, the product code, the nonce), not the
 * token: fix the program. {@link #code()} is the Rust library's {@code ConfigError::code()}
 * ({@code invalid_key}, {@code compromised_key}, ...).
 */
public final class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    ConfigurationException(String code, String message) {
        super(message + " (" + code + ")");
        this.code = code;
    }

    /** The stable code, such as {@code "compromised_key"}. */
    public String code() { return code; }
}
