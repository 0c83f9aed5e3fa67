package com.registerusagejwt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

final class Support {
    private Support() {}

    static final String PRODUCT = "1fszvu527waovqeuhpkyx2b5d";

    /** The repository root: ci.sh passes it as -Drepo.root. */
    static Path root() {
        String root = System.getProperty("repo.root");
        if (root == null) throw new IllegalStateException("run with -Drepo.root=<repository root> (bindings/java/ci.sh does)");
        return Paths.get(root);
    }

    static byte[] file(String relative) {
        try {
            return Files.readAllBytes(root().resolve(relative));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] testKey(String stem) {
        return file("keys/" + stem + ".pub.pem");
    }

    static Verifier testVerifier() {
        return Verifier.dangerouslyAllowingPublishedTestKeysForTestsOnly(PRODUCT, Map.of(1, testKey("test-only-rsa2048")));
    }

    /** The first valid case of the corpus with a nonce on the test-only-rsa2048 key. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> validCase() {
        for (Object o : Conformance.cases()) {
            Map<String, Object> c = (Map<String, Object>) o;
            Map<String, Object> verify = (Map<String, Object>) c.get("verify");
            if ("valid".equals(c.get("expect")) && verify != null && verify.get("nonce") != null
                    && PRODUCT.equals(c.get("product_code"))
                    && ((Map<String, Object>) ((java.util.List<Object>) c.get("keys")).get(0)).get("file")
                            .equals("keys/test-only-rsa2048.pub.pem")
                    && ((Number) verify.get("key_version")).intValue() == 1) {
                return verify;
            }
        }
        throw new IllegalStateException("no valid case in the corpus");
    }

    /** "reliability: java<TAB>CASE<TAB>OUTCOME", counted by scripts/reliability.sh. */
    static void reliability(String name, String outcome) {
        System.out.println("reliability: java\t" + flat(name) + "\t" + flat(outcome));
    }

    private static String flat(String s) {
        return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
