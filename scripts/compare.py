#!/usr/bin/env python3
"""Runs the bench-compare criterion benches and writes the medians into PERFORMANCE.md.

Usage (from anywhere):
    python3 scripts/compare.py            # run the benches, then write the table
    python3 scripts/compare.py --no-run   # only re-read the last results
    python3 scripts/compare.py --no-run --verify   # also table target/criterion/{full_verify,
                                                   # key_prep,rejections,pieces} from
                                                   # `cargo bench --bench verify`

Criterion settings: --measurement-time 5 --warm-up-time 2 --sample-size 30 (about
4 minutes for the 21 benchmarks). Override with COMPARE_CRITERION_ARGS="...".
Then runs bench-compare's `interleaved` binary (about 20 s) for ratios that are robust to
load drift on a shared machine, and writes both tables.
Reads bench-compare/target/criterion/compare/<lib>/<bits>/new/estimates.json (median
point estimate, ns) and replaces the text between <!-- compare:begin --> and
<!-- compare:end --> in PERFORMANCE.md.
"""
import datetime
import json
import os
import pathlib
import platform
import shlex
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CRATE = ROOT / "bench-compare"
RESULTS = CRATE / "target" / "criterion" / "compare"
DOC = ROOT / "PERFORMANCE.md"
INTERLEAVED = CRATE / "target" / "interleaved.json"
ROUNDS = 400
BEGIN, END = "<!-- compare:begin -->", "<!-- compare:end -->"
BITS = [2048, 3072, 4096]
LIBS = [
    ("ours", "ours: `Verifier::verify`, whole token, prepared key"),
    ("aws-lc-rs", "aws-lc-rs 1.x `ParsedPublicKey::verify_sig` (raw PSS, key parsed once)"),
    ("ring", "ring 0.17 `UnparsedPublicKey::verify` (raw PSS, re-parses the key every call)"),
    ("jsonwebtoken-aws-lc", "jsonwebtoken 11 `decode`, aws_lc_rs provider (whole token)"),
    ("rsa", "rsa 0.10 `pss::VerifyingKey<Sha256>::verify` (raw PSS, key parsed once)"),
    ("jsonwebtoken-rust-crypto", "jsonwebtoken 11 `decode`, rust_crypto provider, rsa 0.9 (whole token)"),
    ("jwt-compact", "jwt-compact 0.8 `Rsa::ps256()` validator, rsa 0.9 (whole token)"),
]
DEFAULT_ARGS = "--measurement-time 5 --warm-up-time 2 --sample-size 30"


def run_interleaved(rounds):
    """Runs bench-compare's `interleaved` binary once per jsonwebtoken provider."""
    subprocess.run(["cargo", "build", "--release", "--manifest-path", str(CRATE / "Cargo.toml"),
                    "--bin", "interleaved"], check=True)
    out = {}
    for provider in ("aws-lc", "rust-crypto"):
        res = subprocess.run([str(CRATE / "target" / "release" / "interleaved"), provider, str(rounds)],
                             check=True, capture_output=True, text=True)
        for line in res.stdout.splitlines():
            rec = json.loads(line)
            for lib, r in rec["ratio_to_ours"].items():
                if lib != "ours" or provider == "aws-lc":
                    out[(lib, rec["bits"])] = (rec["median_us"][lib], r)
    INTERLEAVED.write_text(json.dumps({f"{k[0]}/{k[1]}": v for k, v in out.items()}, indent=1))
    return out


def load_interleaved():
    if not INTERLEAVED.exists():
        return {}
    data = json.loads(INTERLEAVED.read_text())
    return {(k.rsplit("/", 1)[0], int(k.rsplit("/", 1)[1])): tuple(v) for k, v in data.items()}


def run_benches():
    args = shlex.split(os.environ.get("COMPARE_CRITERION_ARGS", DEFAULT_ARGS))
    cmd = ["cargo", "bench", "--manifest-path", str(CRATE / "Cargo.toml"), "--bench", "compare", "--bench", "compare_rust_crypto", "--", "compare/"] + args
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)


def median_us(lib, bits):
    path = RESULTS / lib / str(bits) / "new" / "estimates.json"
    if not path.exists():
        return None
    est = json.loads(path.read_text())
    return est["median"]["point_estimate"] / 1000.0


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine():
    cpu = "unknown"
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{sh(['nproc'])} CPUs ({cpu}), {platform.system()} {platform.release()}, "
        f"{sh(['rustc', '--version'])}, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC"
    )


def fmt_ratio(x):
    return "—" if x is None else f"{x:.2f}x"


def table(inter):
    med = {(lib, b): median_us(lib, b) for lib, _ in LIBS for b in BITS}
    lines = [
        f"Machine: {machine()}.",
        "",
        "One run of `python3 scripts/compare.py` (criterion: "
        f"`{os.environ.get('COMPARE_CRITERION_ARGS', DEFAULT_ARGS)}`), medians in µs. "
        "This is a noisy shared 2-core machine: read the ratios, not the absolute times; "
        "run-to-run drift of 5–10% is normal.",
        "",
        "Ratio = library median / ours (above 1: ours is faster).",
        "",
        "| library | " + " | ".join(f"{b} µs | ratio" for b in BITS) + " |",
        "|---|" + "---:|---:|" * len(BITS),
    ]
    for lib, _ in LIBS:
        cells = []
        for b in BITS:
            m, o = med[(lib, b)], med[("ours", b)]
            cells.append("—" if m is None else f"{m:.1f}")
            cells.append(fmt_ratio(None if (m is None or o is None) else m / o))
        lines.append(f"| `{lib}` | " + " | ".join(cells) + " |")
    lines += ["", "Targets (ours / aws-lc-rs at most 1.5x at 2048, 2x at 3072 and 4096; others / ours):", ""]
    lines.append("| check | " + " | ".join(str(b) for b in BITS) + " |")
    lines.append("|---|" + "---:|" * len(BITS))

    def row(name, num, den, target_of_bits, cmp):
        cells = []
        for b in BITS:
            n, d = med[(num, b)], med[(den, b)]
            if n is None or d is None:
                cells.append("—")
                continue
            r = n / d
            t = target_of_bits(b)
            ok = r <= t if cmp == "le" else r >= t
            cells.append(f"{r:.2f}x {'✅' if ok else '❌'} ({'≤' if cmp == 'le' else '≥'}{t:g})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")

    checks = [
        ("ours / aws-lc-rs", "ours", "aws-lc-rs", lambda b: 1.5 if b == 2048 else 2.0, "le"),
        ("rsa / ours", "rsa", "ours", lambda b: 2.0, "ge"),
        ("jsonwebtoken-rust-crypto / ours", "jsonwebtoken-rust-crypto", "ours", lambda b: 5.0, "ge"),
        ("jwt-compact / ours", "jwt-compact", "ours", lambda b: 5.0, "ge"),
    ]
    for c in checks:
        row(*c)
    if inter:
        lines += [
            "",
            f"Interleaved ratios (`bench-compare/src/bin/interleaved.rs`, {ROUNDS} rounds): every round "
            "times a ~1 ms batch of each library back to back and divides by `ours` within the round, "
            "so load drift between benchmarks cancels out. Median of the per-round ratios; "
            "µs are medians of the per-round times (under the same background load).",
            "",
            "| library | " + " | ".join(f"{b} µs | ratio" for b in BITS) + " |",
            "|---|" + "---:|---:|" * len(BITS),
        ]
        for lib, _ in LIBS:
            cells = []
            for b in BITS:
                v = inter.get((lib, b))
                cells += ["—", "—"] if v is None else [f"{v[0]:.1f}", f"{v[1]:.2f}x"]
            lines.append(f"| `{lib}` | " + " | ".join(cells) + " |")
        lines += ["", "| check (interleaved) | " + " | ".join(str(b) for b in BITS) + " |",
                  "|---|" + "---:|" * len(BITS)]

        def irow(name, num, den, target_of_bits, cmp):
            cells = []
            for b in BITS:
                n, d = inter.get((num, b)), inter.get((den, b))
                if n is None or d is None:
                    cells.append("—")
                    continue
                r = n[1] / d[1]
                t = target_of_bits(b)
                ok = r <= t if cmp == "le" else r >= t
                cells.append(f"{r:.2f}x {'✅' if ok else '❌'} ({'≤' if cmp == 'le' else '≥'}{t:g})")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")

        for c in checks:
            irow(*c)
    lines += ["", "What each id measures (same token bytes and key for all; key prepared outside the loop):", ""]
    lines += [f"- `{lib}`: {desc}" for lib, desc in LIBS]
    return "\n".join(lines)


VBEGIN, VEND = "<!-- verify:begin -->", "<!-- verify:end -->"
VERIFY_RESULTS = ROOT / "target" / "criterion"


def verify_table():
    """Medians of the core crate's own `benches/verify.rs` (run it first, see PERFORMANCE.md)."""
    rows = []
    for group in ("full_verify", "key_prep", "rejections", "pieces"):
        gdir = VERIFY_RESULTS / group
        if not gdir.is_dir():
            continue
        for est in sorted(gdir.glob("**/new/estimates.json")):
            rel = est.parent.parent.relative_to(VERIFY_RESULTS)
            med = json.loads(est.read_text())["median"]["point_estimate"] / 1000.0
            rows.append((str(rel), med))
    if not rows:
        return "(no results: run `cargo bench --bench verify` first)"
    # Group as name -> {bits: µs}
    table, order = {}, []
    for rel, med in rows:
        parts = rel.split("/")
        if parts[-1].isdigit():
            name, bits = "/".join(parts[:-1]), int(parts[-1])
        else:
            name, bits = rel, None
        if name not in table:
            table[name] = {}
            order.append(name)
        table[name][bits] = med
    lines = [f"Machine: {machine()}. Medians in µs, one run, noisy machine.", "",
             "| benchmark | 2048 | 3072 | 4096 | (no size) |", "|---|---:|---:|---:|---:|"]
    for name in order:
        cells = [f"{table[name][b]:.2f}" if b in table[name] else "" for b in (2048, 3072, 4096, None)]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def replace_between(text, begin, end, body):
    if begin not in text or end not in text:
        text += f"\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{body}\n{end}{tail}"


def main():
    if "--no-run" not in sys.argv[1:]:
        run_benches()
        inter = run_interleaved(ROUNDS)
    else:
        inter = load_interleaved()
    body = table(inter)
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    text = replace_between(text, BEGIN, END, body)
    if "--verify" in sys.argv[1:]:
        text = replace_between(text, VBEGIN, VEND, verify_table())
    DOC.write_text(text)
    print(body)


if __name__ == "__main__":
    main()
