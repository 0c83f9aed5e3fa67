//! Through the renamed dependency, a refused key or a wrong argument fails the build with
//! the macros' message, pointing at the seller's tokens (not into `rujwt`'s `macro_rules!`).
//!
//! Refresh the snapshots with `TRYBUILD=overwrite cargo test -p
//! register-usage-jwt-renamed-dependency-check --test compile_fail`, then review the diff.
//! (The cases do not depend on the directory trybuild compiles them in: a missing file is
//! missing from there too.)
//! Recorded with rustc 1.95.0; what they prove and how to refresh them after a rustc that
//! changes only its frame: macros/tests/compile_fail.rs.

#[test]
fn errors_point_at_the_sellers_tokens() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
