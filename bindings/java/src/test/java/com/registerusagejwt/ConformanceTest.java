package com.registerusagejwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every case of tests/fixtures/conformance.json, asserting the same code as every binding. */
class ConformanceTest {
    @TestFactory
    @SuppressWarnings("unchecked")
    List<DynamicTest> conformanceCorpus() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Object o : Conformance.cases()) {
            Map<String, Object> c = (Map<String, Object>) o;
            tests.add(DynamicTest.dynamicTest((String) c.get("name"), () -> run(c)));
        }
        return tests;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCorpusCoversEveryCode() {
        Map<String, Object> codes = (Map<String, Object>) Conformance.corpus().get("codes");
        List<Object> all = new ArrayList<>((List<Object>) codes.get("rejection"));
        all.addAll((List<Object>) codes.get("configuration"));
        for (Object code : all) {
            boolean covered = Conformance.cases().stream().anyMatch(c -> code.equals(((Map<String, Object>) c).get("expect")));
            assertTrue(covered, "no case for " + code);
        }
    }

    @SuppressWarnings("unchecked")
    private static void run(Map<String, Object> c) throws Exception {
        List<Object> requires = (List<Object>) c.get("requires");
        // A Map<Integer, byte[]> cannot hold two keys for one version.
        Assumptions.assumeTrue(requires == null || !requires.contains("duplicate_key_versions"),
                "skipped: needs duplicate key versions, which a Map cannot hold");
        Map<Integer, byte[]> keys = new HashMap<>();
        for (Object k : (List<Object>) c.get("keys")) {
            Map<String, Object> key = (Map<String, Object>) k;
            int version = ((Number) key.get("version")).intValue();
            byte[] data = key.containsKey("file") ? Support.file((String) key.get("file"))
                    : ((String) key.get("text")).getBytes(StandardCharsets.UTF_8);
            keys.put(version, data);
        }
        String expect = (String) c.get("expect");
        Map<String, Object> verify = (Map<String, Object>) c.get("verify");
        String got;
        Registration registration = null;
        try {
            String product = (String) c.get("product_code");
            try (Verifier v = Boolean.TRUE.equals(c.get("allow_published_test_keys"))
                    ? Verifier.dangerouslyAllowingPublishedTestKeysForTestsOnly(product, keys)
                    : Verifier.create(product, keys)) {
                if (verify == null) {
                    got = "valid";
                } else {
                    String token = (String) verify.get("token");
                    int version = ((Number) verify.get("key_version")).intValue();
                    String nonce = (String) verify.get("nonce");
                    registration = nonce == null ? v.verifyReplayableWithoutNonce(token, version)
                            : v.verify(token, version, nonce);
                    got = "valid";
                }
            }
        } catch (TokenRejectedException e) {
            got = e.code();
            assertEquals("rejection", c.get("kind"), e.getMessage());
        } catch (ConfigurationException e) {
            got = e.code();
            assertEquals("configuration", c.get("kind"), e.getMessage());
        }
        assertEquals(expect, got);
        if (registration != null) {
            Map<String, Object> claims = (Map<String, Object>) c.get("claims");
            assertEquals(claims.get("product_code"), registration.productCode());
            assertEquals(((Number) claims.get("key_version")).intValue(), registration.keyVersion());
            assertEquals(claims.get("nonce"), registration.nonce().orElse(null));
            time(claims.get("issued_at"), registration.issuedAt());
            time(claims.get("rotation"), registration.publicKeyRotationTimestamp());
            assertEquals(claims.get("rotation") != null, registration.keyVersionExpired());
        }
    }

    private static void time(Object want, TimeClaim got) {
        if (want == null) {
            assertEquals(TimeClaim.Kind.ABSENT, got.kind());
        } else if (want instanceof Number) {
            assertEquals(TimeClaim.Kind.SECONDS, got.kind());
            assertEquals(((Number) want).doubleValue(), got.seconds());
        } else {
            assertEquals(TimeClaim.Kind.OTHER, got.kind(), got.toString());
            assertTrue(got.raw() != null && !got.raw().isEmpty());
        }
    }
}
