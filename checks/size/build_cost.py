#!/usr/bin/env python3
"""What each minimal verifier program of checks/size/ costs a seller's clean release build:
wall time, user+sys CPU time of the whole build (cargo, rustc, build scripts and any C
compiler they run), the crates compiled, and whether the build needs a C compiler or CMake.

    python3 checks/size/build_cost.py              # one clean build per program, then the table
    python3 checks/size/build_cost.py --runs 2     # two clean builds each; the table shows both
    python3 checks/size/build_cost.py --jobs 2     # cargo -j (default: cargo's, all cores)

Each program is built alone (`cargo build --release -p <package>`) into its own empty target
directory (checks/size/target/build-cost/<package>, deleted first), after `cargo fetch`, so
downloads are not timed. CPU time is the rusage of cargo and everything it waited for; on a
shared machine it is steadier than wall time, which grows with the other jobs' load. The load
average is printed before and after every build.

"Needs a C toolchain" is read from the dependency graph: a crate that builds C with the `cc`
crate (`*-sys` crates with a build dependency on `cc`); "CMake" likewise from the `cmake`
crate. A C compiler that the `cc` crate would only call for an optional feature is not counted
because the graph is resolved with each program's own features.
"""
import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
BASE = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", HERE / "target")) / "build-cost"
PROGRAMS = [
    ("size-ours", "register-usage-jwt, `macros` (`embed_product_key!`)"),
    ("size-ours-pem", "register-usage-jwt, no `macros` (`from_pem`)"),
    ("size-jsonwebtoken-aws-lc", "jsonwebtoken 11, `aws_lc_rs`"),
    ("size-jsonwebtoken-rust-crypto", "jsonwebtoken 11, `rust_crypto`"),
    ("size-jwt-compact", "jwt-compact 0.8 (rsa 0.9)"),
]


def loadavg():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def graph(package):
    """The packages of the program's normal+build graph (without the program itself), and the
    set of graph edges 'parent -> child' as cargo tree prints them (for cc/cmake users)."""
    out = subprocess.run(
        ["cargo", "tree", "--manifest-path", str(HERE / "Cargo.toml"), "-p", package,
         "-e", "normal,build", "--prefix", "depth"],
        check=True, capture_output=True, text=True).stdout
    names, stack, users = set(), [], {"cc": set(), "cmake": set()}
    for line in out.splitlines():
        m = re.match(r"(\d+)(\S+) v(\S+)", line)
        if not m:
            continue
        depth, name, version = int(m[1]), m[2], m[3]
        del stack[depth:]
        if depth > 0:
            names.add(f"{name} {version}")
            if name in users:
                users[name].add(stack[-1])
        stack.append(name)
    return names, users


def build(package, jobs):
    target = BASE / package
    shutil.rmtree(target, ignore_errors=True)
    cmd = ["cargo", "build", "--release", "--manifest-path", str(HERE / "Cargo.toml"),
           "-p", package]
    if jobs:
        cmd += ["-j", str(jobs)]
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    env.pop("RUSTC_WRAPPER", None)  # a compiler cache would make a clean build not clean
    before = loadavg()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{package}: build failed:\n{err}")
    compiled = sum(1 for line in err.splitlines() if line.strip().startswith("Compiling "))
    after = loadavg()
    print(f"  {package}: wall {wall:.1f} s, cpu {usage.ru_utime + usage.ru_stime:.1f} s "
          f"(user {usage.ru_utime:.1f}, sys {usage.ru_stime:.1f}), {compiled} compiled, "
          f"load {before} -> {after}", file=sys.stderr)
    return wall, usage.ru_utime + usage.ru_stime, compiled, before, after


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--only", nargs="*", help="package names (default: all)")
    args = ap.parse_args()
    subprocess.run(["cargo", "fetch", "--manifest-path", str(HERE / "Cargo.toml")], check=True)
    programs = [p for p in PROGRAMS if not args.only or p[0] in args.only]
    rows = []
    for package, desc in programs:
        names, users = graph(package)
        runs = [build(package, args.jobs) for _ in range(args.runs)]
        rows.append((package, desc, names, users, runs))
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next((l.split(":", 1)[1].strip() for l in cpu.splitlines()
                  if l.startswith("Model name")), "?")
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{model}, {os.cpu_count()} CPUs, {rustc}, cargo -j {args.jobs or os.cpu_count()}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; every build clean, alone, "
          f"after `cargo fetch`.\n")
    print("| program | clean release build, wall | CPU (user+sys) | crates in the graph "
          "(compiled) | C compiler | CMake | load average before → after |")
    print("|---|---:|---:|---:|---|---|---|")
    for package, desc, names, users, runs in rows:
        wall = ", ".join(f"{r[0]:.0f} s" for r in runs)
        cpu_s = ", ".join(f"{r[1]:.0f} s" for r in runs)
        compiled = runs[0][2]
        cc = f"yes (`cc` crate in {', '.join(sorted(users['cc'] - {'cmake'}))})" if users["cc"] else "no"
        if not users["cmake"]:
            cmake = "no"
        elif shutil.which("cmake") is None:
            # The build above succeeded with no cmake on PATH: the crate is in the graph but
            # CMake is not run on this target.
            cmake = f"not run (`cmake` crate in {', '.join(sorted(users['cmake']))}; built without cmake on PATH)"
        else:
            cmake = f"maybe (`cmake` crate in {', '.join(sorted(users['cmake']))}; cmake is on PATH here)"
        loads = "; ".join(f"{r[3].split()[0]} → {r[4].split()[0]}" for r in runs)
        print(f"| {desc} | {wall} | {cpu_s} | {len(names)} ({compiled}) | {cc} | {cmake} "
              f"| {loads} |")


if __name__ == "__main__":
    main()
