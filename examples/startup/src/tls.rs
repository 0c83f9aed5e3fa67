//! The HTTPS client, with TLS root certificates this program read itself, bounded.
//!
//! The AWS SDK's default client loads the platform's roots (`SSL_CERT_FILE`, `SSL_CERT_DIR`,
//! else the system's) when it first connects, reads those files without a size limit, and
//! panics when none is usable (`SSL_CERT_FILE=/dev/null`). This program reads the same
//! places, each file a regular file of at most [`MAX_CERT_FILE_BYTES`], keeps the
//! certificates rustls accepts as trust anchors, refuses to start when there are none, and
//! builds the SDK's own rustls client from exactly those. Which roots are trusted does not
//! decide entitlement (the token's signature does); they only have to be usable.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use aws_sdk_marketplacemetering::config::SharedHttpClient;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Builder, ConnectorBuilder};
use base64ct::{Base64, Encoding};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::{NotEntitled, files};

/// The largest certificate file read (4 MiB; a system bundle is about 200 KiB).
pub const MAX_CERT_FILE_BYTES: u64 = 4 << 20;
/// The most certificate bytes read in all, over every file and directory.
pub const MAX_CERT_BYTES: u64 = 32 << 20;
/// The most entries looked at in one certificate directory.
pub const MAX_CERT_DIR_ENTRIES: usize = 10_000;

const CERT_FILE: &str = "SSL_CERT_FILE";
const CERT_DIR: &str = "SSL_CERT_DIR";

/// Where the roots come from: the variables if either is set (as `rustls-native-certs`,
/// the SDK's loader, decides), else the system's locations.
struct Sources {
    file: Option<PathBuf>,
    dirs: Vec<PathBuf>,
    from_environment: bool,
}

impl Sources {
    fn find() -> Self {
        let file = std::env::var_os(CERT_FILE).map(PathBuf::from);
        let dirs: Vec<PathBuf> = std::env::var_os(CERT_DIR)
            .map(|dirs| {
                std::env::split_paths(&dirs)
                    .filter(|dir| !dir.as_os_str().is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if file.is_some() || !dirs.is_empty() {
            return Self {
                file,
                dirs,
                from_environment: true,
            };
        }
        let system = openssl_probe::probe();
        Self {
            file: system.cert_file,
            dirs: system.cert_dir,
            from_environment: false,
        }
    }

    fn describe(&self) -> String {
        if !self.from_environment {
            return "the system's certificate locations (SSL_CERT_FILE and SSL_CERT_DIR are \
                    unset)"
                .to_owned();
        }
        let mut parts = Vec::new();
        if let Some(file) = &self.file {
            parts.push(format!("{CERT_FILE}={}", file.display()));
        }
        if !self.dirs.is_empty() {
            let dirs: Vec<String> = self
                .dirs
                .iter()
                .map(|dir| dir.display().to_string())
                .collect();
            parts.push(format!("{CERT_DIR}={}", dirs.join(":")));
        }
        parts.join(" and ")
    }
}

/// Certificates read so far, and the bytes left to read.
struct Loaded {
    certs: Vec<CertificateDer<'static>>,
    budget: u64,
    seen: HashSet<(u64, u64)>,
}

impl Loaded {
    fn file(&mut self, variable: &'static str, path: &Path) -> Result<(), NotEntitled> {
        let Some(bytes) = files::read(variable, path, MAX_CERT_FILE_BYTES.min(self.budget))? else {
            return Ok(());
        };
        self.budget = self
            .budget
            .saturating_sub(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
        // A malformed block ends this file's certificates (as a decode error would); the
        // ones before it still count.
        for cert in CertificateDer::pem_slice_iter(&bytes) {
            match cert {
                Ok(cert) => self.certs.push(cert),
                Err(_) => break,
            }
        }
        Ok(())
    }

    fn dir(&mut self, dir: &Path) -> Result<(), NotEntitled> {
        // Opening a FIFO or device as a directory fails at once: it never blocks.
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(());
        };
        for entry in entries.take(MAX_CERT_DIR_ENTRIES) {
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            // Only regular files, each once (the system directory links every certificate
            // under several names); FIFOs, devices and subdirectories are skipped unopened.
            let Ok(metadata) = std::fs::metadata(&path) else {
                continue;
            };
            if metadata.is_file() && self.first_visit(&metadata) {
                self.file(CERT_DIR, &path)?;
            }
        }
        Ok(())
    }

    #[cfg(unix)]
    fn first_visit(&mut self, metadata: &std::fs::Metadata) -> bool {
        use std::os::unix::fs::MetadataExt;
        self.seen.insert((metadata.dev(), metadata.ino()))
    }

    #[cfg(not(unix))]
    fn first_visit(&mut self, _metadata: &std::fs::Metadata) -> bool {
        true
    }
}

/// The usable root certificates, as one PEM text.
fn root_certificates() -> Result<String, NotEntitled> {
    let sources = Sources::find();
    let mut loaded = Loaded {
        certs: Vec::new(),
        budget: MAX_CERT_BYTES,
        seen: HashSet::new(),
    };
    if let Some(file) = &sources.file {
        if let Ok(metadata) = std::fs::metadata(file) {
            loaded.first_visit(&metadata);
        }
        loaded.file(CERT_FILE, file)?;
    }
    for dir in &sources.dirs {
        loaded.dir(dir)?;
    }
    loaded
        .certs
        .sort_unstable_by(|a, b| a.as_ref().cmp(b.as_ref()));
    loaded.certs.dedup();

    // Exactly the test the SDK applies later (it panics if one fails): rustls must accept
    // each as a trust anchor.
    let mut store = rustls::RootCertStore::empty();
    let mut pem = String::new();
    for cert in loaded.certs {
        if store.add(cert.clone()).is_ok() {
            pem.push_str("-----BEGIN CERTIFICATE-----\n");
            let base64 = Base64::encode_string(&cert);
            for line in base64.as_bytes().chunks(64) {
                pem.push_str(&String::from_utf8_lossy(line));
                pem.push('\n');
            }
            pem.push_str("-----END CERTIFICATE-----\n");
        }
    }
    if store.is_empty() {
        return Err(NotEntitled::Environment(format!(
            "no usable TLS root certificate in {}: point {CERT_FILE} at a PEM bundle of CA \
             certificates, or unset {CERT_FILE} and {CERT_DIR} to use the system's",
            sources.describe()
        )));
    }
    Ok(pem)
}

/// The SDK's default HTTPS client (rustls with aws-lc, the proxy settings from the
/// environment), trusting the roots read above.
pub(crate) fn https_client() -> Result<SharedHttpClient, NotEntitled> {
    let context = TlsContext::builder()
        .with_trust_store(TrustStore::empty().with_pem_certificate(root_certificates()?))
        .build()
        .map_err(|error| NotEntitled::Environment(format!("TLS set-up failed: {error}")))?;
    // The constructor the SDK's own default client uses (aws-smithy-runtime's
    // `default_https_client`), with the same settings and this trust store.
    Ok(
        Builder::new().build_with_connector_fn(move |settings, components| {
            let mut connector = ConnectorBuilder::default()
                .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
                .tls_context(context.clone());
            connector.set_connector_settings(settings.cloned());
            if let Some(components) = components {
                connector.set_sleep_impl(components.sleep_impl());
            }
            connector.set_proxy_config(Some(ProxyConfig::from_env()));
            connector.build()
        }),
    )
}
