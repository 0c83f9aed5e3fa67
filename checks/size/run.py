#!/usr/bin/env python3
"""Builds the minimal verifier binaries of checks/size/, checks that each one accepts the
3072-bit seller token and refuses it with one signature bit flipped, strips them and prints
the sizes as a Markdown table, with the no_std proof program (checks/nostd) beside them.

    python3 checks/size/run.py            # build, check, print the table
    python3 checks/size/run.py --write    # also rewrite the tables in docs/performance.md
                                         # (between <!-- size-check:begin/end -->)

Each package is built on its own (`cargo build --release -p <package>`), so no features are
unified between them. The default release profile (opt-level 3, no LTO, unwinding; the
no_std program aborts on panic, as its own Cargo.toml says), then `strip` (symbols and
debug information). CARGO_TARGET_DIR is honoured (default: checks/size/target).
"""
import base64
import datetime
import json
import os
import pathlib
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", HERE / "target"))
OUT = TARGET / "size-check"
PROGRAMS = [
    ("size-empty", "empty `fn main() {}` (the baseline)"),
    ("size-ours", "register-usage-jwt (`embed_product_key!` + `from_embedded` + `Verifier::verify`)"),
    ("size-jsonwebtoken-aws-lc", "jsonwebtoken 11, `aws_lc_rs` provider"),
    ("size-jsonwebtoken-rust-crypto", "jsonwebtoken 11, `rust_crypto` provider (rsa 0.9)"),
    ("size-jwt-compact", "jwt-compact 0.8 (rsa 0.9)"),
]
BEGIN, END = "<!-- size-check:begin -->", "<!-- size-check:end -->"


def tampered(token):
    head, sig = token.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
    raw[len(raw) // 2] ^= 1
    return head + "." + base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def check(binary, token, expect_ok):
    res = subprocess.run([str(binary)], input=token + "\n", capture_output=True, text=True)
    ok = res.returncode == 0 and res.stdout.strip() == "valid"
    if ok != expect_ok:
        sys.exit(f"{binary.name}: expected {'valid' if expect_ok else 'invalid'}, got "
                 f"status {res.returncode}: {res.stdout.strip()} {res.stderr.strip()}")


def build(package, manifest, target):
    cmd = ["cargo", "build", "--release", "--manifest-path", str(manifest)]
    if package:
        cmd += ["-p", package]
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, env=env)


def stripped_size(binary):
    OUT.mkdir(parents=True, exist_ok=True)
    copy = OUT / binary.name
    shutil.copy2(binary, copy)
    subprocess.run(["strip", str(copy)], check=True)
    return binary.stat().st_size, copy.stat().st_size, copy


def kib(n):
    return f"{n / 1024:,.0f}"


def main():
    token = json.loads((ROOT / "checks/compare/fixtures/seller-tokens.json").read_text())["3072"]
    rows = []
    for package, desc in PROGRAMS:
        build(package, HERE / "Cargo.toml", TARGET)
        binary = TARGET / "release" / package
        full, stripped, copy = stripped_size(binary)
        if package != "size-empty":
            check(copy, token, True)
            check(copy, tampered(token), False)
        rows.append((package, desc, full, stripped))
    nostd_target = ROOT / "checks" / "nostd" / "target"
    build(None, ROOT / "checks" / "nostd" / "Cargo.toml", nostd_target)
    nostd = nostd_target / "release" / "register-usage-jwt-nostd-check"
    full, stripped, copy = stripped_size(nostd)
    if subprocess.run([str(copy)]).returncode != 0:
        sys.exit("nostd-check: the stripped no_std program failed its own checks")
    rows.append(("nostd-check", "the no_std proof program (`checks/nostd/`: `#![no_std]`, links only "
                 "libc, panic = abort, a PEM key and its fixture tokens compiled in)", full, stripped))

    base = rows[0][3]
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        f"`python3 checks/size/run.py`, {rustc}, x86_64-unknown-linux-gnu, "
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d}. Default release profile "
        "(opt-level 3, no LTO), then `strip`. Each program reads a token on stdin and verifies "
        "it against an embedded 3072-bit key (product code, key version and nonce checked); "
        "each was run on the valid token and on it with one signature bit flipped.",
        "",
        "| program | stripped KiB | added to the empty binary, KiB | unstripped KiB |",
        "|---|---:|---:|---:|",
    ]
    for package, desc, full, stripped in rows:
        added = "—" if package in ("size-empty", "nostd-check") else kib(stripped - base)
        lines.append(f"| {desc} | {kib(stripped)} | {added} | {kib(full)} |")
    body = "\n".join(lines)
    print(body)
    if "--write" in sys.argv[1:]:
        for doc in (ROOT / "docs" / "performance.md",):
            text = doc.read_text()
            if BEGIN not in text or END not in text:
                sys.exit(f"{doc.name}: no {BEGIN} ... {END} markers")
            head, rest = text.split(BEGIN, 1)
            _, tail = rest.split(END, 1)
            doc.write_text(f"{head}{BEGIN}\n{body}\n{END}{tail}")


if __name__ == "__main__":
    main()
