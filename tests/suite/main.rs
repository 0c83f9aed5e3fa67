//! The core's repository test suite, one binary: vectors (Wycheproof, peer libraries'
//! tokens), differential and property tests against `rsa`, named rejections, hardening and
//! key handling.
//!
//! It mints tokens with the private TEST ONLY keys in `keys/` and calls the `fuzzing`
//! entry points, through the unpublished `register-usage-jwt-test-support` crate, which
//! switches the core's `fuzzing` feature on. A packaged `.crate` ships neither the private
//! keys nor that crate, nor this suite; its other tests (`interop`, `allocations`, unit tests
//! and doctests) run from the package (`scripts/package-check.sh`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use register_usage_jwt_test_support as common;

mod conformance;
mod differential;
mod hardening;
mod jwt_vectors;
mod key_forms;
mod keys;
mod odd_modulus_sizes;
mod properties;
mod rejections;
mod wycheproof;
