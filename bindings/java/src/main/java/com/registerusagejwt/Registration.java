package com.registerusagejwt;

import java.util.Optional;

/** A verified RegisterUsage registration, copied out of the library. Only a successful verify returns one. */
public final class Registration {
    private final String productCode;
    private final int keyVersion;
    private final String nonce;
    private final TimeClaim issuedAt;
    private final TimeClaim publicKeyRotationTimestamp;

    Registration(String[] ok) {
        // ["ok", productCode, keyVersion, nonce or null, iat kind, iat, rotation kind, rotation]
        this.productCode = ok[1];
        this.keyVersion = Integer.parseUnsignedInt(ok[2]);
        this.nonce = ok[3];
        this.issuedAt = new TimeClaim(ok[4], ok[5]);
        this.publicKeyRotationTimestamp = new TimeClaim(ok[6], ok[7]);
    }

    /** The product code the verifier was configured with. */
    public String productCode() { return productCode; }

    /** The public key version whose key verified the token. */
    public int keyVersion() { return keyVersion; }

    /** The nonce sent; empty for a registration from verifyReplayableWithoutNonce. */
    public Optional<String> nonce() { return Optional.ofNullable(nonce); }

    /** When AWS issued the token ({@code iat}), if the token says. */
    public TimeClaim issuedAt() { return issuedAt; }

    /** Present only when the key version used has expired: ship the new key version. */
    public TimeClaim publicKeyRotationTimestamp() { return publicKeyRotationTimestamp; }

    /** Whether AWS says the key version used has expired: log it loudly and ship the new key. */
    public boolean keyVersionExpired() { return publicKeyRotationTimestamp.isPresent(); }
}
