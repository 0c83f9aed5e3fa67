//! One deadline for the whole start-up check, kept by a watchdog thread.
//!
//! The deadline cannot be an async timeout alone: the AWS SDK reads its configuration files
//! with blocking `std::fs` calls on the runtime's own thread, so a read that never ends (a
//! FIFO swapped in after this program checked the file) would also stop the timer. A plain
//! thread sleeps beside the check instead, says what the check is waiting for every
//! [`STILL_WAITING_EVERY`], and when the deadline passes prints why and ends the process with
//! exit status 1, whatever the check's thread is stuck in.

use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use aws_sdk_marketplacemetering::config::interceptors::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_sdk_marketplacemetering::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_marketplacemetering::error::BoxError;

/// How often the watchdog says what the check is still waiting for (on stderr).
pub const STILL_WAITING_EVERY: Duration = Duration::from_secs(5);

/// What the start-up check is doing: named in the "still waiting" lines and in the refusal
/// when the deadline passes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Phase {
    /// Reading a file the AWS SDK would read, named by an environment variable (or its
    /// default path).
    ReadingFile {
        /// The environment variable that names the file (its default path if unset).
        variable: &'static str,
        /// The file.
        path: PathBuf,
    },
    /// Reading the TLS root certificates (`SSL_CERT_FILE`, `SSL_CERT_DIR` or the system's).
    LoadingRootCertificates,
    /// The AWS SDK's configuration loading: region, credential providers, endpoint settings.
    LoadingAwsConfiguration,
    /// Resolving credentials and the endpoint before an attempt (instance metadata, web
    /// identity, container credentials).
    PreparingRegisterUsage {
        /// The attempt about to be sent, from 1.
        attempt: u32,
    },
    /// A RegisterUsage request is on its way or awaiting its answer.
    WaitingForRegisterUsage {
        /// Where it was sent.
        endpoint: String,
        /// Which attempt, from 1.
        attempt: u32,
    },
    /// Waiting before a retry of RegisterUsage (the SDK's back-off).
    BackingOff {
        /// The attempt that failed, from 1.
        attempt: u32,
    },
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let max = crate::retry::MAX_ATTEMPTS;
        match self {
            Self::ReadingFile { variable, path } => {
                write!(f, "reading {variable} ({})", path.display())
            }
            Self::LoadingRootCertificates => f.write_str(
                "loading the TLS root certificates (SSL_CERT_FILE, SSL_CERT_DIR or the system's)",
            ),
            Self::LoadingAwsConfiguration => f.write_str(
                "loading the AWS configuration (region, credential providers, endpoint settings)",
            ),
            Self::PreparingRegisterUsage { attempt } => write!(
                f,
                "resolving AWS credentials for RegisterUsage (attempt {attempt} of {max})"
            ),
            Self::WaitingForRegisterUsage { endpoint, attempt } => write!(
                f,
                "waiting for RegisterUsage at {endpoint} (attempt {attempt} of {max})"
            ),
            Self::BackingOff { attempt } => write!(
                f,
                "waiting to retry RegisterUsage after attempt {attempt} of {max} failed"
            ),
        }
    }
}

impl Phase {
    /// What a seller or operator can do about a check stuck in this phase.
    fn hint(&self) -> &'static str {
        match self {
            Self::ReadingFile { .. } => {
                "The file did not finish reading: make it a small regular file, or unset the variable."
            }
            Self::LoadingRootCertificates => {
                "Make SSL_CERT_FILE / SSL_CERT_DIR name readable certificate files, or unset them."
            }
            Self::LoadingAwsConfiguration | Self::PreparingRegisterUsage { .. } => {
                "Check the region and credential settings (AWS_REGION, AWS_PROFILE, the instance or \
                 container credentials endpoint)."
            }
            Self::WaitingForRegisterUsage { .. } | Self::BackingOff { .. } => {
                "Check that the container can reach the AWS Marketplace Metering endpoint."
            }
        }
    }
}

struct State {
    phase: Phase,
    finished: bool,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while holding the lock; if something did, the state is still a
        // plain value worth reading.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The running deadline. Dropping it (the check finished, either way) disarms the watchdog.
pub(crate) struct Watchdog {
    shared: Arc<Shared>,
}

impl Watchdog {
    /// Starts the watchdog: after `deadline` it ends the process unless dropped first.
    ///
    /// # Errors
    /// When the thread cannot be started (the system is out of threads): the message says so.
    pub(crate) fn start(deadline: Duration, first: Phase) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                phase: first,
                finished: false,
            }),
            wake: Condvar::new(),
        });
        let watched = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("register-usage-deadline".to_owned())
            .spawn(move || watch(&watched, deadline))?;
        Ok(Self { shared })
    }

    /// Records what the check is doing now.
    pub(crate) fn set(&self, phase: Phase) {
        self.shared.lock().phase = phase;
    }

    /// An SDK interceptor that records each RegisterUsage attempt's phase.
    pub(crate) fn interceptor(&self) -> Progress {
        Progress {
            shared: Arc::clone(&self.shared),
            attempts: AtomicU32::new(0),
        }
    }
}

/// Records, from inside the SDK's request pipeline, which attempt is being prepared, sent or
/// backed off from, and where it was sent.
pub(crate) struct Progress {
    shared: Arc<Shared>,
    attempts: AtomicU32,
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Progress")
    }
}

impl Progress {
    fn set(&self, phase: Phase) {
        self.shared.lock().phase = phase;
    }

    fn attempt(&self) -> u32 {
        self.attempts.load(Ordering::Relaxed)
    }
}

impl Intercept for Progress {
    fn name(&self) -> &'static str {
        "register-usage start-up deadline progress"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let attempt = self
            .attempts
            .fetch_add(1, Ordering::Relaxed)
            .saturating_add(1);
        self.set(Phase::PreparingRegisterUsage { attempt });
        Ok(())
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // The URI without its query: where the request goes, without the signature.
        let uri = context.request().uri();
        let endpoint = uri
            .split('?')
            .next()
            .unwrap_or(uri)
            .escape_debug()
            .to_string();
        self.set(Phase::WaitingForRegisterUsage {
            endpoint,
            attempt: self.attempt(),
        });
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(Err(_)) = context.output_or_error() {
            self.set(Phase::BackingOff {
                attempt: self.attempt(),
            });
        }
        Ok(())
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        // Blocks while the watchdog is ending the process (it holds the lock), so a check
        // that finishes at the last moment cannot report success after the refusal.
        self.shared.lock().finished = true;
        self.shared.wake.notify_all();
    }
}

fn watch(shared: &Shared, deadline: Duration) {
    let start = Instant::now();
    let mut next_report = STILL_WAITING_EVERY;
    let mut state = shared.lock();
    loop {
        if state.finished {
            return;
        }
        let elapsed = start.elapsed();
        if elapsed >= deadline {
            eprintln!(
                "register-usage: NOT STARTING: the start-up check did not finish within its \
                 deadline of {} s: it was still {}. {}",
                deadline.as_secs_f64(),
                state.phase,
                state.phase.hint()
            );
            // Still holding the lock: the check's thread cannot finish and print `entitled`.
            std::process::exit(1);
        }
        if elapsed >= next_report {
            eprintln!(
                "register-usage: still {}: {} s of the {} s start-up deadline",
                state.phase,
                elapsed.as_secs(),
                deadline.as_secs_f64()
            );
            next_report = next_report.saturating_add(STILL_WAITING_EVERY);
        }
        let wait = next_report.min(deadline).saturating_sub(elapsed);
        state = shared
            .wake
            .wait_timeout(state, wait)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
}
