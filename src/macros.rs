//! The compile-time key embedding of `register-usage-jwt-macros`, under this crate's name.
//!
//! The procedural macros cannot name this crate themselves: a seller may rename the
//! dependency (`rujwt = { package = "register-usage-jwt", ... }`). These wrappers pass
//! `$crate`, which always names this crate, and the procedural macros emit their paths under
//! it.

/// Embeds the product key in the file at the given path, checked at compile time; expands
/// to a `const` expression of type [`EmbeddedKey`](crate::EmbeddedKey).
///
/// The key file is read while your crate compiles, with the checks of
/// [`PublicKey::from_pem`](crate::PublicKey::from_pem) under
/// [`KeyPolicy::Production`](crate::KeyPolicy::Production): a malformed key, a key under
/// 2048 bits, the AWS documentation's sample key or one of this crate's published test keys
/// **fails the build**, with `register-usage-jwt: <path>: <what is wrong> (code <code>)`
/// pointing at the path. Your binary then carries the key's DER, prepared (its Montgomery
/// constants computed at compile time), and cannot start with a wrong key file.
///
/// ```
/// use register_usage_jwt::{EmbeddedKey, PublicKey, Verifier};
///
/// // The path is relative to the directory of *your* crate's Cargo.toml (or absolute).
/// const PRODUCT_KEY_V1: EmbeddedKey = register_usage_jwt::embed_product_key!(
///     "keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
/// );
///
/// # fn main() -> Result<(), register_usage_jwt::ConfigError> {
/// // Once, at start-up: this cannot fail, because the macro ran the same checks with the
/// // same version of this crate.
/// let key = PublicKey::from_embedded(PRODUCT_KEY_V1)?;
/// assert_eq!(key.bits(), 3072);
/// let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
/// # let _ = verifier;
/// # Ok(())
/// # }
/// ```
///
/// One of this crate's test keys fails the build:
///
/// ```compile_fail
/// // Its private half is published in register-usage-jwt's repository.
/// const KEY: register_usage_jwt::EmbeddedKey =
///     register_usage_jwt::embed_product_key!("keys/test-only-rsa2048.pub.pem");
/// # fn main() {}
/// ```
///
/// The file may be PEM (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`) exactly as AWS
/// Marketplace gave it, or DER; Cargo rebuilds your crate when it changes. The expansion is
/// a `const` expression holding the DER bytes and the prepared key, so a `no_std` binary can
/// use it, and [`PublicKey::from_embedded`](crate::PublicKey::from_embedded) does no parsing,
/// hashing or division at start-up.
#[macro_export]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
macro_rules! embed_product_key {
    ($($path:tt)*) => {
        $crate::__macros::embed_product_key!(@crate $crate; $($path)*)
    };
}

/// **TESTS AND DEMOS ONLY.** Embeds a key like [`embed_product_key!`], but also accepts this
/// crate's own test keys (the `keys/` directory of `register-usage-jwt`), **whose private
/// keys are published**: anyone can mint tokens that such a key accepts.
///
/// Never use this macro for a key a shipped product trusts. The AWS documentation's sample
/// key, weak keys and malformed keys are still refused.
///
/// To keep the opt-in visible where the key is used as well, it does **not** make an
/// [`EmbeddedKey`](crate::EmbeddedKey): it expands to the key's DER as a `&'static [u8]`
/// `const` expression, which you load with
/// [`KeyPolicy::DangerouslyAllowPublishedTestKeys`](crate::KeyPolicy::DangerouslyAllowPublishedTestKeys):
///
/// ```
/// use register_usage_jwt::{KeyPolicy, PublicKey};
///
/// // TEST ONLY: the private half of this key is in register-usage-jwt's repository.
/// const TEST_KEY_DER: &[u8] =
///     register_usage_jwt::embed_test_key!("keys/test-only-rsa3072.pub.pem");
///
/// # fn main() -> Result<(), register_usage_jwt::ConfigError> {
/// let key = PublicKey::from_der_with_policy(
///     TEST_KEY_DER,
///     KeyPolicy::DangerouslyAllowPublishedTestKeys,
/// )?;
/// assert_eq!(key.bits(), 3072);
/// # Ok(())
/// # }
/// ```
#[macro_export]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
macro_rules! embed_test_key {
    ($($path:tt)*) => {
        $crate::__macros::embed_test_key!(@crate $crate; $($path)*)
    };
}
