package com.registerusagejwt;

/**
 * A fresh random nonce for each RegisterUsage call: the Rust library's {@code RandomNonce}
 * (192 bits from the operating system through getrandom), so every binding sends the same
 * form and the randomness comes from one audited place, not a second implementation here.
 * The nonce is what stops replay: never reuse one, never use a constant.
 */
public final class RandomNonce {
    private RandomNonce() {}

    /** A new nonce; {@link VerifierUsageException} ({@code no_randomness}) if the OS has no randomness. */
    public static String generate() {
        return NativeBridge.checkNoRejection(NativeBridge.randomNonce())[1];
    }
}
