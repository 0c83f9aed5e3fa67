package com.registerusagejwt;

/**
 * The call itself was wrong, or the library failed: {@code null_argument},
 * {@code invalid_utf8} (a string with an unpaired surrogate), {@code invalid_argument},
 * {@code closed} (used after {@link Verifier#close()}), {@code no_randomness},
 * {@code internal_error}. Do not run as paid software.
 */
public final class VerifierUsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    VerifierUsageException(String code, String message) {
        super(message + " (" + code + ")");
        this.code = code;
    }

    /** The stable code, such as {@code "closed"}. */
    public String code() { return code; }
}
