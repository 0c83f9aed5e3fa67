//! Warns, loudly and at compile time, when the TEST ONLY feature is on. Delete this file
//! (and the feature) when you copy the example.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_INSECURE_PUBLISHED_TEST_KEYS").is_some() {
        println!(
            "cargo::warning=INSECURE BUILD: feature `insecure-published-test-keys` makes this \
             program trust register-usage-jwt's published TEST ONLY keys (anyone can sign \
             tokens it accepts). For this repository's tests only; never ship this binary."
        );
    }
}
