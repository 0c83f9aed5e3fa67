//! Keys the production policy refuses must fail the build with the crate's message.
//!
//! Refresh the snapshots with `TRYBUILD=overwrite cargo test -p register-usage-jwt-macros
//! --test compile_fail`, then review the diff of `tests/ui/*.stderr`.
//!
//! What the snapshots hold is the macros' own message and the place it points at; rustc adds
//! only the frame (`error:`, `-->`, the quoted line), which has been stable across releases.
//! They were recorded with rustc 1.95.0 (the toolchain `.ci/run` prints first); if a later
//! rustc changes only that frame, refresh them with that toolchain and check that the
//! messages and the places did not change. (The core's compile-fail test, whose errors are
//! rustc's own, compares error codes and names instead: core/tests/compile_fail.rs.)

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
