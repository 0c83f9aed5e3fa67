// The RegisterUsage check in a paid C++ program, with the RAII wrappers of
// register_usage_jwt.hpp. As startup.c: the check runs first thing in main, inside the
// paid process; the RegisterUsage call itself (aws-sdk-cpp's MarketplaceMetering client)
// is out of scope, so the token and the nonce it sent are the two arguments:
//
//     startup_cpp TOKEN NONCE
//
// Build: c++ -std=c++17 startup.cpp -I bindings/c/include -I bindings/c/examples/cpp
//            libregister_usage_jwt_c.a -lpthread -ldl -lm
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "register_usage_jwt.hpp"

#ifdef REGISTER_USAGE_DEMO_WITH_PUBLISHED_TEST_KEY
#include "../demo_product_key.h"
static const char* const kProductCode = DEMO_PRODUCT_CODE;
static const std::string_view kProductKey = DEMO_PRODUCT_KEY_PEM;
#else
static const char* const kProductCode = "your-product-code";
static const std::string_view kProductKey =
    "-----BEGIN PUBLIC KEY-----\n"
    "(paste the public key AWS Marketplace gave you for key version 1)\n"
    "-----END PUBLIC KEY-----\n";
#endif
static constexpr std::uint32_t kKeyVersion = 1;

namespace ruj = register_usage_jwt;

static ruj::Verifier product_verifier() {
#ifdef REGISTER_USAGE_DEMO_WITH_PUBLISHED_TEST_KEY
    return ruj::Verifier::dangerously_allowing_published_test_keys(kProductCode,
                                                                   {{kKeyVersion, kProductKey}});
#else
    return ruj::Verifier(kProductCode, {{kKeyVersion, kProductKey}});
#endif
}

int main(int argc, char** argv) {
    // In the real program: const std::string nonce = ruj::random_nonce(); then RegisterUsage
    // with it (retry only ThrottlingException) to get the token.
    if (argc != 3) {
        std::cerr << "usage: " << argv[0] << " TOKEN NONCE\n";
        return 2;
    }
    try {
        const ruj::Verifier verifier = product_verifier();
        const ruj::Registration registration = verifier.verify(argv[1], kKeyVersion, argv[2]);
        if (auto rotation = registration.public_key_rotation_timestamp())
            std::cerr << "WARNING: key version " << registration.key_version()
                      << " expired (PublicKeyRotationTimestamp " << *rotation
                      << "): ship the new key version\n";
    } catch (const ruj::TokenRejected& rejected) {
        std::cerr << "RegisterUsage token refused (" << rejected.code() << "): "
                  << rejected.what() << "\n";
        return EXIT_FAILURE;
    } catch (const ruj::Error& error) {
        std::cerr << "licence check failed (" << error.code() << "): " << error.what() << "\n";
        return EXIT_FAILURE;
    }
    std::cout << "entitled: starting the paid workload\n";
    // A fresh nonce for the next call, to show the helper.
    std::cout << "next nonce: " << ruj::random_nonce().size() << " hex digits\n";
    return EXIT_SUCCESS;
}
