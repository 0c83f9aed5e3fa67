//! Shared pieces of the fuzz targets: the test keys, the fixed verifier, the reference
//! signer (with test-support's deterministic RNG), reference models of the header and
//! claims rules (verdicts, and the values a registration must report), a structured JSON
//! generator, and a generator of RegisterUsage tokens in every tolerated spelling.
//!
//! Everything here is test code: it panics freely.

mod fixture; // the test keys, the fixed verifier, the reference signer and verifier
mod model; // reference models of the header and claims rules
mod structured; // the structured JSON generator
mod tolerant; // RegisterUsage tokens in every tolerated spelling

pub use fixture::*;
pub use model::*;
pub use structured::*;
pub use tolerant::*;
