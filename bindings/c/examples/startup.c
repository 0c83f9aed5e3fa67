/*
 * Where the RegisterUsage check goes in a paid container program written in C.
 *
 * The check runs INSIDE the paid process, first thing in main, before any paid work. An
 * entrypoint script, init container or sidecar that checks and then starts the program is
 * skipped by anyone who overrides the container's command; a check compiled into the
 * program is not.
 *
 * Calling RegisterUsage itself (with the AWS SDK for C++, or your own signed HTTP call) is
 * out of scope here: this program takes the token (the `Signature` of the response) and the
 * nonce that call sent as its two arguments, so the check can be shown and run alone:
 *
 *     startup TOKEN NONCE
 *
 * Build: cc startup.c -I bindings/c/include libregister_usage_jwt_c.a -lpthread -ldl -lm
 * bindings/c/ci.sh builds it with -DREGISTER_USAGE_DEMO_WITH_PUBLISHED_TEST_KEY to run it on a
 * test token; without that flag it uses PRODUCT_KEY_PEM below, which you replace.
 */
#include <stdio.h>
#include <stdlib.h>

#include "register_usage_jwt.h"

/* The trust anchor is compiled in: nothing in the container's environment, arguments or
 * files can replace the key or weaken the check. */
#ifdef REGISTER_USAGE_DEMO_WITH_PUBLISHED_TEST_KEY
#include "demo_product_key.h"
#define PRODUCT_CODE DEMO_PRODUCT_CODE
#define PRODUCT_KEY_PEM DEMO_PRODUCT_KEY_PEM
#define NEW_VERIFIER ruj_verifier_new_dangerously_allowing_published_test_keys
#else
#define PRODUCT_CODE "your-product-code"
static const char PRODUCT_KEY_PEM[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "(paste the public key AWS Marketplace gave you for key version 1)\n"
    "-----END PUBLIC KEY-----\n";
#define NEW_VERIFIER ruj_verifier_new
#endif
#define PUBLIC_KEY_VERSION 1

/* Returns 0 if this run is entitled; otherwise prints why and returns non-zero. */
static int check_registration(const char *token, const char *nonce) {
    ruj_key key = {PUBLIC_KEY_VERSION, (const uint8_t *)PRODUCT_KEY_PEM,
                   sizeof PRODUCT_KEY_PEM - 1};
    ruj_error error;
    ruj_verifier *verifier = NULL;
    if (NEW_VERIFIER(PRODUCT_CODE, &key, 1, &verifier, &error) != RUJ_OK) {
        fprintf(stderr, "licence check misconfigured (%s): %s\n", error.code, error.message);
        return 1;
    }
    ruj_registration *registration = NULL;
    ruj_status status = ruj_verifier_verify(verifier, token, PUBLIC_KEY_VERSION, nonce,
                                            &registration, &error);
    ruj_verifier_free(verifier);
    if (status != RUJ_OK) {
        fprintf(stderr, "RegisterUsage token refused (%s): %s\n", error.code, error.message);
        return 1;
    }
    double rotation;
    if (ruj_registration_public_key_rotation_timestamp(registration, &rotation) ==
        RUJ_TIME_SECONDS)
        fprintf(stderr, "WARNING: public key version %d expired (PublicKeyRotationTimestamp "
                        "%.0f): ship the new key version\n", PUBLIC_KEY_VERSION, rotation);
    ruj_registration_free(registration);
    return 0;
}

int main(int argc, char **argv) {
    /* 1. In the real program: make a fresh nonce for this run,
     *        char nonce[RUJ_RANDOM_NONCE_SIZE];
     *        ruj_random_nonce(nonce, sizeof nonce, &error);
     *    call RegisterUsage(ProductCode, PublicKeyVersion = 1, Nonce = nonce), retrying
     *    only ThrottlingException, and stop on any other exception. Here both arrive as
     *    arguments. */
    if (argc != 3) {
        fprintf(stderr, "usage: %s TOKEN NONCE\n", argv[0]);
        return 2;
    }
    const char *token = argv[1], *nonce = argv[2];

    /* 2. The check, before any paid work. Any failure ends the program. */
    if (check_registration(token, nonce) != 0) return EXIT_FAILURE;

    /* 3. Only now: the paid work. */
    printf("entitled: starting the paid workload\n");
    return EXIT_SUCCESS;
}
