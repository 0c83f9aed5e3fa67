//! `register-usage-jwt key`: product keys, from AWS Marketplace to the seller's binary.
//!
//! `key inspect` ([`inspect`]) judges a key file; `key fetch` ([`fetch`]) and `key check`
//! ([`check`]) ask the Marketplace Catalog API through its client ([`catalog`], feature
//! `catalog`). They share what a key is ([`details`]), the files the tool names and writes
//! ([`files`]) and the lines that embed a key ([`embed`]). Each command gathers, judges and
//! renders in separate steps; no module here imports this one.

use clap::Subcommand;

mod catalog;
#[cfg(feature = "catalog")]
mod check;
mod details;
mod embed;
#[cfg(feature = "catalog")]
mod fetch;
mod files;
mod inspect;

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Read a product key in any form (PEM at any width or on one line, PEM with literal \n
    /// escapes, bare base64 or base64url DER, DER) and show its parameters, the verdict of
    /// the production key policy, and the lines that embed it.
    Inspect(inspect::InspectArgs),
    /// Fetch every key version of a product from the Marketplace Catalog API
    /// (DescribeEntity) and write each as canonical PEM, `product-<code>-v<N>.pem`.
    /// [feature `catalog`]
    Fetch(catalog::FetchArgs),
    /// For CI: fail when the Marketplace Catalog API lists a key version that DIR lacks, or
    /// a different key under a version DIR holds. [feature `catalog`]
    Check(catalog::CheckArgs),
}

pub fn run(command: KeyCommand) -> u8 {
    match command {
        KeyCommand::Inspect(args) => inspect::run(&args),
        #[cfg(feature = "catalog")]
        KeyCommand::Fetch(args) => fetch::run(&args),
        #[cfg(feature = "catalog")]
        KeyCommand::Check(args) => check::run(&args),
        #[cfg(not(feature = "catalog"))]
        KeyCommand::Fetch(_) | KeyCommand::Check(_) => catalog::not_built(),
    }
}
