package com.registerusagejwt;

import java.time.Instant;
import java.util.Optional;

/** A time claim of a verified token ({@code iat}, {@code PublicKeyRotationTimestamp}), as the token states it. */
public final class TimeClaim {
    /** What form the claim has. */
    public enum Kind {
        /** The claim is absent (or JSON null). */
        ABSENT,
        /** A NumericDate: {@link #seconds()} holds it. */
        SECONDS,
        /** Present but not a NumericDate (informational claims of any form verify): {@link #raw()}. */
        OTHER
    }

    private final Kind kind;
    private final double seconds;
    private final String raw;

    TimeClaim(String kind, String value) {
        if ("seconds".equals(kind)) {
            this.kind = Kind.SECONDS;
            this.seconds = Double.parseDouble(value);
            this.raw = null;
        } else if ("other".equals(kind)) {
            this.kind = Kind.OTHER;
            this.seconds = 0;
            this.raw = value;
        } else {
            this.kind = Kind.ABSENT;
            this.seconds = 0;
            this.raw = null;
        }
    }

    public Kind kind() { return kind; }

    public boolean isPresent() { return kind != Kind.ABSENT; }

    /** Seconds since the Unix epoch (possibly fractional); 0 unless {@link Kind#SECONDS}. */
    public double seconds() { return seconds; }

    /** The claim as an Instant, when it is a NumericDate. */
    public Optional<Instant> instant() {
        if (kind != Kind.SECONDS) return Optional.empty();
        long whole = (long) Math.floor(seconds);
        return Optional.of(Instant.ofEpochSecond(whole, (long) ((seconds - whole) * 1e9)));
    }

    /** The JSON text of an {@link Kind#OTHER} claim (cut, ending in "...", past 64 bytes); null otherwise. */
    public String raw() { return raw; }

    @Override
    public String toString() {
        switch (kind) {
            case SECONDS: return Double.toString(seconds);
            case OTHER: return raw;
            default: return "absent";
        }
    }
}
