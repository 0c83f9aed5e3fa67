// The C++ wrapper (bindings/c/examples/cpp/register_usage_jwt.hpp) misused: moved-from objects,
// strings holding a NUL, configuration mistakes. bindings/c/ci.sh builds it with
// -fsanitize=address,undefined: before the fix, reading a moved-from Registration built
// std::string_view(nullptr), and a token or nonce holding a NUL was verified cut at it.
//
//     test_register_usage_jwt_cpp TOKEN NONCE
//
// TOKEN and NONCE are a valid fixture token for the demo product and test key
// (bindings/c/examples/demo_product_key.h). Each misuse case prints one line on stdout,
// "reliability: c++<TAB>CASE<TAB>OUTCOME" (../c/reliability.h). Prints one line per failure
// and ends with "N passed, N failed"; exits non-zero on any failure.
#include <cstdio>
#include <functional>
#include <iostream>
#include <string>
#include <utility>

#include "../../examples/demo_product_key.h"
#include "../c/reliability.h"
#include "register_usage_jwt.hpp"

namespace ruj = register_usage_jwt;

static int passed, failed;

static void check(bool condition, const std::string& what) {
    if (condition) {
        passed++;
    } else {
        failed++;
        std::cerr << "FAIL: " << what << "\n";
    }
}

static const std::string kProduct = DEMO_PRODUCT_CODE;
static const std::string_view kKey = DEMO_PRODUCT_KEY_PEM;

static ruj::Verifier demo_verifier(const std::string& product = kProduct) {
    return ruj::Verifier::dangerously_allowing_published_test_keys(product, {{1, kKey}});
}

// Runs `call`, which must throw exception class `Expected` with `status`; prints the case's
// reliability line ("accepted" when nothing was thrown).
template <typename Expected>
static void expect_refused(const std::string& name, ruj_status status,
                           const std::function<void()>& call) {
    try {
        call();
    } catch (const Expected& error) {
        reliability_status("c++", name.c_str(), error.status(), error.what());
        check(error.status() == status && error.code() == ruj_status_code(status) &&
                  *error.what() != '\0',
              name + ": status " + std::to_string(error.status()) + " code " + error.code() +
                  ", expected " + ruj_status_code(status));
        return;
    } catch (const ruj::Error& other) {
        reliability_status("c++", name.c_str(), other.status(), other.what());
        check(false, name + ": wrong exception class, code " + other.code());
        return;
    }
    reliability_outcome("c++", name.c_str(), "accepted");
    check(false, name + ": nothing was thrown");
}

// Every read of a moved-from Registration: empty, and no null string_view.
static bool reads_as_empty(const ruj::Registration& registration) {
    return !registration && registration.product_code().empty() &&
           registration.product_code().data() != nullptr && registration.key_version() == 0 &&
           !registration.nonce() && !registration.issued_at() &&
           !registration.public_key_rotation_timestamp();
}

static void test_moved_from_objects(const std::string& token, const std::string& nonce) {
    ruj::Verifier verifier = demo_verifier();
    ruj::Registration registration = verifier.verify(token, 1, nonce);
    check(registration && registration.product_code() == kProduct &&
              registration.key_version() == 1 && registration.nonce() == nonce,
          "the valid token verifies and reads back");

    ruj::Registration moved_to = std::move(registration);
    const bool empty = reads_as_empty(registration);  // NOLINT(bugprone-use-after-move)
    reliability_outcome("c++", "read a moved-from Registration",
                        empty ? "safe: empty (product code \"\", key version 0, no nonce, "
                                "no times)"
                              : "unexpected: the moved-from Registration reads as something");
    check(empty, "moved-from Registration reads as empty");
    check(moved_to && moved_to.product_code() == kProduct && moved_to.nonce() == nonce,
          "the moved-to Registration keeps the claims");

    ruj::Registration assigned = verifier.verify(token, 1, nonce);
    assigned = std::move(moved_to);
    check(reads_as_empty(moved_to) && assigned.product_code() == kProduct,  // NOLINT
          "move assignment: the source reads as empty, the target keeps the claims");

    ruj::Verifier moved_verifier = std::move(verifier);
    check(!verifier && static_cast<bool>(moved_verifier), "a moved-from Verifier is false");
    expect_refused<ruj::UsageError>("verify with a moved-from Verifier", RUJ_NULL_ARGUMENT,
                                    [&] { verifier.verify(token, 1, nonce); });  // NOLINT
    check(moved_verifier.verify(token, 1, nonce).key_version() == 1,
          "the moved-to Verifier verifies");
}

static void test_strings_holding_a_nul(const std::string& token, const std::string& nonce) {
    const ruj::Verifier verifier = demo_verifier();
    // Each of these was verified cut at the NUL before the fix: the token and nonce before
    // the NUL are the valid ones.
    const std::string nul_tail("\0trailing", 9);
    expect_refused<ruj::UsageError>("token holding a NUL", RUJ_INVALID_ARGUMENT,
                                    [&] { verifier.verify(token + nul_tail, 1, nonce); });
    expect_refused<ruj::UsageError>("nonce holding a NUL", RUJ_INVALID_ARGUMENT,
                                    [&] { verifier.verify(token, 1, nonce + nul_tail); });
    expect_refused<ruj::UsageError>("token that starts with a NUL", RUJ_INVALID_ARGUMENT, [&] {
        verifier.verify(std::string(1, '\0') + token, 1, nonce);
    });
    expect_refused<ruj::UsageError>("product code holding a NUL", RUJ_INVALID_ARGUMENT,
                                    [&] { (void)demo_verifier(kProduct + nul_tail); });
    // The message says what and where.
    try {
        verifier.verify(token, 1, nonce + nul_tail);
    } catch (const ruj::UsageError& error) {
        const std::string message = error.what();
        check(message.find("`nonce`") != std::string::npos &&
                  message.find("offset " + std::to_string(nonce.size())) != std::string::npos,
              "the NUL message names the argument and the offset: " + message);
    }
}

static void test_configuration_and_arguments(const std::string& token,
                                             const std::string& nonce) {
    const ruj::Verifier verifier = demo_verifier();
    expect_refused<ruj::ConfigurationError>(
        "published test key in production", RUJ_COMPROMISED_KEY,
        [&] { (void)ruj::Verifier(kProduct, {{1, kKey}}); });
    expect_refused<ruj::ConfigurationError>("no keys", RUJ_KEY_COUNT,
                                            [&] { (void)ruj::Verifier(kProduct, {}); });
    expect_refused<ruj::ConfigurationError>(
        "key version 0", RUJ_INVALID_KEY_VERSION,
        [&] { (void)ruj::Verifier::dangerously_allowing_published_test_keys(kProduct,
                                                                            {{0, kKey}}); });
    expect_refused<ruj::ConfigurationError>(
        "unreadable key", RUJ_INVALID_KEY,
        [&] { (void)ruj::Verifier(kProduct, {{1, std::string_view("not a key")}}); });
    expect_refused<ruj::ConfigurationError>("invalid product code", RUJ_INVALID_PRODUCT_CODE,
                                            [&] { (void)demo_verifier("bad code!"); });
    expect_refused<ruj::ConfigurationError>("empty nonce", RUJ_INVALID_NONCE,
                                            [&] { verifier.verify(token, 1, ""); });
    expect_refused<ruj::UsageError>("nonce not UTF-8", RUJ_INVALID_UTF8,
                                    [&] { verifier.verify(token, 1, "\xff\xfe"); });
    expect_refused<ruj::TokenRejected>("empty token", RUJ_MALFORMED_TOKEN,
                                       [&] { verifier.verify("", 1, nonce); });
    try {
        verifier.verify(token, 1, "another-nonce");
        check(false, "a replayed token was accepted");
    } catch (const ruj::TokenRejected& rejected) {
        check(rejected.status() == RUJ_NONCE_MISMATCH, "replayed token: " + rejected.code());
    }
    check(ruj::random_nonce().size() == RUJ_RANDOM_NONCE_SIZE - 1, "random_nonce");
}

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: " << argv[0] << " TOKEN NONCE\n";
        return 2;
    }
    const std::string token = argv[1], nonce = argv[2];
    try {
        test_moved_from_objects(token, nonce);
        test_strings_holding_a_nul(token, nonce);
        test_configuration_and_arguments(token, nonce);
    } catch (const ruj::Error& error) {
        check(false, std::string("unexpected exception (") + error.code() + "): " + error.what());
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
