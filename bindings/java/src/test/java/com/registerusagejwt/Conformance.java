package com.registerusagejwt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

final class Conformance {
    private Conformance() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> corpus() {
        return (Map<String, Object>) Json.parse(new String(Support.file("tests/fixtures/conformance.json"), StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    static List<Object> cases() {
        return (List<Object>) corpus().get("cases");
    }
}
