package com.registerusagejwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input and misuse: each a clear exception with a code, never a crash. Prints reliability lines. */
class MisuseTest {
    private interface Call {
        void run() throws Exception;
    }

    /** Asserts `call` throws an exception with `code`, and prints the reliability line. */
    private static void refused(String name, String code, Call call) {
        String outcome;
        try {
            call.run();
            outcome = "accepted";
        } catch (TokenRejectedException e) {
            outcome = "refused " + e.code() + ": " + e.getMessage();
            assertEquals(code, e.code(), name);
        } catch (ConfigurationException e) {
            outcome = "refused " + e.code() + ": " + e.getMessage();
            assertEquals(code, e.code(), name);
        } catch (VerifierUsageException e) {
            outcome = "refused " + e.code() + ": " + e.getMessage();
            assertEquals(code, e.code(), name);
        } catch (Exception e) {
            outcome = "refused untyped: " + e;
        }
        Support.reliability(name, outcome);
        assertEquals(true, outcome.startsWith("refused " + code), name + ": " + outcome);
    }

    @Test
    void badInputIsRefusedWithACode() {
        Map<String, Object> valid = Support.validCase();
        String token = (String) valid.get("token");
        String nonce = (String) valid.get("nonce");
        byte[] key = Support.testKey("test-only-rsa2048");
        try (Verifier v = Support.testVerifier()) {
            refused("null token", "null_argument", () -> v.verify(null, 1, nonce));
            refused("null nonce", "null_argument", () -> v.verify(token, 1, null));
            refused("null product code", "null_argument", () -> Verifier.create(null, Map.of(1, key)));
            refused("null key map", "null_argument", () -> Verifier.create(Support.PRODUCT, null));
            Map<Integer, byte[]> nullKey = new HashMap<>();
            nullKey.put(1, null);
            refused("null key", "null_argument", () -> Verifier.create(Support.PRODUCT, nullKey));
            Map<Integer, byte[]> nullVersion = new HashMap<>();
            nullVersion.put(null, key);
            refused("null key version", "null_argument", () -> Verifier.create(Support.PRODUCT, nullVersion));
            refused("unpaired surrogate in the token", "invalid_utf8", () -> v.verify(token + "\ud800", 1, nonce));
            refused("unpaired surrogate in the nonce", "invalid_utf8", () -> v.verify(token, 1, "a\udc00b"));
            refused("unpaired surrogate in the product code", "invalid_utf8",
                    () -> Verifier.create("abc\ud800", Map.of(1, key)));
            refused("NUL in the nonce", "nonce_mismatch", () -> v.verify(token, 1, nonce + "\0"));
            refused("NUL in the token", "malformed_token", () -> v.verify(token + "\0", 1, nonce));
            refused("NUL in the product code", "invalid_product_code",
                    () -> Verifier.dangerouslyAllowingPublishedTestKeysForTestsOnly("ab\0c", Map.of(1, key)));
            refused("negative key version (verify)", "invalid_argument", () -> v.verify(token, -1, nonce));
            refused("negative key version (create)", "invalid_argument",
                    () -> Verifier.dangerouslyAllowingPublishedTestKeysForTestsOnly(Support.PRODUCT, Map.of(-1, key)));
            refused("nine keys", "key_count", () -> {
                Map<Integer, byte[]> nine = new HashMap<>();
                for (int i = 1; i <= 9; i++) nine.put(i, key);
                Verifier.dangerouslyAllowingPublishedTestKeysForTestsOnly(Support.PRODUCT, nine);
            });
            refused("empty key", "invalid_key",
                    () -> Verifier.dangerouslyAllowingPublishedTestKeysForTestsOnly(Support.PRODUCT, Map.of(1, new byte[0])));
            refused("published test key without the opt-in", "compromised_key",
                    () -> Verifier.create(Support.PRODUCT, Map.of(1, key)));
            refused("token of 8193 bytes", "token_too_large", () -> v.verify("a".repeat(8193), 1, nonce));
            refused("token of 8192 bytes that is no JWT", "malformed_token", () -> v.verify("a".repeat(8192), 1, nonce));
            refused("token of 8 MiB", "token_too_large", () -> v.verify("a".repeat(8 << 20), 1, nonce));
            refused("token of 8191 ASCII bytes + one 2-byte character", "token_too_large",
                    () -> v.verify("a".repeat(8191) + "\u00e9", 1, nonce));
            refused("empty token", "malformed_token", () -> v.verify("", 1, nonce));
            refused("replayed token (another nonce)", "nonce_mismatch", () -> v.verify(token, 1, "another"));
            refused("empty nonce", "invalid_nonce", () -> v.verify(token, 1, ""));
            refused("unknown key version", "unknown_key_version", () -> v.verify(token, 2, nonce));
        }
        Verifier closed = Support.testVerifier();
        closed.close();
        closed.close(); // twice: allowed
        refused("use after close", "closed", () -> closed.verify(token, 1, nonce));
        refused("replayable call after close", "closed", () -> closed.verifyReplayableWithoutNonce(token, 1));
    }

    @Test
    void theValidTokenVerifies() throws Exception {
        Map<String, Object> valid = Support.validCase();
        try (Verifier v = Support.testVerifier()) {
            Registration r = v.verify((String) valid.get("token"), 1, (String) valid.get("nonce"));
            assertEquals(Support.PRODUCT, r.productCode());
            assertEquals(1, r.keyVersion());
            assertEquals(valid.get("nonce"), r.nonce().orElseThrow());
        }
    }

    @Test
    void randomNoncesAreFreshAndValid() {
        String a = RandomNonce.generate(), b = RandomNonce.generate();
        assertEquals(false, a.equals(b));
        assertEquals(true, a.length() >= 32, a);
    }

    @Test
    void theStepIsReported() {
        Map<String, Object> valid = Support.validCase();
        String token = (String) valid.get("token");
        try (Verifier v = Support.testVerifier()) {
            TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> v.verify(token, 1, "other"));
            assertEquals("nonce_mismatch", e.code());
            assertEquals("nonce", e.step());
            String forged = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
            e = assertThrows(TokenRejectedException.class, () -> v.verify(forged, 1, (String) valid.get("nonce")));
            assertEquals("bad_signature", e.code());
            assertEquals("signature", e.step());
        }
    }

}
