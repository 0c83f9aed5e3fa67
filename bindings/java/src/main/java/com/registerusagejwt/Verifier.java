package com.registerusagejwt;

import java.io.ByteArrayOutputStream;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Checks AWS Marketplace RegisterUsage tokens for one product, with the register-usage-jwt
 * Rust library. Create it once at start-up, use it from any number of threads, close it
 * when done (a {@link Cleaner} frees it if you forget, but do not rely on that). A verify
 * racing close either completes or throws {@link VerifierUsageException} {@code closed};
 * it never touches freed memory.
 */
public final class Verifier implements AutoCloseable {
    /** The longest token accepted, in bytes (the library refuses a longer one: {@code token_too_large}). */
    public static final int MAX_TOKEN_LEN = 8192;
    /** The most key versions one verifier takes ({@code key_count} past it). */
    public static final int MAX_KEYS = 8;

    private static final Cleaner CLEANER = Cleaner.create();

    /** The native handle, freed once: by close() or, if forgotten, by the Cleaner. */
    private static final class Handle implements Runnable {
        private volatile long value;

        Handle(long value) { this.value = value; }

        @Override
        public void run() {
            long h = value;
            value = 0;
            if (h != 0) NativeBridge.free(h);
        }
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Handle handle;
    private final Cleaner.Cleanable cleanable;

    private Verifier(long handle) {
        this.handle = new Handle(handle);
        this.cleanable = CLEANER.register(this, this.handle);
    }

    /**
     * A verifier for {@code productCode} with one key per public key version (1 to 8). A key
     * is the public key AWS Marketplace gave you, in any form the library reads (PEM,
     * base64/base64url DER, DER; SubjectPublicKeyInfo or PKCS#1). Refuses keys under 2048
     * bits and keys whose private half is public (the AWS documentation's sample key, this
     * library's test keys) with {@link ConfigurationException}.
     */
    public static Verifier create(String productCode, Map<Integer, byte[]> keys) {
        return create(productCode, keys, false);
    }

    /**
     * INSECURE: for tests and demos only. As {@link #create}, but it also accepts
     * register-usage-jwt's own test keys, whose private keys are published: anyone can mint
     * tokens such a verifier accepts. Never ship a program that calls it. The AWS
     * documentation's sample key stays refused.
     */
    public static Verifier dangerouslyAllowingPublishedTestKeysForTestsOnly(String productCode,
            Map<Integer, byte[]> keys) {
        return create(productCode, keys, true);
    }

    private static Verifier create(String productCode, Map<Integer, byte[]> keys, boolean allowTestKeys) {
        byte[] product = utf8("product code", productCode);
        if (keys == null) throw nullArgument("key map");
        // Sorted by version so the native side sees a stable order.
        TreeMap<Integer, byte[]> sorted = new TreeMap<>();
        for (Map.Entry<Integer, byte[]> entry : keys.entrySet()) {
            if (entry.getKey() == null) throw nullArgument("key version");
            if (entry.getValue() == null) throw nullArgument("key for version " + entry.getKey());
            sorted.put(entry.getKey(), entry.getValue());
        }
        int[] versions = new int[sorted.size()];
        int[] lengths = new int[sorted.size()];
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int i = 0;
        for (Map.Entry<Integer, byte[]> entry : sorted.entrySet()) {
            versions[i] = entry.getKey();
            lengths[i] = entry.getValue().length;
            all.writeBytes(entry.getValue());
            i++;
        }
        long[] handleOut = new long[1];
        NativeBridge.checkNoRejection(
                NativeBridge.create(product, versions, all.toByteArray(), lengths, allowTestKeys, handleOut));
        return new Verifier(handleOut[0]);
    }

    /**
     * Verifies {@code token}, the Signature field of the RegisterUsage response, for the call
     * that sent {@code keyVersion} and {@code nonce} (a fresh {@link RandomNonce} per call).
     * Returns the registration only if the signature verifies with the key for keyVersion and
     * the claims echo the product code, key version and nonce. Any exception means: do not
     * run as paid software.
     */
    public Registration verify(String token, int keyVersion, String nonce) throws TokenRejectedException {
        byte[] tokenBytes = utf8("token", token);
        byte[] nonceBytes = utf8("nonce", nonce);
        return call(h -> NativeBridge.verify(h, tokenBytes, keyVersion, nonceBytes));
    }

    /**
     * REPLAYABLE: verifies a token from a RegisterUsage call that sent no nonce; a token
     * captured from any entitled run verifies forever. Use {@link #verify} with a fresh
     * {@link RandomNonce} instead. A token that carries a nonce is refused
     * ({@code unexpected_nonce}).
     */
    public Registration verifyReplayableWithoutNonce(String token, int keyVersion) throws TokenRejectedException {
        byte[] tokenBytes = utf8("token", token);
        return call(h -> NativeBridge.verifyReplayableWithoutNonce(h, tokenBytes, keyVersion));
    }

    private interface NativeCall {
        String[] apply(long handle);
    }

    private Registration call(NativeCall nativeCall) throws TokenRejectedException {
        String[] result;
        lock.readLock().lock();
        try {
            long h = handle.value;
            if (h == 0) {
                throw new VerifierUsageException("closed",
                        "the verifier was used after close(): create a new one with Verifier.create");
            }
            try {
                result = nativeCall.apply(h);
            } catch (RuntimeException nativeFailure) {
                // Only a panic caught at the JNI boundary gets here (a bug).
                throw new VerifierUsageException("internal_error",
                        "the native library failed: " + nativeFailure.getMessage() + "; please report it");
            }
        } finally {
            lock.readLock().unlock();
            // The Cleaner must not free the handle while the native call uses it.
            Reference.reachabilityFence(this);
        }
        return new Registration(NativeBridge.check(result));
    }

    /** Frees the verifier; waits for verify calls in progress. Closing twice does nothing. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            cleanable.clean();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Verifiers created and not yet freed, in this process (for leak checks). */
    static long liveVerifiers() {
        return NativeBridge.liveVerifiers();
    }

    private static VerifierUsageException nullArgument(String name) {
        return new VerifierUsageException("null_argument", "the " + name + " is null: pass a non-null value");
    }

    /** Strict UTF-8: an unpaired surrogate is refused, never replaced by '?'. */
    static byte[] utf8(String name, String text) {
        if (text == null) throw nullArgument(name);
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            byte[] out = new byte[encoded.remaining()];
            encoded.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new VerifierUsageException("invalid_utf8",
                    "the " + name + " is not valid text (an unpaired surrogate): pass well-formed UTF-16");
        }
    }
}
