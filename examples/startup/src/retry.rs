//! Which RegisterUsage failures are retried, and how often: the AWS SDK's own retry
//! machinery (standard mode: bounded attempts, exponential back-off with jitter, a retry
//! quota), told exactly which of RegisterUsage's documented errors are worth a retry.
//!
//! RegisterUsage documents eight errors. Two are worth retrying: `ThrottlingException`
//! (the seller guide: retry with back-off) and `InternalServiceErrorException` (the API
//! reference: "Retry your request"). The other six (`CustomerNotEntitledException`,
//! `DisabledApiException`, `InvalidProductCodeException`, `InvalidPublicKeyVersionException`,
//! `InvalidRegionException`, `PlatformNotSupportedException`) will not change on a retry and
//! must stop the container at once; so does any other error code a response carries.
//!
//! The SDK's default classifiers already retry throttling codes (`ThrottlingException`
//! among a dozen other names), HTTP 500/502/503/504 and transport failures (no answer:
//! connection refused or reset, timeouts). [`RegisterUsageRetries`] overrides them for every
//! response that carries an error code: the two above are retried, every other code is
//! `RetryForbidden`, which ends classification whatever the other classifiers say. A
//! failure with no error code at all (the network, or a proxy's bare 502) is left to the
//! SDK's defaults, which retry it within the same bound.

use std::time::Duration;

use aws_sdk_marketplacemetering::config::interceptors::InterceptorContext;
use aws_sdk_marketplacemetering::config::retry::{ClassifyRetry, RetryAction, RetryConfig};
use aws_sdk_marketplacemetering::error::ProvideErrorMetadata;
use aws_sdk_marketplacemetering::operation::register_usage::RegisterUsageError;

/// Attempts in all (the first call and up to four retries).
pub const MAX_ATTEMPTS: u32 = 5;
/// The first back-off; each retry waits a random time up to this doubled per retry
/// (the SDK's "full jitter"), at most [`MAX_BACKOFF`].
pub const INITIAL_BACKOFF: Duration = Duration::from_secs(1);
/// The longest single back-off.
pub const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// The two RegisterUsage errors that are retried.
pub const RETRIED_ERRORS: [&str; 2] = ["ThrottlingException", "InternalServiceErrorException"];

/// The SDK's standard retry mode with this program's bounds.
pub fn config() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(INITIAL_BACKOFF)
        .with_max_backoff(MAX_BACKOFF)
}

/// Retries `ThrottlingException` and `InternalServiceErrorException`; forbids a retry for
/// every other error code.
#[derive(Debug, Default)]
pub struct RegisterUsageRetries;

impl ClassifyRetry for RegisterUsageRetries {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(Err(error)) = ctx.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        let code = error
            .as_operation_error()
            .and_then(|error| error.downcast_ref::<RegisterUsageError>())
            .and_then(ProvideErrorMetadata::code);
        match code {
            Some("ThrottlingException") => RetryAction::throttling_error(),
            Some("InternalServiceErrorException") => RetryAction::server_error(),
            Some(_) => RetryAction::RetryForbidden,
            // No error code: a transport failure or an answer that is not AWS's; the SDK's
            // defaults decide, within the same attempt bound.
            None => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "RegisterUsage: retry ThrottlingException and InternalServiceErrorException only"
    }
}
