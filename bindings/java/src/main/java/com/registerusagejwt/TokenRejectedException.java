package com.registerusagejwt;

/**
 * The token was refused: do not run as paid software. {@link #code()} is stable
 * ({@code bad_signature}, {@code nonce_mismatch}, ...: the Rust library's {@code Error::code()});
 * the message says what happened and what to do.
 */
public final class TokenRejectedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final String step;

    TokenRejectedException(String code, String step, String message) {
        super(message + " (" + code + ")");
        this.code = code;
        this.step = step;
    }

    /** The stable code, such as {@code "bad_signature"}. */
    public String code() { return code; }

    /** The verification step that refused the token ({@code "signature"}, ...), or null. */
    public String step() { return step; }
}
