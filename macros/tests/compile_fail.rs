//! Keys the production policy refuses must fail the build with the crate's message.
//!
//! Refresh the snapshots with `TRYBUILD=overwrite cargo test -p register-usage-jwt-macros
//! --test compile_fail`, then review the diff of `tests/ui/*.stderr`.

#[test]
fn refused_keys_fail_the_build() {
    // trybuild compiles each case in a crate it generates under target/, so
    // CARGO_MANIFEST_DIR would point there; the macros resolve paths against this
    // directory instead, for trybuild's generated package only.
    //
    // SAFETY: the only test in this binary, set before trybuild starts any thread.
    unsafe {
        std::env::set_var(
            "REGISTER_USAGE_JWT_MACROS_TRYBUILD_MANIFEST_DIR",
            env!("CARGO_MANIFEST_DIR"),
        );
    }
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
