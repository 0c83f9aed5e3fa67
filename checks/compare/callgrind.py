#!/usr/bin/env python3
"""Where a warm verification's instructions go, per key size, by callgrind (instruction
counts do not depend on the machine's load).

    python3 checks/compare/callgrind.py                  # builds `profile`, prints the table
    python3 checks/compare/callgrind.py --bin /tmp/profile-before --no-build

Each figure is per verification: the difference of a run of `profile verify <bits> 21` and
one of `profile verify <bits> 1`, over 20, so process start and fixture loading cancel.
Valgrind hides SHA-NI, so SHA-256 runs sha2's software backend here (natively it is several
times cheaper), and it counts every iteration of a `rep stos` (glibc's memset above about
2 KiB) as one instruction, so zeroing is overstated against a native run. Rows are the
inclusive cost of the functions named (LLVM inlines some steps into their callers; a step
that cannot be told apart is shown inside its caller's row, never twice).
"""
import argparse
import pathlib
import re
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
BIN = HERE / "target" / "release" / "profile"
# (row, regex on the demangled function name, how): inclusive cost; "max" for nested names
# of one step (the outermost that survived inlining), "sum" for a leaf called from many.
ROWS = [
    ("whole `Verifier::verify`", r"Verifier::verify_token$", "max"),
    ("token decode (split, base64, buffer zeroing)", r"UntrustedToken>?::decode$", "max"),
    ("  of which base64", r"base64::.*internal_decode$", "sum"),
    ("header check (JSON), every call", r"header::check(_text)?$", "max"),
    ("claims pass (JSON)", r"Claims>?::(parse|parse_json|read)$", "max"),
    ("PS256 check (`verify_ps256`)", r"verify_ps256$", "max"),
    ("exponentiation (`Modulus::pow`)", r"Modulus<.*>::pow$", "max"),
    ("EMSA-PSS: MGF1 + final hash + checks", r"emsa_pss_verify$", "max"),
    ("SHA-256 compression, every call (signing input, MGF1, final hash)",
     r"sha2::sha256::compress256$", "sum"),
    ("memset (zeroing), every call", r"^(__memset|memset)", "sum"),
    ("memcpy, every call", r"^(__memmove|__memcpy|memcpy|memmove)", "sum"),
]


def run(binary, bits, iterations, out):
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                    str(binary), "verify", str(bits), str(iterations)],
                   check=True, capture_output=True)
    res = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", out],
                         check=True, capture_output=True, text=True).stdout
    total, funcs = 0, {}
    for line in res.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(.*?\)\s+(\S.*?):(.*?)(?: \[.*\])?$", line)
        if m and "PROGRAM TOTALS" not in line:
            name = m[3].strip()
            funcs[name] = funcs.get(name, 0) + int(m[1].replace(",", ""))
        m = re.match(r"\s*([\d,]+)\s+\(100.0%\)\s+PROGRAM TOTALS", line)
        if m:
            total = int(m[1].replace(",", ""))
    return total, funcs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=str(BIN))
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--bits", nargs="*", type=int, default=[2048, 3072, 4096])
    ap.add_argument("--names", action="store_true", help="print every function above 1%%")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--manifest-path",
                        str(HERE / "Cargo.toml"), "--bin", "profile"], check=True)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for bits in args.bits:
            t1, f1 = run(args.bin, bits, 1, f"{tmp}/one")
            t21, f21 = run(args.bin, bits, 21, f"{tmp}/many")
            per = {k: (v - f1.get(k, 0)) / 20 for k, v in f21.items()}
            results[bits] = ((t21 - t1) / 20, per)
            if args.names:
                for k, v in sorted(per.items(), key=lambda kv: -kv[1]):
                    if v > results[bits][0] / 100:
                        print(f"{bits} {v:12,.0f} {k}", file=sys.stderr)
    print("| instructions per verification | " + " | ".join(str(b) for b in args.bits) + " |")
    print("|---|" + "---:|" * len(args.bits))
    print("| program total | " + " | ".join(f"{results[b][0]:,.0f}" for b in args.bits) + " |")
    for row, pattern, how in ROWS:
        cells = []
        for b in args.bits:
            total, per = results[b]
            hits = [c for name, c in per.items() if re.search(pattern, name)]
            v = max(hits, default=0) if how == "max" else sum(hits)
            cells.append(f"{v:,.0f} ({100 * v / total:.1f}%)" if v else "inlined")
        print(f"| {row} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
