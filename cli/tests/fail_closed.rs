//! Issue 22, the tool's part: `key …` fails closed around hostile input. A catalog answer
//! that names files outside `--out`, carries terminal escapes or never comes; a key file
//! that differs from the catalog's key in its exponent only; a key file larger than the tool
//! reads. Each case prints one line, `reliability: tool<TAB><case><TAB><outcome>`, for the
//! README's reliability figure (`cargo test … -- --nocapture`).

mod common;

use std::path::PathBuf;

use common::{Output, run_with_local_aws_credentials as run};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

fn key_text(name: &str) -> String {
    std::fs::read_to_string(repo(name)).unwrap()
}

impl Output {
    /// `refused exit N: <first line>` (stderr's first line, else stdout's), for the figure.
    fn refusal(&self) -> String {
        let first = self
            .stderr
            .lines()
            .chain(self.stdout.lines())
            .find(|l| !l.starts_with("WARNING") && !l.starts_with("note"))
            .unwrap_or_default();
        format!("refused exit {}: {first}", self.code)
    }

    /// Neither stream carries a control character other than the line feeds between lines.
    #[cfg(feature = "catalog")]
    fn assert_no_controls(&self) {
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            let bad = text.chars().find(|c| c.is_control() && *c != '\n');
            assert_eq!(bad, None, "{name} carries a control character: {text:?}");
        }
    }
}

fn reliability(case: &str, outcome: &str) {
    println!("reliability: tool\t{case}\t{outcome}");
}

/// A fresh, empty directory for one case.
fn scratch(case: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ruj-fail-closed-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file and link under `root`, relative to it, sorted.
#[cfg(feature = "catalog")]
fn tree(root: &std::path::Path) -> Vec<String> {
    fn walk(root: &std::path::Path, dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let kind = std::fs::symlink_metadata(&path).unwrap().file_type();
            if kind.is_dir() {
                walk(root, &path, found);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                found.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    let mut found = Vec::new();
    walk(root, root, &mut found);
    found.sort();
    found
}

// ---- Key files (no network) ----

/// Key A, padding, key B: the library and the macro read the whole file and find two keys.
/// The tool once read the first MiB only and accepted key A.
#[test]
fn a_key_file_is_judged_whole_or_refused() {
    let dir = scratch("padded-key");
    let real = key_text("keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem");
    let other = key_text("keys/test-only-rsa2048.pub.pem");
    let write = |name: &str, padding: usize| {
        let path = dir.join(name);
        std::fs::write(&path, format!("{real}{}{other}", " ".repeat(padding))).unwrap();
        path
    };

    let big = write("big.pem", 1 << 20);
    let big_s = big.to_str().unwrap();
    let out = run(&["key", "inspect", "--json", big_s]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    let value: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(value["error"]["code"], "unreadable_key");
    let message = value["error"]["message"].as_str().unwrap();
    assert!(message.contains("larger than 1048576 bytes"), "{message}");
    reliability(
        "key inspect: key A, 1 MiB padding, key B",
        &format!("refused exit {}: {message}", out.code),
    );

    // `verify` loads keys through the same reader.
    let out = run(&[
        "verify",
        "--product-code",
        "1fszvu527waovqeuhpkyx2b5d",
        "--public-key",
        big_s,
        "--no-nonce",
        "x.y.z",
    ]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("larger than"), "{}", out.stderr);
    reliability(
        "verify --public-key: key A, 1 MiB padding, key B",
        &out.refusal(),
    );

    // The same two keys in a file the tool reads whole: refused as the library refuses it.
    let small = write("small.pem", 1000);
    let out = run(&["key", "inspect", "--json", small.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("invalid_key"), "{}", out.stdout);
    reliability(
        "key inspect: key A, padding, key B in 1 MiB",
        &out.refusal(),
    );

    // The genuine key alone is unchanged.
    let alone = write("alone.pem", 0);
    std::fs::write(&alone, &real).unwrap();
    assert_eq!(run(&["key", "inspect", alone.to_str().unwrap()]).code, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- The Catalog API (feature `catalog`) ----

#[cfg(feature = "catalog")]
mod catalog {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::path::Path;
    use std::time::{Duration, Instant};

    use serde_json::{Value, json};

    use super::*;

    /// Reads one HTTP request's head.
    fn read_head(stream: &mut TcpStream) {
        let mut request = Vec::new();
        let mut chunk = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => request.extend_from_slice(&chunk[..n]),
            }
        }
    }

    /// A DescribeEntity that answers every request with `status` and `body`.
    fn serve(status: &'static str, extra_headers: &'static str, body: String) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                read_head(&mut stream);
                let response = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra_headers}\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes());
            }
        });
        url
    }

    /// A DescribeEntity whose Details are `details`.
    fn serve_details(details: &Value) -> String {
        let body = json!({
            "EntityType": "ContainerProduct@1.0",
            "EntityIdentifier": "prod-stub@1",
            "Details": details.to_string(),
        });
        serve("200 OK", "", body.to_string())
    }

    /// Details listing the 3072-bit test key as version 1, with `extra` members.
    fn details_with(extra: &[(&str, &str)], status: &str) -> Value {
        let mut details = json!({
            "SignatureVerificationKeys": [{
                "PublicKey": key_text("keys/test-only-rsa3072.pub.pem"),
                "PublicKeyVersion": 1,
                "Status": status,
            }],
        });
        for (name, value) in extra {
            details[*name] = json!(value);
        }
        details
    }

    fn fetch(url: &str, out: &Path, extra: &[&str]) -> Output {
        let mut args = vec![
            "key",
            "fetch",
            "--product-id",
            "prod-stub",
            "--insecure-allow-published-test-keys",
            "--endpoint-url",
            url,
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        run(&args)
    }

    fn check(url: &str, dir: &Path, extra: &[&str]) -> Output {
        let mut args = vec![
            "key",
            "check",
            "--product-id",
            "prod-stub",
            "--insecure-allow-published-test-keys",
            "--endpoint-url",
            url,
        ];
        args.extend_from_slice(extra);
        args.push(dir.to_str().unwrap());
        run(&args)
    }

    /// Files named from a product code stay inside `--out`, one plain name each, whether the
    /// code comes from the catalog or the command line.
    #[test]
    fn key_files_stay_inside_out_whatever_the_product_code() {
        let absolute = std::env::temp_dir()
            .join(format!("ruj-fail-closed-{}-absolute", std::process::id()))
            .to_string_lossy()
            .into_owned();
        let long = "a".repeat(255);
        let cases: [(&str, &str, &str); 7] = [
            (
                "traversal",
                "x/../../escaped",
                "product-x_.._.._escaped-v1.pem",
            ),
            ("dot", ".", "product-.-v1.pem"),
            ("dotdot", "..", "product-..-v1.pem"),
            ("absolute", &absolute, ""),
            ("windows stream", "a:b", "product-a_b-v1.pem"),
            // Not a product code at all: the catalog's is ignored (files named by the id).
            (
                "control characters",
                "a\u{1b}[2J\rb",
                "product-prod-stub-v1.pem",
            ),
            ("long", &long, ""),
        ];
        for (case, code, expected) in cases {
            for source in ["catalog ProductCode", "--product-code"] {
                let root = scratch(&format!(
                    "names-{}-{}",
                    case.replace(' ', "_"),
                    source.len()
                ));
                let out_dir = root.join("out");
                let from_catalog = source.starts_with("catalog");
                let extra: &[(&str, &str)] = if from_catalog {
                    &[("ProductCode", code)]
                } else {
                    &[]
                };
                let url = serve_details(&details_with(extra, "Active"));
                let args: &[&str] = if from_catalog {
                    &[]
                } else {
                    &["--product-code", code]
                };
                let out = fetch(&url, &out_dir, args);
                out.assert_no_controls();
                let files = tree(&root);
                let name = format!("{case} ({source})");
                if !from_catalog && code.chars().any(char::is_control) {
                    // Typed by the user: refused, and nothing is written.
                    assert_eq!(out.code, 2, "{name}: {}{}", out.stdout, out.stderr);
                    assert!(out.stderr.contains("not a product code"), "{}", out.stderr);
                    assert!(files.is_empty(), "{name}: {files:?}");
                    reliability(&format!("key fetch: product code {name}"), &out.refusal());
                    let _ = std::fs::remove_dir_all(&root);
                    continue;
                }
                assert_eq!(out.code, 0, "{name}: {}{}", out.stdout, out.stderr);
                assert_eq!(files.len(), 1, "{name}: {files:?}");
                let file = Path::new(&files[0]);
                assert_eq!(file.parent(), Some(Path::new("out")), "{name}: {files:?}");
                let file_name = file.file_name().unwrap().to_str().unwrap();
                assert!(
                    file_name.starts_with("product-") && file_name.ends_with("-v1.pem"),
                    "{name}: {file_name}"
                );
                assert!(file_name.len() <= 255, "{name}: {file_name}");
                if !expected.is_empty() {
                    assert_eq!(file_name, expected, "{name}");
                }
                assert!(!Path::new(&absolute).exists(), "{name}");
                reliability(
                    &format!("key fetch: product code {name}"),
                    &format!("written only out/{file_name}"),
                );
                let _ = std::fs::remove_dir_all(&root);
            }
        }
    }

    /// A link left under the file's name is not written through.
    #[test]
    fn key_fetch_does_not_write_through_a_link() {
        let root = scratch("dangling-link");
        let out_dir = root.join("out");
        std::fs::create_dir_all(&out_dir).unwrap();
        let target = root.join("outside.pem");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&target, out_dir.join("product-prod-stub-v1.pem")).unwrap();
        #[cfg(not(unix))]
        return;
        let url = serve_details(&details_with(&[], "Active"));
        let out = fetch(&url, &out_dir, &[]);
        assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
        assert!(
            out.stdout.contains("refusing to write through"),
            "{}",
            out.stdout
        );
        assert!(!target.exists());
        reliability(
            "key fetch: dangling link under the file's name",
            &out.refusal(),
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    /// An endpoint that accepts the connection and never answers ends the command, promptly
    /// and saying why.
    #[test]
    fn a_silent_endpoint_times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            // Hold every connection open, silent.
            let mut held = Vec::new();
            for stream in listener.incoming() {
                held.push(stream);
            }
        });
        let root = scratch("silent");
        for command in ["fetch", "check"] {
            let started = Instant::now();
            let out = if command == "fetch" {
                fetch(&url, &root, &["--timeout", "2"])
            } else {
                check(&url, &root, &["--timeout", "2"])
            };
            let took = started.elapsed();
            assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
            assert!(
                took < Duration::from_secs(20),
                "key {command} took {took:?}"
            );
            assert!(out.stderr.contains("timed out"), "{}", out.stderr);
            assert!(out.stderr.contains("--timeout"), "{}", out.stderr);
            reliability(
                &format!("key {command}: endpoint accepts and never answers"),
                &format!("{} after {:.1} s", out.refusal(), took.as_secs_f64()),
            );
        }
        assert!(tree(&root).is_empty());
        let _ = std::fs::remove_dir_all(&root);
    }

    /// The test key with its exponent 65537 made 65539: same modulus, another key.
    fn same_modulus_other_exponent() -> String {
        use base64ct::{Base64, Encoding};
        let body: String = key_text("keys/test-only-rsa3072.pub.pem")
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let mut der = Base64::decode_vec(&body).unwrap();
        let tail = der.len() - 5;
        assert_eq!(der[tail..], [0x02, 0x03, 0x01, 0x00, 0x01]);
        der[tail + 4] = 0x03;
        Base64::encode_string(&der)
    }

    #[test]
    fn a_key_with_the_same_modulus_and_another_exponent_is_different() {
        let dir = scratch("exponent");
        let path = dir.join("product-prod-stub-v1.pem");
        let other = same_modulus_other_exponent();
        std::fs::write(&path, &other).unwrap();
        let url = serve_details(&details_with(&[], "Active"));

        let out = check(&url, &dir, &[]);
        assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
        assert!(
            out.stdout.contains("v1 (Active): DIFFERENT"),
            "{}",
            out.stdout
        );
        assert!(out.stdout.contains("with exponent 65539"), "{}", out.stdout);
        reliability(
            "key check: local key, same modulus, exponent 65539",
            &format!(
                "refused exit {}: {}",
                out.code,
                out.stdout.lines().next().unwrap_or_default()
            ),
        );

        let out = fetch(&url, &dir, &[]);
        assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
        assert!(
            out.stdout.contains("refusing to overwrite"),
            "{}",
            out.stdout
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), other);
        reliability(
            "key fetch: local key, same modulus, exponent 65539",
            &format!(
                "refused exit {}: {}",
                out.code,
                out.stdout.lines().next().unwrap_or_default()
            ),
        );

        // The catalog's own key: fetched unchanged, checked ok.
        std::fs::remove_file(&path).unwrap();
        assert_eq!(fetch(&url, &dir, &[]).code, 0);
        assert_eq!(check(&url, &dir, &[]).code, 0);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Terminal escapes and carriage returns from the catalog reach neither the terminal nor
    /// a file name.
    #[test]
    fn catalog_text_is_printed_escaped() {
        let escapes = "\u{1b}]0;owned\u{7}\u{1b}[2J\r\u{9b}1A\u{202e}";
        let root = scratch("escapes");
        let url = serve_details(&details_with(
            &[("ProductCode", &format!("code{escapes}"))],
            &format!("Active{escapes}"),
        ));
        let out = fetch(&url, &root, &[]);
        out.assert_no_controls();
        assert!(!out.stdout.contains('\u{202e}'), "{}", out.stdout);
        assert!(
            out.stdout.contains("Active\\u{1b}]0;owned"),
            "{}",
            out.stdout
        );
        assert!(out.stderr.contains("\\u{1b}"), "{}", out.stderr);
        assert_eq!(tree(&root), ["product-prod-stub-v1.pem"]);
        reliability(
            "key fetch: escapes in ProductCode and Status",
            &format!(
                "exit {}, escaped: {}",
                out.code,
                out.stdout.lines().next().unwrap_or_default()
            ),
        );
        let out = check(&url, &root, &[]);
        out.assert_no_controls();
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        reliability(
            "key check: escapes in ProductCode and Status",
            &format!(
                "exit {}, escaped: {}",
                out.code,
                out.stdout.lines().next().unwrap_or_default()
            ),
        );

        // An API error whose message carries escapes.
        let body = json!({"Message": format!("no such entity{escapes}")}).to_string();
        let url = serve(
            "404 Not Found",
            "x-amzn-ErrorType: ResourceNotFoundException\r\n",
            body,
        );
        let out = fetch(&url, &root, &[]);
        assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
        out.assert_no_controls();
        assert!(!out.stderr.contains('\u{202e}'), "{}", out.stderr);
        reliability("key fetch: escapes in an API error", &out.refusal());
        let _ = std::fs::remove_dir_all(&root);
    }
}
