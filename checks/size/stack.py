#!/usr/bin/env python3
"""The smallest thread stack (in 4 KiB steps) on which the README's worst cases reach their
verdicts, in a debug and a release build: a measurement of the stack bound that
`tests/suite/hardening.rs::worst_cases_fit_a_64_kib_stack` asserts (64 KiB, debug).

    python3 checks/size/stack.py            # all cases together, debug and release;
                                           # then each case alone in release

The number is the `stack_size` requested from `std::thread::Builder`; Rust raises a request
below glibc's minimum (PTHREAD_STACK_MIN, 16 KiB, plus thread-local storage) to that
minimum, so 4 KiB is shown as that minimum. It bounds what `Verifier::verify` uses on that
thread from above, to within 4 KiB. A run that overflows aborts; the search runs the probe
binary once per candidate size. CARGO_TARGET_DIR is honoured (default checks/size/target).
"""
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", HERE / "target"))
STEP = 4096


def build(release):
    cmd = ["cargo", "build", "--manifest-path", str(HERE / "Cargo.toml"), "-p", "stack-probe"]
    if release:
        cmd.append("--release")
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)
    return TARGET / ("release" if release else "debug") / "stack-probe"


def passes(binary, case, size):
    res = subprocess.run([str(binary), case, str(size)], capture_output=True, text=True)
    if res.returncode not in (0,) and "overflow" not in res.stderr and res.returncode != -6:
        sys.exit(f"{case} at {size}: unexpected failure {res.returncode}: {res.stderr[-500:]}")
    return res.returncode == 0


def smallest(binary, case, high=128 * 1024):
    """Binary search over multiples of STEP in [STEP, high]."""
    if not passes(binary, case, high):
        return None
    lo, hi = 0, high // STEP  # lo fails (or is 0), hi passes
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if passes(binary, case, mid * STEP):
            hi = mid
        else:
            lo = mid
    return hi * STEP


def main():
    rows = []
    for release in (False, True):
        binary = build(release)
        kind = "release" if release else "debug"
        size = smallest(binary, "all")
        rows.append((kind, "all worst cases together", size))
        print(f"{kind}: all: {size} bytes", file=sys.stderr)
    names = subprocess.run([str(binary), "list"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    for name in names:
        size = smallest(binary, name)
        rows.append(("release", name, size))
        print(f"release: {name}: {size} bytes", file=sys.stderr)
    print("| build | case | smallest passing thread stack |")
    print("|---|---|---:|")
    for kind, name, size in rows:
        if size is None:
            shown = "> 128 KiB"
        elif size == STEP:
            shown = "glibc's minimum (16 KiB + TLS)"
        else:
            shown = f"{size // 1024} KiB"
        print(f"| {kind} | {name} | {shown} |")


if __name__ == "__main__":
    main()
