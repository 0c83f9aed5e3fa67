//! The paid program. Its own `main` runs the start-up check in this process, then the work:
//! there is no command that starts the work without the check (see the library's
//! documentation for why a separate entrypoint or sidecar would not do).
//!
//! Exit codes: 0 entitled (and the work done); 1 not entitled or the check failed.

mod product;

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    // First thing, in this process.
    let entitled = match product::verifier() {
        Ok(verifier) => register_usage_startup_example::entitle(&verifier).await,
        Err(why) => Err(why),
    };
    match entitled {
        Ok(registration) => {
            println!("entitled");
            eprintln!(
                "register-usage: entitled: product {}, key version {}",
                registration.product_code(),
                registration.key_version()
            );
        }
        Err(why) => {
            eprintln!("register-usage: NOT STARTING: {why}");
            // Now, without waiting for the runtime's blocking threads (a DNS lookup the
            // SDK gave up on) as returning from `main` would.
            std::process::exit(1)
        }
    }
    do_the_paid_work()
}

/// Stands for the product itself.
fn do_the_paid_work() -> ExitCode {
    println!("working");
    ExitCode::SUCCESS
}
