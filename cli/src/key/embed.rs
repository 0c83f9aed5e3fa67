//! The Rust a seller pastes to embed key files.

/// The Rust that embeds these key versions, for the seller to paste.
pub fn embed_lines(product_code: Option<&str>, keys: &[(u32, String)]) -> Vec<String> {
    let code = product_code.unwrap_or("YOUR_PRODUCT_CODE");
    let mut lines = vec![
        "// Cargo.toml: register-usage-jwt = { version = \"0.1\", features = [\"macros\"] }; the \
         path is relative to the directory of your crate's Cargo.toml."
            .to_owned(),
    ];
    for (version, path) in keys {
        lines.push(format!(
            "const PRODUCT_KEY_V{version}: register_usage_jwt::EmbeddedKey ="
        ));
        lines.push(format!(
            "    register_usage_jwt::embed_product_key!({path:?});"
        ));
    }
    lines.push("let verifier = register_usage_jwt::Verifier::new(".to_owned());
    lines.push(format!("    {code:?},"));
    lines.push("    [".to_owned());
    for (version, _) in keys {
        lines.push(format!(
            "        ({version}, register_usage_jwt::PublicKey::from_embedded(PRODUCT_KEY_V{version})?),"
        ));
    }
    lines.push("    ],".to_owned());
    lines.push(")?;".to_owned());
    lines
}
