package com.registerusagejwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ConcurrencyAndLeakTest {
    @Test
    void concurrentVerifyAndRacingClose() throws Exception {
        Map<String, Object> valid = Support.validCase();
        String token = (String) valid.get("token");
        String nonce = (String) valid.get("nonce");
        Verifier v = Support.testVerifier();
        int threads = 8;
        AtomicInteger verified = new AtomicInteger(), closed = new AtomicInteger();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 200; i++) {
                        try {
                            Registration r = v.verify(token, 1, nonce);
                            assertEquals(Support.PRODUCT, r.productCode());
                            verified.incrementAndGet();
                        } catch (VerifierUsageException e) {
                            assertEquals("closed", e.code());
                            closed.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    unexpected.compareAndSet(null, e);
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        // Close once some verifications have run, while the others are still going.
        while (verified.get() < threads * 5 && unexpected.get() == null) Thread.onSpinWait();
        v.close();
        for (Thread w : workers) w.join();
        if (unexpected.get() != null) fail(unexpected.get());
        assertEquals(threads * 200, verified.get() + closed.get());
        assertTrue(verified.get() > 0);
        Support.reliability("concurrent verify and close", "refused closed after close, verified before: "
                + verified.get() + " verified, " + closed.get() + " refused closed");
    }

    /** Resident set size of this process, in KiB (Linux). */
    private static long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }

    private static long heapKiB() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return (rt.totalMemory() - rt.freeMemory()) >> 10;
    }

    @Test
    void createVerifyCloseDoesNotLeak() throws Exception {
        Map<String, Object> valid = Support.validCase();
        String token = (String) valid.get("token");
        String nonce = (String) valid.get("nonce");
        byte[] key = Support.testKey("test-only-rsa2048");
        long liveBefore = Verifier.liveVerifiers();
        Runnable round = () -> {
            try (Verifier v = Verifier.dangerouslyAllowingPublishedTestKeysForTestsOnly(Support.PRODUCT, Map.of(1, key))) {
                v.verify(token, 1, nonce);
                try {
                    v.verify(token, 1, "replayed");
                    fail("replay accepted");
                } catch (TokenRejectedException expected) {
                    // refused, as it must be
                }
            } catch (TokenRejectedException e) {
                fail(e);
            }
        };
        // Warm up (JIT, allocator arenas), then watch RSS and the heap over windows of rounds:
        // a leak grows them in every window, noise does not.
        for (int i = 0; i < 300; i++) round.run();
        int windows = 5, n = 300;
        long[] rss = new long[windows + 1], heap = new long[windows + 1];
        heap[0] = heapKiB();
        rss[0] = rssKiB();
        for (int w = 1; w <= windows; w++) {
            for (int i = 0; i < n; i++) round.run();
            heap[w] = heapKiB();
            rss[w] = rssKiB();
        }
        long rssGrowth = rss[windows] - rss[1], heapGrowth = heap[windows] - heap[1];
        System.out.println("RSS (KiB) after every " + n + " create/verify/close rounds: " + java.util.Arrays.toString(rss)
                + "; heap (KiB): " + java.util.Arrays.toString(heap));
        assertEquals(liveBefore, Verifier.liveVerifiers(), "verifiers left unfreed");
        // A leaked verifier per round (a 2048-bit key, its Montgomery tables: several KiB)
        // would be megabytes over these rounds; the generous bounds leave room for the JVM.
        assertTrue(rssGrowth < 8 * 1024, "RSS grew by " + rssGrowth + " KiB over " + n * (windows - 1) + " rounds: a leak");
        assertTrue(heapGrowth < 4 * 1024, "heap grew by " + heapGrowth + " KiB: a leak");
    }

    @Test
    void forgottenVerifiersAreFreedByTheCleaner() throws Exception {
        long before = Verifier.liveVerifiers();
        for (int i = 0; i < 200; i++) Support.testVerifier();
        for (int i = 0; i < 100 && Verifier.liveVerifiers() > before; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(before, Verifier.liveVerifiers(), "the Cleaner freed not every forgotten verifier");
    }
}
