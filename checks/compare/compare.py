#!/usr/bin/env python3
"""Runs the interleaved comparison of checks/compare and writes the tables of
docs/performance.md.

Usage (from anywhere):
    python3 checks/compare/compare.py                 # interleaved run (about 2 minutes), tables
    python3 checks/compare/compare.py --rounds 600    # more rounds (default 400)
    python3 checks/compare/compare.py --criterion     # also the criterion benches (compare/ and
                                               # cold/, about 10 minutes) and their table
    python3 checks/compare/compare.py --no-run        # re-table the last saved run
    python3 checks/compare/compare.py --no-run --verify   # also table target/criterion/{full_verify,
                                                   # key_prep,rejections,pieces} from
                                                   # `cargo bench --bench verify`

The reported figures are ratios from one interleaved run: checks/compare's `interleaved`
binary times a ~1 ms batch of every id back to back, round after round in a rotating order,
so a ratio is the median over rounds of the two ids' per-round times, and load drift on a
shared machine cancels. jsonwebtoken's crypto provider is process-wide, so the binary runs
twice (`aws-lc`, then `rust-crypto`); each process also times `ours` and `cold/ours-*`, and
every ratio is taken within one process.

Ids: warm `<lib>` (key prepared once, outside the timed batch), cold `cold/<lib>` (from the
key bytes a seller embeds to a verified token, every call). CARGO_TARGET_DIR is honoured
(default checks/compare/target); the raw per-round times are saved in
<target>/interleaved.json. Replaces the text between <!-- compare:begin --> and
<!-- compare:end --> in docs/performance.md.
"""
import argparse
import datetime
import json
import os
import pathlib
import platform
import shlex
import statistics
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
CRATE = ROOT / "checks" / "compare"
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", CRATE / "target"))
SAVED = TARGET / "interleaved.json"
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- compare:begin -->", "<!-- compare:end -->"
BITS = [2048, 3072, 4096]
CRITERION_ARGS = "--measurement-time 3 --warm-up-time 1 --sample-size 20"

# (row label, warm id, cold id, process, description)
ROWS = [
    ("ours", "ours", "cold/ours-embedded", "aws-lc",
     "warm: `Verifier::verify` of the whole token, key prepared once; cold: "
     "`PublicKey::from_embedded` (the `embed_product_key!` output) + `Verifier::new` + verify"),
    ("ours, key from PEM", None, "cold/ours-pem", "aws-lc",
     "cold: `PublicKey::from_pem` (production policy) + `Verifier::new` + verify"),
    ("aws-lc-rs", "aws-lc-rs", "cold/aws-lc-rs", "aws-lc",
     "aws-lc-rs 1.x raw PSS over the signing input: warm `ParsedPublicKey::verify_sig`; cold "
     "`ParsedPublicKey::new` from PKCS#1 DER + `verify_sig`"),
    ("ring", "ring", "cold/ring", "aws-lc",
     "ring 0.17 raw PSS: `UnparsedPublicKey::verify` from PKCS#1 DER (it parses the key in "
     "every call, so warm and cold are the same work)"),
    ("rsa", "rsa", "cold/rsa", "aws-lc",
     "rsa 0.10 raw PSS: warm `pss::VerifyingKey<Sha256>::verify`; cold "
     "`PublicKey::from_public_key_pem` + verify"),
    ("jsonwebtoken-aws-lc", "jsonwebtoken-aws-lc", "cold/jsonwebtoken-aws-lc", "aws-lc",
     "jsonwebtoken 11 `decode` (whole token), aws_lc_rs provider; cold adds "
     "`DecodingKey::from_rsa_pem`"),
    ("jsonwebtoken-rust-crypto", "jsonwebtoken-rust-crypto", "cold/jsonwebtoken-rust-crypto",
     "rust-crypto",
     "the same with the rust_crypto provider (rsa 0.9); timed in the second process, against "
     "that process's `ours`"),
    ("jwt-compact", "jwt-compact", "cold/jwt-compact", "aws-lc",
     "jwt-compact 0.8 `Rsa::ps256()` validator (whole token, rsa 0.9 key); cold adds "
     "`RsaPublicKey::from_public_key_pem`"),
]


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def loadavg():
    try:
        return " ".join(pathlib.Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def cpu():
    """The CPU as `lscpu` names it, with the features that decide big-number speed."""
    info = {}
    for line in sh(["lscpu"]).splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            info[k.strip()] = v.strip()
    flags = set(info.get("Flags", "").split())
    wanted = ["bmi2", "adx", "sha_ni", "avx2", "avx512f", "avx512ifma"]
    have = [f for f in wanted if f in flags]
    lacks = [f for f in wanted if f not in flags]
    return (f"{info.get('Model name', 'unknown')} (family {info.get('CPU family', '?')}, "
            f"model {info.get('Model', '?')}), {info.get('CPU(s)', '?')} CPUs"
            f"{', under ' + info['Hypervisor vendor'] if 'Hypervisor vendor' in info else ''}; "
            f"has {', '.join(have) or 'none of ' + ', '.join(wanted)}"
            f"{'; lacks ' + ', '.join(lacks) if lacks else ''}")


def run_interleaved(rounds):
    cmd = ["cargo", "build", "--release", "--manifest-path", str(CRATE / "Cargo.toml"),
           "--bin", "interleaved"]
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)
    before = loadavg()
    start = datetime.datetime.now(datetime.timezone.utc)
    runs = {}
    for provider in ("aws-lc", "rust-crypto"):
        cmd = [str(TARGET / "release" / "interleaved"), provider, str(rounds)]
        print("+", " ".join(cmd), file=sys.stderr)
        res = subprocess.run(cmd, check=True, capture_output=True, text=True)
        for line in res.stdout.splitlines():
            rec = json.loads(line)
            runs[f"{provider}/{rec['bits']}"] = rec["times_us"]
    saved = {
        "rounds": rounds,
        "cpu": cpu(),
        "machine": f"{platform.system()} {platform.release()}",
        "rustc": sh(["rustc", "--version"]),
        "started": f"{start:%Y-%m-%d %H:%M} UTC",
        "loadavg_before": before,
        "loadavg_after": loadavg(),
        "nice": os.nice(0),
        "runs": runs,
    }
    SAVED.write_text(json.dumps(saved))
    return saved


def ratio(saved, process, bits, num, den):
    """Median over the rounds of one process of num's time / den's time."""
    times = saved["runs"].get(f"{process}/{bits}", {})
    if num not in times or den not in times:
        return None
    return statistics.median(a / b for a, b in zip(times[num], times[den]))


def median_us(saved, process, bits, key):
    times = saved["runs"].get(f"{process}/{bits}", {})
    return statistics.median(times[key]) if key in times else None


def cell(us, r):
    if us is None:
        return "—"
    return f"{us:.1f} µs ({r:.2f}×)" if r is not None else f"{us:.1f} µs"


def caption(saved):
    return (
        f"CPU: {saved['cpu']}. {saved['machine']}, {saved['rustc']}. One run of "
        f"`python3 checks/compare/compare.py` started {saved['started']}, {saved['rounds']} interleaved "
        f"rounds per size, niceness {saved['nice']}, load average {saved['loadavg_before']} "
        f"before and {saved['loadavg_after']} after (1, 5, 15 minutes; 2 CPUs shared with other "
        "jobs). Every ratio is the median over the rounds of the two ids' per-round times in "
        "one process; µs are medians of the per-round times under the same background load, "
        "so read the ratios."
    )


def times_table(saved):
    lines = [
        "Time per call, and in brackets the ratio to ours (warm: to `ours` warm; cold: to "
        "`ours` cold from the embedded key); above 1: ours is faster.",
        "",
        "| library | " + " | ".join(f"{b} warm | {b} cold" for b in BITS) + " |",
        "|---|" + "---:|---:|" * len(BITS),
    ]
    for label, warm, cold, process, _ in ROWS:
        cells = []
        for b in BITS:
            cells.append(cell(median_us(saved, process, b, warm),
                              ratio(saved, process, b, warm, "ours")) if warm else "—")
            cells.append(cell(median_us(saved, process, b, cold),
                              ratio(saved, process, b, cold, "cold/ours-embedded")))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


# (label, process, numerator, denominator, transform, target text, predicate or None)
CHECKS = [
    ("cold: ours from the embedded key / aws-lc-rs (parse PKCS#1 + verify)", "aws-lc",
     "cold/ours-embedded", "cold/aws-lc-rs", None, "≤ 1.2 (moonshot < 1)", lambda r: r <= 1.2),
    ("cold: ours from PEM / aws-lc-rs", "aws-lc", "cold/ours-pem", "cold/aws-lc-rs", None,
     "—", None),
    ("key loading from PEM, share of one verification (cold `from_pem` path / warm − 1)",
     "aws-lc", "cold/ours-pem", "ours", "share", "≤ 20%", lambda r: r <= 0.20),
    ("key loading from the embedded key, share of one verification", "aws-lc",
     "cold/ours-embedded", "ours", "share", "—", None),
    ("aws-lc-rs: key parsing, share of its verification", "aws-lc", "cold/aws-lc-rs",
     "aws-lc-rs", "share", "—", None),
    ("warm: ours / aws-lc-rs", "aws-lc", "ours", "aws-lc-rs", None, "≤ 1.5", lambda r: r <= 1.5),
    ("warm: `rsa` 0.10 / ours", "aws-lc", "rsa", "ours", None, "≥ 2", lambda r: r >= 2.0),
    ("warm: jsonwebtoken-rust-crypto / ours", "rust-crypto", "jsonwebtoken-rust-crypto", "ours",
     None, "≥ 5", lambda r: r >= 5.0),
    ("warm: jwt-compact / ours", "aws-lc", "jwt-compact", "ours", None, "≥ 5",
     lambda r: r >= 5.0),
    ("cold: jsonwebtoken-rust-crypto / ours (embedded)", "rust-crypto",
     "cold/jsonwebtoken-rust-crypto", "cold/ours-embedded", None, "≥ 5", lambda r: r >= 5.0),
    ("cold: jwt-compact / ours (embedded)", "aws-lc", "cold/jwt-compact", "cold/ours-embedded",
     None, "≥ 5", lambda r: r >= 5.0),
    ("cold: `rsa` 0.10 / ours (embedded)", "aws-lc", "cold/rsa", "cold/ours-embedded", None,
     "—", None),
]


def checks_table(saved):
    lines = ["| ratio (issue 11's targets) | " + " | ".join(str(b) for b in BITS) + " | target |",
             "|---|" + "---:|" * len(BITS) + "---|"]
    for label, process, num, den, transform, target, ok in CHECKS:
        cells, verdicts = [], []
        for b in BITS:
            r = ratio(saved, process, b, num, den)
            if r is None:
                cells.append("—")
                continue
            if transform == "share":
                r -= 1.0
                cells.append(f"{r * 100:.0f}%")
            else:
                cells.append(f"{r:.2f}")
            if ok is not None:
                verdicts.append(ok(r))
        if ok is None or not verdicts:
            verdict = target
        elif all(verdicts):
            verdict = f"{target}: met"
        else:
            verdict = f"{target}: **not met**"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {verdict} |")
    return lines


def criterion_table():
    lines = [f"Criterion (`{CRITERION_ARGS}`), medians in µs, one benchmark after another "
             "(drifts with the load; the interleaved ratios above are the figures to quote):", "",
             "| library | " + " | ".join(f"{b} warm | {b} cold" for b in BITS) + " |",
             "|---|" + "---:|---:|" * len(BITS)]
    base = TARGET / "criterion"

    def est(group, lib, b):
        p = base / group / lib / str(b) / "new" / "estimates.json"
        if not p.exists():
            return "—"
        return f"{json.loads(p.read_text())['median']['point_estimate'] / 1000:.1f}"

    for label, warm, cold, _, _ in ROWS:
        cells = []
        for b in BITS:
            cells.append(est("compare", warm, b) if warm else "—")
            cells.append(est("cold", cold.split("/", 1)[1], b))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def run_criterion():
    cmd = ["cargo", "bench", "--manifest-path", str(CRATE / "Cargo.toml"), "--bench", "compare",
           "--bench", "compare_rust_crypto", "--"] + shlex.split(CRITERION_ARGS)
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)


def body(saved, with_criterion):
    lines = [caption(saved), ""] + checks_table(saved) + [""] + times_table(saved)
    lines += ["", "What each row measures (same token bytes and key for every library: "
              "`checks/compare/fixtures/`, a seller-like key whose private half was discarded; "
              "`ours`, jsonwebtoken and jwt-compact verify the whole token, aws-lc-rs, ring and "
              "`rsa` only the signature over the signing input):", ""]
    lines += [f"- {label}: {desc}" for label, _, _, _, desc in ROWS]
    if with_criterion:
        lines += [""] + criterion_table()
    return "\n".join(lines)


VBEGIN, VEND = "<!-- verify:begin -->", "<!-- verify:end -->"
VERIFY_RESULTS = ROOT / "target" / "criterion"


def verify_table():
    """Medians of the core crate's own `benches/verify.rs` (run it first, see docs/performance.md)."""
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
    lines = [f"CPU: {cpu()}; {sh(['rustc', '--version'])}, "
             f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC. "
             "Medians in µs, one run, noisy machine.", "",
             "| benchmark | 2048 | 3072 | 4096 | (no size) |", "|---|---:|---:|---:|---:|"]
    for name in order:
        cells = [f"{table[name][b]:.2f}" if b in table[name] else "" for b in (2048, 3072, 4096, None)]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def replace_between(path, begin, end, new):
    text = path.read_text()
    if begin not in text or end not in text:
        sys.exit(f"{path.name}: no {begin} ... {end} markers")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{begin}\n{new}\n{end}{tail}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-run", action="store_true")
    ap.add_argument("--criterion", action="store_true")
    ap.add_argument("--verify", action="store_true")
    ap.add_argument("--rounds", type=int, default=400)
    args = ap.parse_args()
    if args.no_run:
        saved = json.loads(SAVED.read_text())
    else:
        if args.criterion:
            run_criterion()
        saved = run_interleaved(args.rounds)
    text = body(saved, args.criterion)
    replace_between(DOC, BEGIN, END, text)
    if args.verify:
        replace_between(DOC, VBEGIN, VEND, verify_table())
    print(text)


if __name__ == "__main__":
    main()
