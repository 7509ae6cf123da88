"""`make bench`: every benchmark in bench/, one after the other, and their figures in one table,
bench/results.md, each beside the reference it was measured against in the same run.

    .venv/bin/python bench/all.py [--quick] [--only "search,forums"]

Each benchmark runs as its own process (its output in var/bench/logs/<name>.log) and gives its
rows through _harness.record(); a benchmark that fails is named in the report with its log,
and the others still run. The region is loaded once into a PostgreSQL database of its own
(cohesion_bench_region), which the map layers and crossed indicators benchmarks then read.
--quick runs every benchmark on small sizes, to see that all of them work, and writes
var/bench/results-quick.md instead, with the detailed reports beside it (its figures are not
the benchmarks'). The load test is
`make load`: it writes its own section of bench/results.md, which this keeps.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import _harness

ROOT = _harness.ROOT
LOGS = ROOT / "var" / "bench" / "logs"
REGION = _harness.ADMIN_URL.rsplit("/", 1)[0] + "/cohesion_bench_region"
REGION_VAR = ROOT / "var" / "bench" / "region"


@dataclass
class Benchmark:
    name: str
    arguments: list
    quick: list = field(default_factory=list)
    env: dict = field(default_factory=dict)


BENCHMARKS = [
    Benchmark(
        "region load",
        ["region_load.py", "--keep"],
        env={"DATABASE_URL": REGION, "VAR_DIR": str(REGION_VAR)},
    ),
    Benchmark(
        "map layers",
        ["layers.py"],
        env={"DATABASE_URL": REGION, "VAR_DIR": str(REGION_VAR), "DEBUG": "true"},
    ),
    Benchmark(
        "crossed indicators",
        ["crossed.py"],
        env={"DATABASE_URL": REGION, "VAR_DIR": str(REGION_VAR), "DEBUG": "true"},
    ),
    Benchmark("national recompute", ["national.py", "--communes", "35000"], ["--communes", "3000"]),
    Benchmark("search", ["search.py"]),
    Benchmark("forums", ["forums.py"], ["--rounds", "20", "--warmup", "5"]),
    Benchmark("meetings", ["meetings.py"], ["--rounds", "20", "--warmup", "5"]),
    Benchmark("observatory recompute", ["observatory.py"], ["--employers", "300"]),
]


def run(benchmark, *, quick, record):
    arguments = benchmark.arguments
    if quick and benchmark.quick:
        # The quick sizes replace the options they name.
        arguments = [arguments[0], *benchmark.quick]
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{benchmark.name.replace(' ', '-')}.log"
    env = {**os.environ, **benchmark.env, "BENCH_RECORD": str(record)}
    if quick:
        env["BENCH_DETAILS"] = str(LOGS.parent)
    started = time.perf_counter()
    with log.open("w") as output:
        finished = subprocess.run(
            [sys.executable, str(ROOT / "bench" / arguments[0]), *arguments[1:]],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    return finished.returncode == 0, time.perf_counter() - started, log


def number(value, unit):
    if unit == "MB":
        return f"{value:,.0f} {unit}"
    digits = 2 if value < 10 else 1 if value < 100 else 0
    return f"{value:,.{digits}f} {unit}"


def table(rows, failures, durations, *, quick):
    lines = [
        "## Benchmarks (`make bench`)",
        "",
        f"{_harness.machine()}; commit {commit()}; PostgreSQL, Redis, gunicorn with DEBUG off "
        "where pages are served. Every figure is measured in the same run as its reference, "
        "just before or after it on the same machine, so read the ratio (Cohésion / reference) "
        "rather than the times, which vary with the machine."
        + (" **Quick run on small sizes: not the benchmarks' figures.**" if quick else ""),
        "",
        "| benchmark | figure | Cohésion | reference | reference measured | ratio | goal | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = row["value"] / row["reference_value"] if row["reference_value"] else None
        met = {True: "yes", False: "**no**", None: "—"}[row["met"]]
        lines.append(
            f"| {row['benchmark']} | {row['figure']} | {number(row['value'], row['unit'])} | "
            f"{row['reference']} | {number(row['reference_value'], row['unit'])} | "
            f"{f'{ratio:.2f}' if ratio is not None else '—'} | {row['goal'] or '—'} | {met} |"
        )
    met = sum(1 for row in rows if row["met"])
    with_goal = sum(1 for row in rows if row["met"] is not None)
    lines += ["", f"**{met} of {with_goal} figures with a goal meet it.**"]
    if failures:
        lines += ["", "Benchmarks that failed (their log says why): " + ", ".join(failures) + "."]
    lines += [
        "",
        "Time each benchmark took, set-up included: "
        + "; ".join(f"{name} {seconds / 60:.1f} min" for name, seconds in durations.items())
        + f"; in all {sum(durations.values()) / 60:.1f} min.",
        "",
        "Details: `bench/forums.md` (each side's queries, caches off), `bench/meetings.md` (both "
        "servers, both readers); the README's « Benchmarks » says what each one measures.",
    ]
    return "\n".join(lines) + "\n"


def commit():
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to try them all")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    arguments = parser.parse_args()
    chosen = BENCHMARKS
    if arguments.only:
        wanted = {name.strip() for name in arguments.only.split(",")}
        chosen = [benchmark for benchmark in BENCHMARKS if benchmark.name in wanted]

    record = Path(tempfile.mkstemp(prefix="cohesion-bench-", suffix=".jsonl")[1])
    failures, durations = [], {}
    for benchmark in chosen:
        print(f"{benchmark.name}…", flush=True)
        succeeded, seconds, log = run(benchmark, quick=arguments.quick, record=record)
        durations[benchmark.name] = seconds
        print(
            f"  {'done' if succeeded else 'FAILED'} in {seconds / 60:.1f} min "
            f"({log.relative_to(ROOT)})",
            flush=True,
        )
        if not succeeded:
            failures.append(f"{benchmark.name} (`{log.relative_to(ROOT)}`)")
    rows = [json.loads(line) for line in record.read_text().splitlines() if line]
    record.unlink()
    text = table(rows, failures, durations, quick=arguments.quick)
    print(text)
    if arguments.quick:
        target = ROOT / "var" / "bench" / "results-quick.md"
        target.write_text(text)
        print(f"Written to {target.relative_to(ROOT)}")
    else:
        _harness.results_section_write("bench", text)
        print("Written to bench/results.md")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
