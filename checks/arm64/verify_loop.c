/*
 * Sanity timing for checks/arm64/run.sh: verifies one valid token COUNT times through the
 * C ABI and prints the mean time of one verification. Under qemu-user this measures the
 * emulator, not an arm64 CPU: it only shows the verification completes in a sane time.
 *
 *     verify_loop TOKEN NONCE COUNT
 *
 * Uses the published TEST key (ffi/examples/demo_product_key.h): tests only.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "demo_product_key.h"
#include "register_usage_jwt.h"

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s TOKEN NONCE COUNT\n", argv[0]);
        return 2;
    }
    const char *token = argv[1], *nonce = argv[2];
    long count = strtol(argv[3], NULL, 10);
    if (count < 1) {
        fprintf(stderr, "COUNT must be at least 1\n");
        return 2;
    }
    ruj_key key = {1, (const uint8_t *)DEMO_PRODUCT_KEY_PEM, sizeof DEMO_PRODUCT_KEY_PEM - 1};
    ruj_error error;
    ruj_verifier *verifier = NULL;
    if (ruj_verifier_new_dangerously_allowing_published_test_keys(DEMO_PRODUCT_CODE, &key, 1,
                                                                  &verifier, &error) != RUJ_OK) {
        fprintf(stderr, "verifier: %s: %s\n", error.code, error.message);
        return 1;
    }
    double start = now_seconds();
    for (long i = 0; i < count; i++) {
        ruj_registration *registration = NULL;
        if (ruj_verifier_verify(verifier, token, 1, nonce, &registration, &error) != RUJ_OK) {
            fprintf(stderr, "verify: %s: %s\n", error.code, error.message);
            ruj_verifier_free(verifier);
            return 1;
        }
        ruj_registration_free(registration);
    }
    double elapsed = now_seconds() - start;
    ruj_verifier_free(verifier);
    printf("%ld verifications, %.3f ms each\n", count, elapsed * 1e3 / (double)count);
    return 0;
}
