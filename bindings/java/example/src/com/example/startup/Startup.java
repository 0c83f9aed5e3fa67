package com.example.startup;

import com.registerusagejwt.ConfigurationException;
import com.registerusagejwt.RandomNonce;
import com.registerusagejwt.Registration;
import com.registerusagejwt.TokenRejectedException;
import com.registerusagejwt.Verifier;
import com.registerusagejwt.VerifierUsageException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seller's start-up flow in a paid container program written in Java: the RegisterUsage
 * check runs INSIDE the paid process, first thing in main, before any paid work (an
 * entrypoint script, init container or sidecar is skipped by anyone who overrides the
 * container's command).
 *
 * <p>The trust anchor (the product's public key) is a classpath resource inside the jar
 * (Product.java): nothing in the environment, arguments or files outside the jar can
 * replace the key or weaken the check. The one setting read at run time is
 * REGISTER_USAGE_ENDPOINT, the URL RegisterUsage is called at (for the emulator); whoever
 * sets it can deny the program a token, never make it accept a forged one.
 *
 * <p>The AWS SDK for Java is not reachable where this example is built, so registerUsageOnce
 * is a plain, UNSIGNED AWS JSON 1.1 call with java.net.http: it works against
 * {@code register-usage-jwt emulate}, not against AWS. In a real program make that one call
 * with MarketplaceMeteringClient.registerUsage (README.md); everything else stays.
 */
public final class Startup {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(8);
    private static final int MAX_ATTEMPTS = 5;

    private Startup() {}

    public static void main(String[] args) {
        // 1. The check, before anything else. Any failure ends the program. A watchdog keeps
        // the one deadline even where a read cannot time out (a response body dripped a
        // byte at a time): when it passes, the program refuses to start.
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(DEADLINE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("register-usage: NOT STARTING: the licence check did not finish within "
                    + DEADLINE.toSeconds() + " s");
            Runtime.getRuntime().halt(1);
        }, "register-usage-deadline");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            checkEntitlement();
        } catch (Exception | LinkageError e) {
            System.err.println("register-usage: NOT STARTING: " + e.getMessage());
            System.exit(1);
        }
        watchdog.interrupt();
        // 2. Only now: the paid work.
        System.out.println("entitled: starting the paid workload");
    }

    private static void checkEntitlement() throws Exception {
        byte[] key;
        try (InputStream in = Startup.class.getResourceAsStream(Product.KEY_RESOURCE)) {
            if (in == null) throw new IOException("licence check misconfigured: the jar lacks " + Product.KEY_RESOURCE);
            key = in.readAllBytes();
        }
        Verifier verifier;
        try {
            verifier = Product.verifier(key);
        } catch (ConfigurationException | VerifierUsageException e) {
            throw new Exception("licence check misconfigured: " + e.getMessage() + " [" + e.getClass().getSimpleName() + "]", e);
        }
        try (verifier) {
            URI endpoint = meteringEndpoint();
            Instant deadline = Instant.now().plus(DEADLINE);
            String[] answer = registerUsage(endpoint, deadline);
            Registration registration;
            try {
                registration = verifier.verify(answer[0], Product.PUBLIC_KEY_VERSION, answer[1]);
            } catch (TokenRejectedException e) {
                throw new Exception("RegisterUsage token refused (" + e.code() + "): " + e.getMessage(), e);
            }
            if (registration.keyVersionExpired()) {
                System.err.println("register-usage: WARNING: public key version " + Product.PUBLIC_KEY_VERSION
                        + " has expired (PublicKeyRotationTimestamp " + registration.publicKeyRotationTimestamp()
                        + "): ship the new key version AWS Marketplace gives you");
            }
        }
    }

    /** REGISTER_USAGE_ENDPOINT if set, else AWS's endpoint for AWS_REGION. */
    private static URI meteringEndpoint() throws Exception {
        String raw = System.getenv("REGISTER_USAGE_ENDPOINT");
        if (raw != null) {
            try {
                URI uri = new URI(raw);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) return uri;
            } catch (java.net.URISyntaxException ignored) {
                // reported below
            }
            throw new Exception("environment: REGISTER_USAGE_ENDPOINT=\"" + raw + "\" is not an http:// or https:// URL");
        }
        String region = System.getenv("AWS_REGION");
        if (region == null || !region.matches("[a-z0-9-]{1,32}")) {
            throw new Exception("environment: AWS_REGION is unset or malformed: set it to the region the program runs in");
        }
        return new URI("https://metering.marketplace." + region + ".amazonaws.com/");
    }

    /** An AWS JSON 1.1 error answer. */
    private static final class AwsError extends Exception {
        private static final long serialVersionUID = 1L;
        final String name;

        AwsError(String name, int status, String message) {
            super("RegisterUsage failed: " + name + " (HTTP " + status + "): " + message);
            this.name = name;
        }

        /** Only throttling and AWS's internal errors are worth another call; every other error is an answer. */
        boolean retryable() {
            return name.equals("ThrottlingException") || name.equals("InternalServiceErrorException");
        }
    }

    /** Calls RegisterUsage with a fresh random nonce per call; returns {token, nonce of that call}. */
    private static String[] registerUsage(URI endpoint, Instant deadline) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(ATTEMPT_TIMEOUT).build();
        long backoffMillis = 200;
        for (int attempt = 1; ; attempt++) {
            String nonce = RandomNonce.generate();
            try {
                return new String[] {registerUsageOnce(client, endpoint, nonce), nonce};
            } catch (AwsError e) {
                if (!e.retryable() || attempt == MAX_ATTEMPTS) {
                    throw new Exception(e.getMessage() + " (attempt " + attempt + " of " + MAX_ATTEMPTS + ", " + endpoint + ")", e);
                }
                if (Instant.now().plusMillis(backoffMillis).isAfter(deadline)) {
                    throw new Exception("the start-up check did not finish within " + DEADLINE + " (last: " + e.getMessage() + ")", e);
                }
                System.err.println("register-usage: " + e.getMessage() + "; retrying in " + backoffMillis + " ms");
                Thread.sleep(backoffMillis);
                backoffMillis *= 2;
            }
        }
    }

    private static final Pattern SIGNATURE = Pattern.compile("\"Signature\"\\s*:\\s*\"([A-Za-z0-9_.-]{1,8192})\"");
    private static final Pattern TYPE = Pattern.compile("\"__type\"\\s*:\\s*\"([^\"\\\\]{0,200})\"");
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"([^\"\\\\]{0,500})\"", Pattern.CASE_INSENSITIVE);

    /** One UNSIGNED AWS JSON 1.1 RegisterUsage call (the emulator ignores SigV4; AWS does not). */
    private static String registerUsageOnce(HttpClient client, URI endpoint, String nonce) throws Exception {
        // The nonce is the library's RandomNonce (hex/base64url characters): no JSON escaping needed.
        String body = "{\"ProductCode\":\"" + Product.PRODUCT_CODE + "\",\"PublicKeyVersion\":" + Product.PUBLIC_KEY_VERSION
                + ",\"Nonce\":\"" + nonce + "\"}";
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(ATTEMPT_TIMEOUT)
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "AWSMPMeteringService.RegisterUsage")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new Exception("RegisterUsage failed: " + e, e);
        }
        String raw;
        try (InputStream in = response.body()) {
            // A RegisterUsage response is a few KiB; read no more than 64 KiB of anything else.
            raw = new String(in.readNBytes(64 << 10), java.nio.charset.StandardCharsets.UTF_8);
        }
        if (response.statusCode() != 200) {
            String name = response.headers().firstValue("X-Amzn-Errortype").orElse("");
            Matcher type = TYPE.matcher(raw);
            if (name.isEmpty() && type.find()) name = type.group(1);
            // AWS may qualify the name ("aws.marketplace#ThrottlingException") or append details after a colon.
            name = name.substring(name.lastIndexOf('#') + 1);
            if (name.indexOf(':') >= 0) name = name.substring(0, name.indexOf(':'));
            if (name.isEmpty()) name = "no error code";
            Matcher message = MESSAGE.matcher(raw);
            throw new AwsError(name, response.statusCode(), message.find() ? message.group(1) : "");
        }
        Matcher signature = SIGNATURE.matcher(raw);
        if (!signature.find()) throw new Exception("RegisterUsage answered HTTP 200 without a Signature");
        return signature.group(1);
    }
}
