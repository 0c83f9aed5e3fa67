// C++17 RAII wrappers over the register-usage-jwt C ABI (register_usage_jwt.h).
//
// Objects own their C handles through std::unique_ptr with the library's own free
// functions; failures throw TokenRejected (do not run as paid software), ConfigurationError
// (the seller's key, product code or nonce is wrong) or UsageError (a bad argument or an
// internal failure). Every exception carries the numeric status and the string code.
// A Verifier is immutable: share one (by reference) between threads.
//
// Strings go to the C ABI as C strings, so a token, nonce or product code holding a NUL
// byte would be cut there: it is refused instead (UsageError, RUJ_INVALID_ARGUMENT,
// "invalid_argument"). Moved-from objects are safe: a moved-from Registration reads as
// empty (product code "", key version 0, no nonce, no times); verifying with a moved-from
// Verifier throws UsageError (RUJ_NULL_ARGUMENT). `explicit operator bool` tells whether
// an object still holds its handle.
#ifndef REGISTER_USAGE_JWT_HPP
#define REGISTER_USAGE_JWT_HPP

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "register_usage_jwt.h"

namespace register_usage_jwt {

class Error : public std::runtime_error {
 public:
    explicit Error(const ruj_error& error)
        : std::runtime_error(error.message), status_(error.status), code_(error.code) {}
    // A failure found by this wrapper before calling the C ABI.
    Error(ruj_status status, const char* code, const std::string& message)
        : std::runtime_error(message), status_(status), code_(code) {}
    ruj_status status() const noexcept { return status_; }
    // The same code as the Rust library's Error::code(), such as "bad_signature".
    const std::string& code() const noexcept { return code_; }

 private:
    ruj_status status_;
    std::string code_;
};

// The token was refused: forged, replayed, for another product, malformed...
class TokenRejected : public Error {
    using Error::Error;
};

// The verifier cannot be configured as asked: a weak, published or unreadable key, an
// invalid product code or nonce. The seller's to fix.
class ConfigurationError : public Error {
    using Error::Error;
};

// A NULL or non-UTF-8 argument, a string holding a NUL, a moved-from Verifier, a too-small
// buffer, an unavailable random source, or an internal failure.
class UsageError : public Error {
    using Error::Error;
};

namespace detail {
struct FreeVerifier {
    void operator()(ruj_verifier* verifier) const noexcept { ruj_verifier_free(verifier); }
};
struct FreeRegistration {
    void operator()(ruj_registration* registration) const noexcept {
        ruj_registration_free(registration);
    }
};

inline void check(ruj_status status, const ruj_error& error) {
    if (status == RUJ_OK) return;
    if (ruj_status_is_rejection(status)) throw TokenRejected(error);
    if (ruj_status_is_configuration_error(status)) throw ConfigurationError(error);
    throw UsageError(error);
}

// A std::string holding a NUL would reach the C ABI cut at it: refuse it.
inline void refuse_embedded_nul(const std::string& text, const char* name) {
    const std::string::size_type at = text.find('\0');
    if (at == std::string::npos) return;
    throw UsageError(RUJ_INVALID_ARGUMENT, "invalid_argument",
                     std::string("`") + name + "` holds a NUL byte at offset " +
                         std::to_string(at) + " of " + std::to_string(text.size()) +
                         ": passed as a C string it would be cut there, so it is refused");
}

inline std::optional<double> claim_time(int32_t kind, double seconds) {
    // Kinds other than RUJ_TIME_SECONDS (absent, or any added later) have no seconds.
    if (kind == RUJ_TIME_SECONDS) return seconds;
    return std::nullopt;
}
}  // namespace detail

// A public key for one PublicKeyVersion: PEM text or DER bytes.
struct Key {
    std::uint32_t version;
    std::string_view pem_or_der;
};

// A verified registration; only Verifier::verify makes one. Moved from, it reads as empty:
// product_code() "", key_version() 0, and no nonce or times.
class Registration {
 public:
    std::string_view product_code() const {
        const char* code = ruj_registration_product_code(get());
        if (!code) return std::string_view("");  // moved from: empty, still NUL-terminated
        return std::string_view(code);
    }
    std::uint32_t key_version() const { return ruj_registration_key_version(get()); }
    std::optional<std::string_view> nonce() const {
        const char* nonce = ruj_registration_nonce(get());
        if (!nonce) return std::nullopt;
        return std::string_view(nonce);
    }
    std::optional<double> issued_at() const {
        double seconds = 0;
        return detail::claim_time(ruj_registration_issued_at(get(), &seconds), seconds);
    }
    // Present only when the key version has expired: ship the new key version.
    std::optional<double> public_key_rotation_timestamp() const {
        double seconds = 0;
        return detail::claim_time(
            ruj_registration_public_key_rotation_timestamp(get(), &seconds), seconds);
    }
    // False once moved from.
    explicit operator bool() const noexcept { return handle_ != nullptr; }

 private:
    friend class Verifier;
    explicit Registration(ruj_registration* registration) : handle_(registration) {}
    const ruj_registration* get() const noexcept { return handle_.get(); }
    std::unique_ptr<ruj_registration, detail::FreeRegistration> handle_;
};

class Verifier {
 public:
    // Refuses weak keys and keys whose private half is public.
    Verifier(const std::string& product_code, const std::vector<Key>& keys)
        : Verifier(product_code, keys, ruj_verifier_new) {}

    // INSECURE, for tests and demos only: also accepts the library's published test keys.
    static Verifier dangerously_allowing_published_test_keys(const std::string& product_code,
                                                             const std::vector<Key>& keys) {
        return Verifier(product_code, keys,
                        ruj_verifier_new_dangerously_allowing_published_test_keys);
    }

    // Verifies the Signature of a RegisterUsage response for the call that sent
    // key_version and nonce; throws TokenRejected if it must not be trusted, UsageError if
    // the token or nonce holds a NUL byte or this Verifier was moved from.
    Registration verify(const std::string& token, std::uint32_t key_version,
                        const std::string& nonce) const {
        if (!handle_)
            throw UsageError(RUJ_NULL_ARGUMENT, "null_argument",
                             "this Verifier was moved from and holds no verifier; verify with "
                             "the Verifier it was moved to");
        detail::refuse_embedded_nul(token, "token");
        detail::refuse_embedded_nul(nonce, "nonce");
        ruj_error error;
        ruj_registration* registration = nullptr;
        ruj_status status = ruj_verifier_verify(handle_.get(), token.c_str(), key_version,
                                                nonce.c_str(), &registration, &error);
        detail::check(status, error);
        return Registration(registration);
    }

    // False once moved from.
    explicit operator bool() const noexcept { return handle_ != nullptr; }

 private:
    using New = ruj_status (*)(const char*, const ruj_key*, size_t, ruj_verifier**, ruj_error*);

    Verifier(const std::string& product_code, const std::vector<Key>& keys, New make) {
        detail::refuse_embedded_nul(product_code, "product_code");
        std::vector<ruj_key> c_keys;
        c_keys.reserve(keys.size());
        for (const Key& key : keys)
            c_keys.push_back(ruj_key{key.version,
                                     reinterpret_cast<const std::uint8_t*>(key.pem_or_der.data()),
                                     key.pem_or_der.size()});
        ruj_error error;
        ruj_verifier* verifier = nullptr;
        ruj_status status =
            make(product_code.c_str(), c_keys.data(), c_keys.size(), &verifier, &error);
        detail::check(status, error);
        handle_.reset(verifier);
    }

    std::unique_ptr<ruj_verifier, detail::FreeVerifier> handle_;
};

// A fresh random nonce for one RegisterUsage call.
inline std::string random_nonce() {
    char buffer[RUJ_RANDOM_NONCE_SIZE];
    ruj_error error;
    detail::check(ruj_random_nonce(buffer, sizeof buffer, &error), error);
    return std::string(buffer);
}

}  // namespace register_usage_jwt

#endif  // REGISTER_USAGE_JWT_HPP
