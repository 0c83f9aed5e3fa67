/*
 * The C ABI from C: every interop fixture (tests/fixtures/tokens.json, minted by python
 * `cryptography` and the openssl CLI) gets its expected verdict and claims; forged,
 * replayed and wrong-product tokens are refused with the right codes; NULLs, bad UTF-8 and
 * published test keys are refused; every length above PTRDIFF_MAX is refused with a status;
 * one verifier serves several threads. bindings/c/ci.sh builds it with
 * -fsanitize=address,undefined, and runs it again against a Rust side built with
 * AddressSanitizer (and under valgrind with --valgrind).
 *
 * Each misuse case prints one line on stdout, "reliability: c-abi<TAB>CASE<TAB>OUTCOME"
 * (reliability.h), for the README's reliability figure.
 *
 *   test_register_usage_jwt FIXTURE_LINES KEYS_DIR CORPUS_LINES
 *
 * FIXTURE_LINES comes from bindings/c/tests/c/fixtures_to_lines.py (the claims of every valid
 * interop fixture are checked from it); CORPUS_LINES from corpus_to_lines.py: the conformance
 * corpus every binding runs, whose every case must reach its code. Prints one line per failure
 * and ends with "N passed, N failed"; exits non-zero on any failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register_usage_jwt.h"
#include "reliability.h"

static int passed, failed;

#define CHECK(condition, ...)                                    \
    do {                                                         \
        if (condition) {                                         \
            passed++;                                            \
        } else {                                                 \
            failed++;                                            \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                        \
            fputc('\n', stderr);                                 \
        }                                                        \
    } while (0)

static const char *keys_dir;

/* The whole file, NUL-terminated; *len excludes the NUL. Exits on error. */
static char *read_file(const char *path, size_t *len) {
    FILE *file = fopen(path, "rb");
    if (!file) {
        perror(path);
        exit(2);
    }
    size_t capacity = 4096, used = 0;
    char *data = malloc(capacity);
    for (;;) {
        if (!data) {
            perror("malloc");
            exit(2);
        }
        used += fread(data + used, 1, capacity - used - 1, file);
        if (used < capacity - 1) break;
        capacity *= 2;
        data = realloc(data, capacity);
    }
    fclose(file);
    data[used] = '\0';
    if (len) *len = used;
    return data;
}

static char *key_file(const char *stem, const char *suffix, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s%s", keys_dir, stem, suffix);
    return read_file(path, len);
}

/* Decodes a hex field in place ("-" is NULL, "=" the empty string). */
static char *unhex(char *field) {
    if (strcmp(field, "-") == 0) return NULL;
    if (strcmp(field, "=") == 0) {
        field[0] = '\0';
        return field;
    }
    size_t n = strlen(field) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned value;
        sscanf(field + 2 * i, "%2x", &value);
        field[i] = (char)value;
    }
    field[n] = '\0';
    return field;
}

static ruj_verifier *make_verifier(const char *product, const char *stem, uint32_t version,
                                   ruj_error *error) {
    size_t len;
    char *pem = key_file(stem, ".pub.pem", &len);
    ruj_key key = {version, (const uint8_t *)pem, len};
    ruj_verifier *verifier = NULL;
    ruj_status status = ruj_verifier_new_dangerously_allowing_published_test_keys(
        product, &key, 1, &verifier, error);
    free(pem);
    if (status != RUJ_OK) return NULL;
    return verifier;
}

static int same_text(const char *a, const char *b) {
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

/* 1 if the kind and seconds of a claim time match the fixture's ("-" = absent, "other" =
 * present but not a NumericDate). */
static int same_time(int32_t kind, double seconds, const char *want) {
    if (strcmp(want, "-") == 0) return kind == RUJ_TIME_ABSENT;
    if (strcmp(want, "other") == 0) return kind == RUJ_TIME_OTHER;
    return kind == RUJ_TIME_SECONDS && seconds == strtod(want, NULL);
}

static void run_fixtures(const char *path) {
    FILE *file = fopen(path, "r");
    if (!file) {
        perror(path);
        exit(2);
    }
    char *line = NULL;
    size_t capacity = 0;
    int cases = 0;
    while (getline(&line, &capacity, file) > 0) {
        char *field[13];
        char *save = NULL;
        int n = 0;
        for (char *token = strtok_r(line, " \n", &save); token && n < 13;
             token = strtok_r(NULL, " \n", &save))
            field[n++] = token;
        if (n != 13) {
            fprintf(stderr, "bad fixture line %d\n", cases + 1);
            exit(2);
        }
        const char *name = unhex(field[0]), *stem = field[1], *product = unhex(field[2]);
        uint32_t request_version = (uint32_t)strtoul(field[3], NULL, 10);
        uint32_t configured_version = (uint32_t)strtoul(field[4], NULL, 10);
        const char *nonce = unhex(field[5]), *expect = field[6];
        const char *claim_product = unhex(field[7]), *claim_nonce = unhex(field[9]);
        const char *token = unhex(field[12]);
        cases++;

        ruj_error error;
        ruj_verifier *verifier = make_verifier(product, stem, configured_version, &error);
        if (!verifier) {
            CHECK(0, "%s: verifier: %s: %s", name, error.code, error.message);
            continue;
        }
        ruj_registration *registration = NULL;
        ruj_status status =
            nonce ? ruj_verifier_verify(verifier, token, request_version, nonce, &registration,
                                        &error)
                  : ruj_verifier_verify_replayable_without_nonce(verifier, token, request_version,
                                                                 &registration, &error);
        const char *got = status == RUJ_OK ? "valid" : ruj_status_code(status);
        CHECK(strcmp(got, expect) == 0, "%s: got %s (%s), expected %s", name, got,
              error.message, expect);
        CHECK(error.status == status, "%s: error.status %d, returned %d", name, error.status,
              status);
        if (status == RUJ_OK) {
            CHECK(registration != NULL, "%s: no registration", name);
            double issued_at = -1, rotation = -1;
            int32_t issued_kind = ruj_registration_issued_at(registration, &issued_at);
            int32_t rotation_kind =
                ruj_registration_public_key_rotation_timestamp(registration, &rotation);
            CHECK(same_text(ruj_registration_product_code(registration), claim_product) &&
                      ruj_registration_key_version(registration) ==
                          (uint32_t)strtoul(field[8], NULL, 10) &&
                      same_text(ruj_registration_nonce(registration), claim_nonce) &&
                      same_time(issued_kind, issued_at, field[10]) &&
                      same_time(rotation_kind, rotation, field[11]),
                  "%s: claims differ from the fixture", name);
        } else {
            CHECK(registration == NULL, "%s: registration set on failure", name);
            CHECK(strcmp(error.code, ruj_status_code(status)) == 0 &&
                      status != RUJ_OTHER_REJECTION && ruj_status_is_rejection(status),
                  "%s: code %s, status %d", name, error.code, status);
            CHECK(error.message[0] != '\0', "%s: empty message", name);
        }
        ruj_registration_free(registration);
        ruj_verifier_free(verifier);
    }
    free(line);
    fclose(file);
    CHECK(cases > 150, "only %d fixture cases", cases);
    printf("fixtures: %d cases\n", cases);
}

/* Decodes a hex field in place ("-" is NULL, "=" empty) and gives its length in bytes. */
static char *unhex_len(char *field, size_t *len) {
    /* Counted before decoding: a key's bytes may hold a NUL. */
    *len = strcmp(field, "-") == 0 || strcmp(field, "=") == 0 ? 0 : strlen(field) / 2;
    return unhex(field);
}

/* The next space-separated field of a corpus line; a missing one is a broken line. */
static char *next_field(char **save, int line) {
    char *field = strtok_r(NULL, " \n", save);
    if (!field) {
        fprintf(stderr, "corpus line %d ends early\n", line);
        exit(2);
    }
    return field;
}

#define CORPUS_MAX_CODES 64
#define CORPUS_MAX_KEYS 16

static int listed(char *const *codes, int count, const char *code) {
    for (int i = 0; i < count; i++)
        if (strcmp(codes[i], code) == 0) return 1;
    return 0;
}

/* 1 if a status belongs to the case's kind: the corpus's kinds are the C ABI's ranges. */
static int status_of_kind(ruj_status status, const char *kind) {
    if (strcmp(kind, "valid") == 0) return status == RUJ_OK;
    if (strcmp(kind, "rejection") == 0) return ruj_status_is_rejection(status);
    if (strcmp(kind, "configuration") == 0) return ruj_status_is_configuration_error(status);
    if (strcmp(kind, "call") == 0) return status >= 200 && status <= 299;
    return 0;
}

/*
 * The conformance corpus (tests/fixtures/conformance.json through corpus_to_lines.py): every
 * case, configuration and the C ABI's own argument cases included, reaches its code through
 * the C ABI; and every status this library can return is a code the corpus covers or
 * explains, so a status added to the C ABI fails here until the corpus names it.
 */
static void run_corpus(const char *path) {
    FILE *file = fopen(path, "r");
    if (!file) {
        perror(path);
        exit(2);
    }
    char *line = NULL, *codes_line = NULL;
    size_t capacity = 0;
    char *codes[CORPUS_MAX_CODES];
    int code_count = 0, cases = 0, line_number = 0;
    char covered[CORPUS_MAX_CODES] = {0};
    while (getline(&line, &capacity, file) > 0) {
        line_number++;
        char *save = NULL;
        char *tag = strtok_r(line, " \n", &save);
        if (tag && strcmp(tag, "codes") == 0 && !codes_line) {
            /* Kept for the whole run: codes[] points into it. */
            codes_line = line;
            line = NULL;
            capacity = 0;
            for (char *code = strtok_r(NULL, " \n", &save); code && code_count < CORPUS_MAX_CODES;
                 code = strtok_r(NULL, " \n", &save))
                codes[code_count++] = code;
            continue;
        }
        if (!tag || strcmp(tag, "case") != 0 || !codes_line) {
            fprintf(stderr, "corpus line %d: expected the codes line, then case lines\n",
                    line_number);
            exit(2);
        }
        size_t len;
        const char *name = unhex_len(next_field(&save, line_number), &len);
        const char *kind = next_field(&save, line_number);
        const char *expect = next_field(&save, line_number);
        int allow = strcmp(next_field(&save, line_number), "1") == 0;
        const char *product = unhex_len(next_field(&save, line_number), &len);
        long key_count = strtol(next_field(&save, line_number), NULL, 10);
        if (key_count < 0 || key_count > CORPUS_MAX_KEYS) {
            fprintf(stderr, "corpus line %d: %ld keys\n", line_number, key_count);
            exit(2);
        }
        ruj_key keys[CORPUS_MAX_KEYS];
        for (long i = 0; i < key_count; i++) {
            uint32_t version = (uint32_t)strtoul(next_field(&save, line_number), NULL, 10);
            const char *data = unhex_len(next_field(&save, line_number), &len);
            keys[i] = (ruj_key){version, (const uint8_t *)data, len};
        }
        int verify = strcmp(next_field(&save, line_number), "V") == 0;
        const char *token = unhex_len(next_field(&save, line_number), &len);
        uint32_t key_version = (uint32_t)strtoul(next_field(&save, line_number), NULL, 10);
        const char *nonce = unhex_len(next_field(&save, line_number), &len);
        cases++;

        ruj_error error;
        ruj_verifier *verifier = NULL;
        ruj_status status =
            allow ? ruj_verifier_new_dangerously_allowing_published_test_keys(
                        product, key_count ? keys : NULL, (size_t)key_count, &verifier, &error)
                  : ruj_verifier_new(product, key_count ? keys : NULL, (size_t)key_count,
                                     &verifier, &error);
        CHECK((status == RUJ_OK) == (verifier != NULL), "%s: verifier %p, status %d", name,
              (void *)verifier, status);
        ruj_registration *registration = NULL;
        if (status == RUJ_OK && verify) {
            status = nonce ? ruj_verifier_verify(verifier, token, key_version, nonce,
                                                 &registration, &error)
                           : ruj_verifier_verify_replayable_without_nonce(
                                 verifier, token, key_version, &registration, &error);
            CHECK((status == RUJ_OK) == (registration != NULL), "%s: registration %p, status %d",
                  name, (void *)registration, status);
        }
        const char *got = status == RUJ_OK ? "valid" : ruj_status_code(status);
        CHECK(strcmp(got, expect) == 0 && status_of_kind(status, kind),
              "%s: got %s (status %d: %s), expected %s %s", name, got, status,
              status == RUJ_OK ? "" : error.message, kind, expect);
        if (status != RUJ_OK) {
            CHECK(error.status == status && strcmp(error.code, got) == 0 && error.message[0],
                  "%s: ruj_error {%d, %s, %s} for status %d", name, error.status, error.code,
                  error.message, status);
        }
        CHECK(strcmp(expect, "valid") == 0 || listed(codes, code_count, expect),
              "%s: expects %s, which the codes line does not list", name, expect);
        for (int i = 0; i < code_count; i++)
            if (strcmp(codes[i], got) == 0 && strcmp(got, expect) == 0) covered[i] = 1;
        ruj_registration_free(registration);
        ruj_verifier_free(verifier);
    }
    free(line);
    fclose(file);
    CHECK(code_count > 0, "no codes line in %s", path);
    CHECK(cases > 0, "no corpus cases in %s", path);

    /* Every status the C ABI can return: the library's own table, asked number by number. */
    int statuses = 0;
    for (ruj_status status = -1000; status <= 1000; status++) {
        const char *code = ruj_status_code(status);
        if (strcmp(code, "unknown_status") == 0 || strcmp(code, "ok") == 0) continue;
        statuses++;
        CHECK(listed(codes, code_count, code),
              "status %d (%s) is neither covered nor explained by the corpus: add a case or a "
              "not_covered entry in tests/fixtures/generate_conformance.py",
              status, code);
    }
    int covered_count = 0;
    for (int i = 0; i < code_count; i++) covered_count += covered[i];
    free(codes_line);
    printf("corpus: %d cases, %d of %d listed codes reached, %d C ABI statuses checked\n", cases,
           covered_count, code_count, statuses);
}

/* The fixtures' first valid case, for the named tests below. */
static const char *PRODUCT = "1fszvu527waovqeuhpkyx2b5d";
static const char *NONCE = "3f1e5a0c-6b7d-4e2a-9c31-0d8f2b7a4e55";
static char valid_token[4096];

static void find_valid_token(const char *path) {
    FILE *file = fopen(path, "r");
    char *line = NULL;
    size_t capacity = 0;
    while (file && getline(&line, &capacity, file) > 0) {
        char *field[13], *save = NULL;
        int n = 0;
        for (char *t = strtok_r(line, " \n", &save); t && n < 13; t = strtok_r(NULL, " \n", &save))
            field[n++] = t;
        if (n == 13 && strcmp(field[6], "valid") == 0 && strcmp(field[1], "test-only-rsa2048") == 0 &&
            same_text(unhex(field[2]), PRODUCT) && same_text(unhex(field[5]), NONCE) &&
            strcmp(field[3], "1") == 0 && strlen(field[12]) / 2 < sizeof valid_token) {
            strcpy(valid_token, unhex(field[12]));
            break;
        }
    }
    free(line);
    if (file) fclose(file);
    if (!valid_token[0]) {
        fprintf(stderr, "no valid fixture token for %s\n", PRODUCT);
        exit(2);
    }
}

static ruj_status verify_token(ruj_verifier *verifier, const char *token, const char *nonce,
                               ruj_error *error) {
    ruj_registration *registration = NULL;
    ruj_status status = ruj_verifier_verify(verifier, token, 1, nonce, &registration, error);
    ruj_registration_free(registration);
    return status;
}

static void test_forged_replayed_wrong_product(void) {
    ruj_error error;
    ruj_verifier *verifier = make_verifier(PRODUCT, "test-only-rsa2048", 1, &error);
    CHECK(verifier != NULL, "verifier: %s", error.message);
    CHECK(verify_token(verifier, valid_token, NONCE, &error) == RUJ_OK, "valid: %s",
          error.message);

    /* Forged: one character of the signature changed. */
    char forged[sizeof valid_token];
    strcpy(forged, valid_token);
    char *last = forged + strlen(forged) - 2;
    *last = *last == 'A' ? 'B' : 'A';
    CHECK(verify_token(verifier, forged, NONCE, &error) == RUJ_BAD_SIGNATURE &&
              strcmp(error.code, "bad_signature") == 0,
          "forged: %s", error.code);

    /* Replayed: the same token answering a call that sent another nonce. */
    CHECK(verify_token(verifier, valid_token, "a-fresh-nonce-for-this-call", &error) ==
                  RUJ_NONCE_MISMATCH &&
              strcmp(error.code, "nonce_mismatch") == 0,
          "replayed: %s", error.code);

    /* Another product's verifier. */
    ruj_verifier *other = make_verifier("someoneelsesproduct", "test-only-rsa2048", 1, &error);
    CHECK(verify_token(other, valid_token, NONCE, &error) == RUJ_PRODUCT_CODE_MISMATCH &&
              strcmp(error.code, "product_code_mismatch") == 0,
          "wrong product: %s", error.code);

    /* A key version the verifier does not have. */
    ruj_registration *registration = NULL;
    CHECK(ruj_verifier_verify(verifier, valid_token, 2, NONCE, &registration, &error) ==
                  RUJ_UNKNOWN_KEY_VERSION &&
              registration == NULL,
          "unknown version: %s", error.code);
    ruj_verifier_free(other);
    ruj_verifier_free(verifier);
}

/* A misuse case: the call returned `got` and must have returned `want`, with `error` (NULL
 * when the call was given none) agreeing. Prints its reliability line. */
static void misuse(const char *name, ruj_status got, ruj_status want, const ruj_error *error) {
    const char *message = error ? error->message : "(no ruj_error passed: status only)";
    reliability_status("c-abi", name, got, message);
    CHECK(got == want, "%s: status %d (%s), expected %d (%s)", name, got, ruj_status_code(got),
          want, ruj_status_code(want));
    if (error) {
        CHECK(error->status == got && strcmp(error->code, ruj_status_code(got)) == 0 &&
                  (got == RUJ_OK || error->message[0] != '\0'),
              "%s: ruj_error disagrees: status %d, code %s", name, error->status, error->code);
    }
}

static void test_keys_and_arguments(void) {
    ruj_error error;
    ruj_verifier *verifier = (ruj_verifier *)&error; /* stale on purpose */
    size_t len;
    char *pem = key_file("test-only-rsa2048", ".pub.pem", &len);
    ruj_key key = {1, (const uint8_t *)pem, len};

    /* The production constructor refuses the published test key. */
    misuse("published test key in production",
           ruj_verifier_new(PRODUCT, &key, 1, &verifier, &error), RUJ_COMPROMISED_KEY, &error);
    CHECK(verifier == NULL && ruj_status_is_configuration_error(error.status),
          "test key in production: stale verifier or wrong class");

    /* DER loads like PEM. */
    char *der = key_file("test-only-rsa2048", ".pub.der", &len);
    ruj_key der_key = {1, (const uint8_t *)der, len};
    CHECK(ruj_verifier_new_dangerously_allowing_published_test_keys(PRODUCT, &der_key, 1,
                                                                     &verifier, &error) == RUJ_OK,
          "DER key: %s", error.message);
    CHECK(verify_token(verifier, valid_token, NONCE, &error) == RUJ_OK, "DER verify: %s",
          error.message);

    /* NULLs and invalid UTF-8 are errors; NULL error pointers are allowed. */
    ruj_registration *registration = (ruj_registration *)&error; /* stale on purpose */
    misuse("NULL token", ruj_verifier_verify(verifier, NULL, 1, NONCE, &registration, &error),
           RUJ_NULL_ARGUMENT, &error);
    CHECK(registration == NULL, "NULL token: stale registration");
    misuse("NULL nonce",
           ruj_verifier_verify(verifier, valid_token, 1, NULL, &registration, &error),
           RUJ_NULL_ARGUMENT, &error);
    misuse("NULL nonce, NULL error",
           ruj_verifier_verify(verifier, valid_token, 1, NULL, &registration, NULL),
           RUJ_NULL_ARGUMENT, NULL);
    misuse("NULL verifier",
           ruj_verifier_verify(NULL, valid_token, 1, NONCE, &registration, &error),
           RUJ_NULL_ARGUMENT, &error);
    misuse("NULL registration_out",
           ruj_verifier_verify(verifier, valid_token, 1, NONCE, NULL, &error), RUJ_NULL_ARGUMENT,
           &error);
    misuse("NULL token, replayable",
           ruj_verifier_verify_replayable_without_nonce(verifier, NULL, 1, &registration, &error),
           RUJ_NULL_ARGUMENT, &error);
    misuse("nonce not UTF-8",
           ruj_verifier_verify(verifier, valid_token, 1, "\xff\xfe", &registration, &error),
           RUJ_INVALID_UTF8, &error);
    CHECK(registration == NULL, "bad UTF-8 nonce: registration set");
    misuse("empty nonce", ruj_verifier_verify(verifier, valid_token, 1, "", &registration, &error),
           RUJ_INVALID_NONCE, &error);
    char long_nonce[300];
    memset(long_nonce, 'n', sizeof long_nonce - 1);
    long_nonce[sizeof long_nonce - 1] = '\0';
    misuse("nonce over 255 characters",
           ruj_verifier_verify(verifier, valid_token, 1, long_nonce, &registration, &error),
           RUJ_INVALID_NONCE, &error);
    misuse("empty token", ruj_verifier_verify(verifier, "", 1, NONCE, &registration, &error),
           RUJ_MALFORMED_TOKEN, &error);
    misuse("key version 0 at verify",
           ruj_verifier_verify(verifier, valid_token, 0, NONCE, &registration, &error),
           RUJ_UNKNOWN_KEY_VERSION, &error);

    ruj_verifier *unused = (ruj_verifier *)&error; /* stale on purpose */
    misuse("product code not UTF-8", ruj_verifier_new("\xc3\x28", &key, 1, &unused, &error),
           RUJ_INVALID_UTF8, &error);
    CHECK(unused == NULL, "bad UTF-8 product code: stale verifier");
    misuse("NULL product code", ruj_verifier_new(NULL, &key, 1, &unused, &error),
           RUJ_NULL_ARGUMENT, &error);
    misuse("invalid product code",
           ruj_verifier_new_dangerously_allowing_published_test_keys("bad code!", &key, 1, &unused,
                                                                      &error),
           RUJ_INVALID_PRODUCT_CODE, &error);
    misuse("NULL keys", ruj_verifier_new(PRODUCT, NULL, 1, &unused, &error), RUJ_NULL_ARGUMENT,
           &error);
    misuse("NULL verifier_out", ruj_verifier_new(PRODUCT, &key, 1, NULL, &error),
           RUJ_NULL_ARGUMENT, &error);
    misuse("no keys", ruj_verifier_new(PRODUCT, &key, 0, &unused, &error), RUJ_KEY_COUNT, &error);
    ruj_key null_data = {1, NULL, 10};
    misuse("key data NULL with a length", ruj_verifier_new(PRODUCT, &null_data, 1, &unused, &error),
           RUJ_NULL_ARGUMENT, &error);
    ruj_key garbage = {1, (const uint8_t *)"not a key", 9};
    misuse("unreadable key", ruj_verifier_new(PRODUCT, &garbage, 1, &unused, &error),
           RUJ_INVALID_KEY, &error);
    ruj_key version_zero = {0, (const uint8_t *)pem, strlen(pem)};
    misuse("key version 0",
           ruj_verifier_new_dangerously_allowing_published_test_keys(PRODUCT, &version_zero, 1,
                                                                      &unused, &error),
           RUJ_INVALID_KEY_VERSION, &error);
    ruj_key twice[2] = {key, key};
    misuse("one key version twice",
           ruj_verifier_new_dangerously_allowing_published_test_keys(PRODUCT, twice, 2, &unused,
                                                                      &error),
           RUJ_DUPLICATE_KEY_VERSION, &error);
    CHECK(unused == NULL, "configuration errors: stale verifier");
    CHECK(strcmp(ruj_status_code(123456), "unknown_status") == 0, "unknown status");
    ruj_verifier_free(NULL);
    ruj_registration_free(NULL);
    reliability_outcome("c-abi", "free NULL", "safe: does nothing");
    double seconds = -1;
    int null_reads_safely = ruj_registration_product_code(NULL) == NULL &&
                            ruj_registration_nonce(NULL) == NULL &&
                            ruj_registration_key_version(NULL) == 0 &&
                            ruj_registration_issued_at(NULL, &seconds) == RUJ_TIME_ABSENT &&
                            ruj_registration_public_key_rotation_timestamp(NULL, &seconds) ==
                                RUJ_TIME_ABSENT &&
                            seconds == -1;
    reliability_outcome("c-abi", "read a NULL registration",
                        null_reads_safely ? "safe: NULL strings, version 0, times absent"
                                          : "unexpected: a NULL registration read as something");
    CHECK(null_reads_safely, "NULL registration accessors");

    char nonce[RUJ_RANDOM_NONCE_SIZE], again[RUJ_RANDOM_NONCE_SIZE];
    CHECK(ruj_random_nonce(nonce, sizeof nonce, &error) == RUJ_OK &&
              ruj_random_nonce(again, sizeof again, &error) == RUJ_OK &&
              strlen(nonce) == RUJ_RANDOM_NONCE_SIZE - 1 && strcmp(nonce, again) != 0,
          "random nonce: %s", error.message);
    misuse("random nonce buffer too small", ruj_random_nonce(nonce, 8, &error),
           RUJ_BUFFER_TOO_SMALL, &error);
    CHECK(nonce[0] == '\0', "small buffer: not emptied");
    misuse("random nonce into NULL", ruj_random_nonce(NULL, sizeof nonce, &error),
           RUJ_NULL_ARGUMENT, &error);

    ruj_verifier_free(verifier);
    free(der);
    free(pem);
}

/* Every pointer-and-length argument with a length above PTRDIFF_MAX (no object is that
 * large): a status, never a read. Before the fix `ruj_key.len` reached
 * slice::from_raw_parts: an abort in a debug build, a crash in release. */
static void test_impossible_lengths(void) {
    const size_t lengths[] = {(size_t)PTRDIFF_MAX + 1, SIZE_MAX};
    const char *length_names[] = {"PTRDIFF_MAX + 1", "SIZE_MAX"};
    size_t pem_len;
    char *pem = key_file("test-only-rsa2048", ".pub.pem", &pem_len);
    ruj_key good = {1, (const uint8_t *)pem, pem_len};
    char name[128];
    for (int i = 0; i < 2; i++) {
        ruj_error error;
        ruj_verifier *verifier = (ruj_verifier *)&error; /* stale on purpose */
        ruj_key huge = {1, (const uint8_t *)pem, lengths[i]};
        snprintf(name, sizeof name, "ruj_key.len = %s", length_names[i]);
        misuse(name, ruj_verifier_new(PRODUCT, &huge, 1, &verifier, &error),
               RUJ_INVALID_ARGUMENT, &error);
        CHECK(verifier == NULL, "%s: stale verifier", name);

        ruj_key null_huge = {1, NULL, lengths[i]};
        snprintf(name, sizeof name, "ruj_key.len = %s, data NULL", length_names[i]);
        misuse(name, ruj_verifier_new(PRODUCT, &null_huge, 1, &verifier, &error),
               RUJ_INVALID_ARGUMENT, &error);

        ruj_key second[2] = {good, {2, (const uint8_t *)pem, lengths[i]}};
        snprintf(name, sizeof name, "second ruj_key.len = %s", length_names[i]);
        misuse(name,
               ruj_verifier_new_dangerously_allowing_published_test_keys(PRODUCT, second, 2,
                                                                          &verifier, &error),
               RUJ_INVALID_ARGUMENT, &error);
        CHECK(verifier == NULL, "%s: stale verifier", name);

        snprintf(name, sizeof name, "key_count = %s", length_names[i]);
        misuse(name, ruj_verifier_new(PRODUCT, &good, lengths[i], &verifier, &error),
               RUJ_KEY_COUNT, &error);

        char buffer[RUJ_RANDOM_NONCE_SIZE];
        memset(buffer, 'x', sizeof buffer);
        snprintf(name, sizeof name, "random nonce size = %s", length_names[i]);
        misuse(name, ruj_random_nonce(buffer, lengths[i], &error), RUJ_INVALID_ARGUMENT, &error);
        CHECK(buffer[0] == 'x', "%s: the buffer was written", name);
    }
    free(pem);
}

struct thread_work {
    ruj_verifier *verifier;
    int failures;
};

static void *verify_repeatedly(void *argument) {
    struct thread_work *work = argument;
    for (int i = 0; i < 20; i++) {
        ruj_error error;
        if (verify_token(work->verifier, valid_token, NONCE, &error) != RUJ_OK) work->failures++;
        if (verify_token(work->verifier, valid_token, "replayed", &error) != RUJ_NONCE_MISMATCH)
            work->failures++;
    }
    return NULL;
}

static void test_one_verifier_many_threads(void) {
    ruj_error error;
    ruj_verifier *verifier = make_verifier(PRODUCT, "test-only-rsa2048", 1, &error);
    pthread_t threads[4];
    struct thread_work work[4];
    for (int i = 0; i < 4; i++) {
        work[i] = (struct thread_work){verifier, 0};
        pthread_create(&threads[i], NULL, verify_repeatedly, &work[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        CHECK(work[i].failures == 0, "thread %d: %d failures", i, work[i].failures);
    }
    ruj_verifier_free(verifier);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s FIXTURE_LINES KEYS_DIR CORPUS_LINES\n", argv[0]);
        return 2;
    }
    keys_dir = argv[2];
    run_fixtures(argv[1]);
    run_corpus(argv[3]);
    find_valid_token(argv[1]);
    test_forged_replayed_wrong_product();
    test_keys_and_arguments();
    test_impossible_lengths();
    test_one_verifier_many_threads();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
