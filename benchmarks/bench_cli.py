"""Whole-process figures of the command line: start-up, and many drafts at once, against the
targets, each beside what it is compared with.

    .venv/bin/python benchmarks/bench_cli.py                  # start-up, then 2,257 ten-page drafts
    .venv/bin/python benchmarks/bench_cli.py --drafts 200     # a smaller batch
    .venv/bin/python benchmarks/bench_cli.py --no-batch       # start-up only

1. Start-up: ``checklist assess`` of a one-page .txt (JSON to standard output), as a whole
   process, beside ``python -c pass``, with the rule cache warm (every run after the first)
   and with it off (``CHECKLIST_CACHE_DIR=off``: every rule file validated again). Timed by
   hyperfine when it is installed (``apt-get install hyperfine``), else by repeated
   subprocess runs (the mean and the best are printed). Target: <= 0.25 s.
2. Batch: ``checklist assess DRAFTS/ -o REPORTS/ --format json,csv --jobs N`` over 2,257
   synthetic ten-page drafts (``benchmarks/clauses.py``, one seed a draft) written to a
   temporary folder; target <= 60 s on this machine. Beside it, the loop a user would
   otherwise write, one ``checklist assess FILE -o FILE.json`` a draft: timed over a sample
   (50 drafts by default) and extrapolated to the whole batch, as the output says.

Exit status 1 when a target is missed. The drafts and reports are removed unless --keep.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE)]

from clauses import make_draft  # noqa: E402

TARGET_STARTUP = 0.25        # seconds, checklist assess of a one-page .txt
TARGET_BATCH = 60.0          # seconds, 2,257 ten-page drafts
DRAFTS = 2257
PAGES = 10
SAMPLE = 50
RUNS = 20


def checklist_command() -> list[str]:
    """The installed console script beside this Python, else ``python -m checklist.cli``."""
    script = Path(sys.executable).with_name("checklist")
    return [str(script)] if script.exists() else [sys.executable, "-m", "checklist.cli"]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


# ---------------------------------------------------------------- start-up


def _hyperfine(commands: dict[str, tuple[list[str], dict]], runs: int) -> dict[str, dict] | None:
    exe = shutil.which("hyperfine")
    if not exe:
        return None
    out = {}
    for label, (argv, env) in commands.items():
        with tempfile.NamedTemporaryFile(suffix=".json") as f:
            cmd = " ".join(_quote(a) for a in argv)
            res = subprocess.run([exe, "-N", "--warmup", "3", "--runs", str(runs), "--export-json", f.name,
                                  "--style", "none", cmd], env={**os.environ, **env}, capture_output=True,
                                 text=True)
            if res.returncode != 0:
                return None
            r = json.loads(Path(f.name).read_text())["results"][0]
        out[label] = {"mean": r["mean"], "min": r["min"], "stddev": r["stddev"] or 0.0, "runs": len(r["times"])}
    return out


def _quote(arg: str) -> str:
    return arg if arg and all(c.isalnum() or c in "/._-=,:" for c in arg) else "'" + arg.replace("'", "'\\''") + "'"


def _loop_timing(commands: dict[str, tuple[list[str], dict]], runs: int) -> dict[str, dict]:
    out = {}
    for label, (argv, env) in commands.items():
        environ = {**os.environ, **env}
        for _ in range(3):
            subprocess.run(argv, env=environ, stdout=subprocess.DEVNULL, check=True)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(argv, env=environ, stdout=subprocess.DEVNULL, check=True)
            times.append(time.perf_counter() - t0)
        out[label] = {"mean": statistics.mean(times), "min": min(times),
                      "stddev": statistics.stdev(times), "runs": runs}
    return out


def startup(work: Path, runs: int) -> bool:
    one = work / "one-page.txt"
    one.write_text(make_draft(1), encoding="utf-8")
    cli = checklist_command()
    cache = {"CHECKLIST_CACHE_DIR": str(work / "cache")}
    commands = {
        "python -c pass": ([sys.executable, "-c", "pass"], {}),
        "checklist assess one-page.txt (rule cache warm)": ([*cli, "assess", str(one)], cache),
        "checklist assess one-page.txt (CHECKLIST_CACHE_DIR=off)": ([*cli, "assess", str(one)],
                                                                    {"CHECKLIST_CACHE_DIR": "off"}),
    }
    subprocess.run([*cli, "assess", str(one)], env={**os.environ, **cache}, stdout=subprocess.DEVNULL, check=True)
    results = _hyperfine(commands, runs)
    how = "hyperfine -N, 3 warm-up runs"
    if results is None:
        results = _loop_timing(commands, runs)
        how = "repeated subprocess runs (hyperfine not installed), 3 warm-up runs"
    print(f"start-up, whole process ({how}; {len(make_draft(1)):,}-character one-page .txt, JSON to stdout):")
    for label, r in results.items():
        print(f"  {label:<58} mean {r['mean']:.3f} s ± {r['stddev']:.3f}  best {r['min']:.3f} s  ({r['runs']} runs)")
    warm = results["checklist assess one-page.txt (rule cache warm)"]["mean"]
    ok = warm <= TARGET_STARTUP
    print(f"  target: checklist assess <= {TARGET_STARTUP} s (mean, cache warm)  {verdict(ok)}")
    return ok


# ---------------------------------------------------------------- batch


def write_drafts(folder: Path, count: int, pages: float) -> float:
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    for i in range(count):
        (folder / f"draft-{i:05d}.txt").write_text(make_draft(pages, seed=i), encoding="utf-8")
    return time.perf_counter() - t0


def batch(work: Path, count: int, pages: float, jobs: int, formats: str, sample: int) -> bool:
    drafts = work / "drafts"
    made = write_drafts(drafts, count, pages)
    size = sum(p.stat().st_size for p in drafts.iterdir())
    print(f"\nbatch: {count:,} synthetic {pages:g}-page drafts ({size / 2**20:.1f} MB; written in {made:.1f} s, "
          f"not timed); {cpu_count()} CPU(s) available")
    cli = checklist_command()
    env = {**os.environ, "CHECKLIST_CACHE_DIR": str(work / "cache")}
    reports = work / "reports"
    t0 = time.perf_counter()
    res = subprocess.run([*cli, "assess", str(drafts), "-o", str(reports), "--format", formats,
                          "--jobs", str(jobs)], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if res.returncode != 0:
        print(f"  the batch command failed (exit {res.returncode}): {res.stderr.strip()[-500:]}")
        return False
    written = sum(1 for _ in reports.iterdir())
    rows = sum(1 for _ in (reports / "matrix.csv").open(encoding="utf-8-sig")) - 1
    ok = elapsed <= TARGET_BATCH * count / DRAFTS
    print(f"  checklist assess drafts/ -o reports/ --format {formats} --jobs {jobs}: {elapsed:.1f} s "
          f"({1000 * elapsed / count:.1f} ms a draft; {written:,} files written, matrix.csv {rows:,} rows)")

    # the loop, over a sample, extrapolated
    picked = sorted(drafts.iterdir())[:: max(1, count // sample)][:sample]
    loop_out = work / "loop"
    loop_out.mkdir()
    t0 = time.perf_counter()
    for p in picked:
        subprocess.run([*cli, "assess", str(p), "-o", str(loop_out / f"{p.stem}.json")], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    per_call = (time.perf_counter() - t0) / len(picked)
    loop_total = per_call * count
    print(f"  beside it, a loop of single calls (checklist assess FILE -o FILE.json, JSON only, one after "
          f"another): {per_call:.3f} s a call, timed over a sample of {len(picked)} drafts and extrapolated "
          f"to {count:,}: about {loop_total:.0f} s, {loop_total / elapsed:.1f}x the batch")
    target = TARGET_BATCH * count / DRAFTS
    print(f"  target: {count:,} drafts in <= {target:.0f} s"
          + ("" if count == DRAFTS else f" (60 s for {DRAFTS:,}, scaled)") + f"  {verdict(ok)}")
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=DRAFTS, help=f"drafts in the batch (default {DRAFTS})")
    parser.add_argument("--pages", type=float, default=PAGES, help=f"pages a draft (default {PAGES})")
    parser.add_argument("--jobs", type=int, default=cpu_count(), help="worker processes (default: CPUs)")
    parser.add_argument("--format", default="json,csv", help="report formats of the batch (default json,csv)")
    parser.add_argument("--sample", type=int, default=SAMPLE, help=f"single calls timed (default {SAMPLE})")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"start-up runs (default {RUNS})")
    parser.add_argument("--no-batch", action="store_true", help="start-up figures only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print it")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="checklist-bench-"))
    try:
        results = [startup(work, args.runs)]
        if not args.no_batch:
            results.append(batch(work, args.drafts, args.pages, args.jobs, args.format, args.sample))
    finally:
        if args.keep:
            print(f"\nkept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    failed = results.count(False)
    print(f"\n{len(results) - failed} PASS, {failed} FAIL")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
