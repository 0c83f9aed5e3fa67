/*
 * The reliability lines of the C and C++ tests: one line on stdout per misuse case,
 *
 *     reliability: BINDING<TAB>CASE<TAB>OUTCOME
 *
 * where OUTCOME is "refused RUJ_NAME: message" or "safe: what happened" (or, when the
 * library did something it must not, "accepted" / "unexpected ...": the test then fails
 * too). The README's reliability figure counts these lines; keep the format exact. Tabs and
 * line breaks inside a message are printed as spaces so that every case stays one line.
 */
#ifndef REGISTER_USAGE_JWT_TEST_RELIABILITY_H
#define REGISTER_USAGE_JWT_TEST_RELIABILITY_H

#include <stdio.h>

#include "register_usage_jwt.h"

/* The macro name of a status, such as "RUJ_NULL_ARGUMENT"; NULL for a number that is not
 * one (the caller prints the number). */
static inline const char *reliability_status_name(ruj_status status) {
    switch (status) {
#define RELIABILITY_NAME(name) \
    case name:                 \
        return #name;
        RELIABILITY_NAME(RUJ_OK)
        RELIABILITY_NAME(RUJ_TOKEN_TOO_LARGE)
        RELIABILITY_NAME(RUJ_MALFORMED_TOKEN)
        RELIABILITY_NAME(RUJ_MALFORMED_HEADER)
        RELIABILITY_NAME(RUJ_UNSUPPORTED_ALGORITHM)
        RELIABILITY_NAME(RUJ_UNSUPPORTED_HEADER)
        RELIABILITY_NAME(RUJ_UNKNOWN_KEY_VERSION)
        RELIABILITY_NAME(RUJ_BAD_SIGNATURE)
        RELIABILITY_NAME(RUJ_MALFORMED_CLAIMS)
        RELIABILITY_NAME(RUJ_KEY_VERSION_MISMATCH)
        RELIABILITY_NAME(RUJ_PRODUCT_CODE_MISMATCH)
        RELIABILITY_NAME(RUJ_NONCE_MISMATCH)
        RELIABILITY_NAME(RUJ_NONCE_MISSING)
        RELIABILITY_NAME(RUJ_UNEXPECTED_NONCE)
        RELIABILITY_NAME(RUJ_OTHER_REJECTION)
        RELIABILITY_NAME(RUJ_INVALID_KEY)
        RELIABILITY_NAME(RUJ_WEAK_KEY)
        RELIABILITY_NAME(RUJ_COMPROMISED_KEY)
        RELIABILITY_NAME(RUJ_INVALID_PRODUCT_CODE)
        RELIABILITY_NAME(RUJ_INVALID_NONCE)
        RELIABILITY_NAME(RUJ_INVALID_KEY_VERSION)
        RELIABILITY_NAME(RUJ_DUPLICATE_KEY_VERSION)
        RELIABILITY_NAME(RUJ_KEY_COUNT)
        RELIABILITY_NAME(RUJ_OTHER_CONFIGURATION_ERROR)
        RELIABILITY_NAME(RUJ_NULL_ARGUMENT)
        RELIABILITY_NAME(RUJ_INVALID_UTF8)
        RELIABILITY_NAME(RUJ_BUFFER_TOO_SMALL)
        RELIABILITY_NAME(RUJ_RANDOM_UNAVAILABLE)
        RELIABILITY_NAME(RUJ_INVALID_ARGUMENT)
        RELIABILITY_NAME(RUJ_INTERNAL_ERROR)
#undef RELIABILITY_NAME
        default:
            return NULL;
    }
}

/* `text` with tabs and line breaks as spaces. */
static inline void reliability_print_text(const char *text) {
    for (; *text; text++)
        putchar(*text == '\t' || *text == '\n' || *text == '\r' ? ' ' : *text);
}

/* One line: "reliability: BINDING<TAB>CASE<TAB>" then the outcome of a call that returned
 * `status` with `message`: "refused RUJ_NAME: message" for a failure, "accepted" for
 * RUJ_OK. */
static inline void reliability_status(const char *binding, const char *case_name,
                                      ruj_status status, const char *message) {
    const char *name = reliability_status_name(status);
    printf("reliability: %s\t%s\t", binding, case_name);
    if (status == RUJ_OK) {
        printf("accepted");
    } else {
        if (name)
            printf("refused %s: ", name);
        else
            printf("refused status %d: ", (int)status);
        reliability_print_text(message);
    }
    putchar('\n');
    fflush(stdout);
}

/* One line with a free-form outcome, such as "safe: returns NULL". */
static inline void reliability_outcome(const char *binding, const char *case_name,
                                       const char *outcome) {
    printf("reliability: %s\t%s\t", binding, case_name);
    reliability_print_text(outcome);
    putchar('\n');
    fflush(stdout);
}

#endif /* REGISTER_USAGE_JWT_TEST_RELIABILITY_H */
