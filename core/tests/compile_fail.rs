//! The signature gate is a type: claims are parsed only from a token whose signature has
//! verified, and only the signature check makes such a token.
//!
//! The cases reach the crate's internal token states through the unpublished `fuzzing`
//! feature (this crate's dev-dependency on itself switches it on). Refresh the snapshots with
//! `TRYBUILD=overwrite cargo test -p register-usage-jwt-core --test compile_fail`, then review
//! the diff of `tests/ui/*.stderr`.
#![cfg(feature = "fuzzing")]

#[test]
fn claims_only_from_a_verified_token() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
