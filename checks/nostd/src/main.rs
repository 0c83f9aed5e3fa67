//! A `#![no_std]` program that verifies RegisterUsage tokens with `register-usage-jwt`
//! built without its `std` feature. It links only libc (for `_start`, `write` and the
//! `mem*` functions); the heap is a bump allocator over a static array.
//!
//! Exit status 0 means every case reached its expected verdict.
#![no_std]
#![no_main]

extern crate alloc;

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::panic::PanicInfo;
use core::sync::atomic::{AtomicUsize, Ordering};

use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};

/// TEST ONLY key: its private half is in the repository (see keys/README.md).
const TEST_KEY_PEM: &str = include_str!("../../../keys/test-only-rsa2048.pub.pem");

/// One fixture case from ../tests/fixtures/tokens.json (see build.rs).
struct Case {
    name: &'static str,
    product_code: &'static str,
    key_version: u32,
    nonce: &'static str,
    token: &'static str,
    /// `"valid"` or the expected error code.
    expect: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/cases.rs"));

// ---------------------------------------------------------------------------------------
// libc: the only things this binary takes from the C runtime.

#[link(name = "c")]
unsafe extern "C" {
    fn write(fd: i32, buf: *const u8, count: usize) -> isize;
    fn abort() -> !;
}

fn print(s: &str) {
    let mut bytes = s.as_bytes();
    while !bytes.is_empty() {
        // SAFETY: `bytes` is a valid, initialized buffer of `bytes.len()` bytes.
        let n = unsafe { write(1, bytes.as_ptr(), bytes.len()) };
        if n <= 0 {
            return;
        }
        bytes = bytes.get(n as usize..).unwrap_or(&[]);
    }
}

fn print_usize(mut n: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    print(core::str::from_utf8(&buf[i..]).unwrap_or("?"));
}

// ---------------------------------------------------------------------------------------
// Heap: a bump allocator over a static array. Nothing is ever freed, which is fine for a
// program that loads one key and verifies a handful of tokens.

const HEAP_SIZE: usize = 256 * 1024;

#[repr(C, align(4096))]
struct Heap(UnsafeCell<[u8; HEAP_SIZE]>);

// SAFETY: the bytes are only handed out by `Bump`, each range once.
unsafe impl Sync for Heap {}

static HEAP: Heap = Heap(UnsafeCell::new([0; HEAP_SIZE]));

struct Bump {
    used: AtomicUsize,
}

// SAFETY: every allocation is a distinct, suitably aligned range inside HEAP, reserved
// atomically; a null pointer is returned when the heap is exhausted.
unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let base = HEAP.0.get().cast::<u8>();
        let mut used = self.used.load(Ordering::Relaxed);
        loop {
            // HEAP is 4096-aligned, so aligning the offset aligns the address (for any
            // alignment up to 4096; larger ones are refused).
            if layout.align() > 4096 {
                return core::ptr::null_mut();
            }
            let Some(start) = used.checked_next_multiple_of(layout.align()) else {
                return core::ptr::null_mut();
            };
            let Some(end) = start.checked_add(layout.size()) else {
                return core::ptr::null_mut();
            };
            if end > HEAP_SIZE {
                return core::ptr::null_mut();
            }
            match self
                .used
                .compare_exchange_weak(used, end, Ordering::Relaxed, Ordering::Relaxed)
            {
                // SAFETY: start <= end <= HEAP_SIZE, so the pointer stays inside HEAP.
                Ok(_) => return unsafe { base.add(start) },
                Err(now) => used = now,
            }
        }
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[global_allocator]
static ALLOCATOR: Bump = Bump {
    used: AtomicUsize::new(0),
};

/// Referenced by the unwinding tables of the precompiled `liballoc`/`libcore` (built with
/// `panic = "unwind"`), although with `panic = "abort"` nothing ever unwinds: the panic
/// handler aborts. Stable Rust has no `eh_personality` lang item for no_std binaries, so
/// the symbol is defined here; it is never called.
#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}

#[panic_handler]
fn panic(_info: &PanicInfo) -> ! {
    print("nostd-check: panic\n");
    // SAFETY: libc's abort takes no arguments and does not return.
    unsafe { abort() }
}

// ---------------------------------------------------------------------------------------

/// Called by the C runtime's `_start` (crt1.o), like any C program's `main`.
#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let key = match PublicKey::from_pem_with_policy(
        TEST_KEY_PEM,
        KeyPolicy::DangerouslyAllowPublishedTestKeys,
    ) {
        Ok(key) => key,
        Err(error) => {
            print("nostd-check: FAIL: the test key does not load: ");
            print(error.code());
            print("\n");
            return 2;
        }
    };
    // The production policy must refuse the same key.
    if PublicKey::from_pem(TEST_KEY_PEM).is_ok() {
        print("nostd-check: FAIL: the production policy accepted a published test key\n");
        return 3;
    }

    let mut failures = 0usize;
    let mut verifier: Option<(&str, Verifier)> = None;
    for case in CASES {
        // Every case uses the same product code; build the verifier once.
        if verifier.as_ref().is_none_or(|(code, _)| *code != case.product_code) {
            match Verifier::new(case.product_code, [(case.key_version, key.clone())]) {
                Ok(v) => verifier = Some((case.product_code, v)),
                Err(error) => {
                    print("nostd-check: FAIL: Verifier::new: ");
                    print(error.code());
                    print("\n");
                    return 2;
                }
            }
        }
        let Some((_, verifier)) = verifier.as_ref() else {
            return 2;
        };
        let nonce = match Nonce::new(case.nonce) {
            Ok(nonce) => nonce,
            Err(error) => {
                print("nostd-check: FAIL: Nonce::new: ");
                print(error.code());
                print("\n");
                return 2;
            }
        };
        let verdict = match verifier.verify(case.token, case.key_version, &nonce) {
            Ok(registration) if registration.product_code() == case.product_code => "valid",
            Ok(_) => "valid-but-wrong-product-code",
            Err(error) => error.code(),
        };
        let ok = verdict == case.expect;
        print(if ok { "ok   " } else { "FAIL " });
        print(case.name);
        print(": ");
        print(verdict);
        if !ok {
            print(" (expected ");
            print(case.expect);
            print(")");
            failures += 1;
        }
        print("\n");
    }

    print("heap used: ");
    print_usize(ALLOCATOR.used.load(Ordering::Relaxed));
    print(" bytes (bump allocator, never freed)\n");
    if failures == 0 {
        print("nostd-check: OK\n");
        0
    } else {
        print("nostd-check: FAILED\n");
        1
    }
}
