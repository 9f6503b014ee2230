"""How fast the engine reads and assesses drafts of 1 to 1,000 pages, against the targets.

    .venv/bin/python benchmarks/bench_engine.py                 # table, PASS/FAIL, profiles
    .venv/bin/python benchmarks/bench_engine.py --no-profile    # table and PASS/FAIL only
    .venv/bin/python benchmarks/bench_engine.py --pages 1 10    # fewer sizes (no scaling row)

Drafts come from ``benchmarks/clauses.py`` (seeded, so every run reads the same text). The
tokenising pass and the assessment are run alternately, in 5 rounds that each go through every
size (several runs a round for the small drafts), and the best of each is compared (the median
ratio is shown beside it); the scaling from 100 to 1,000 pages is the median of the rounds' own
ratios; report renderings are the best of 3. The figures are described in
``benchmarks/README.md``. Exit status 1 when a target is missed.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from clauses import make_draft  # noqa: E402

from checklist.assessment import assess  # noqa: E402
from checklist.documents import document_from_text  # noqa: E402
from checklist.engine import Tokens  # noqa: E402
from checklist.rules import bundled_library  # noqa: E402

SIZES = (1, 10, 100, 1000)
ROUNDS = 5                   # rounds through every size; see measure() and runs_for()
REPORT_RUNS = 3              # report renderings
SLOW = 5.0                   # a first run slower than this is not repeated (report timings)
SENTENCE_MARKS = re.compile(r"[.;:!?]")
TARGET_RATIO = 5.0           # full assessment / one tokenising pass
TARGET_SCALING = 11.0        # time(1,000 pages) / time(100 pages), for 10x the text
TARGET_HTML = 1.0            # seconds to render the HTML report of the 100-page draft
TARGET_PDF = 3.0             # seconds to render the PDF briefing of the 100-page draft
REPORT_PAGES = 100
PROFILE_TOP = 15


def best_of(fn, runs: int = REPORT_RUNS) -> float:
    """The fastest of ``runs`` calls (a slow first call is not repeated), with GC off."""
    times = []
    for _ in range(runs):
        times.append(timed(fn))
        if times[0] > SLOW:
            break
    return min(times)


def full_assessment(text: str, library) -> dict:
    """What a user waits for: the text read into a document, then every bundled rule set."""
    return assess(document_from_text(text, "benchmark draft"), library=library)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# ---------------------------------------------------------------- the table


def runs_for(pages: int) -> int:
    """Runs of each timing per round: more for small drafts, whose runs are short."""
    return 5 if pages <= 1 else 3 if pages <= 10 else 1


def timed(fn) -> float:
    """One call's wall time, with the garbage collector paused."""
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0
    finally:
        gc.enable()


def measure(pages_list, library) -> list[dict]:
    """For each size: the tokenising pass and the full assessment, run alternately, in
    ``ROUNDS`` rounds that each go through every size. On a shared machine a burst of load
    from a neighbour then slows both timings of a pair, and both sizes of the scaling
    comparison, rather than one of them. Best and median of each are kept, and each round's
    best assessment time (``rounds_s``), for the scaling figure (see print_table)."""
    texts = {pages: make_draft(pages) for pages in pages_list}
    tok = {pages: [] for pages in pages_list}
    full = {pages: [] for pages in pages_list}
    per_round = {pages: [] for pages in pages_list}
    for _ in range(ROUNDS):
        for pages, text in texts.items():
            this_round = []
            for _ in range(runs_for(pages)):
                tok[pages].append(timed(lambda: Tokens.of(text)))
                this_round.append(timed(lambda: full_assessment(text, library)))
            full[pages] += this_round
            per_round[pages].append(min(this_round))
    rows = []
    for pages, text in texts.items():
        t, f = tok[pages], full[pages]
        rows.append({"pages": pages, "characters": len(text), "runs": len(t),
                     "lines": sum(1 for line in text.split("\n") if line.strip()),
                     "marks": len(SENTENCE_MARKS.findall(text)),
                     "tokens_s": min(t), "assess_s": min(f), "ratio": min(f) / min(t),
                     "median_s": statistics.median(f), "rounds_s": per_round[pages],
                     "median_ratio": statistics.median(f) / statistics.median(t)})
    return rows


def print_table(rows: list[dict]) -> list[bool]:
    print(f"{'pages':>6} {'characters':>11} {'runs':>5} {'tokenise s':>11} {'assess s':>9} {'ratio':>6} "
          f"{'(median)':>8}  target ratio <= {TARGET_RATIO:g}")
    results = []
    for r in rows:
        ok = r["ratio"] <= TARGET_RATIO
        results.append(ok)
        print(f"{r['pages']:>6,} {r['characters']:>11,} {r['runs']:>5} {r['tokens_s']:>11.4f} "
              f"{r['assess_s']:>9.4f} {r['ratio']:>6.2f} {r['median_ratio']:>8.2f}  {verdict(ok)}")
    by_pages = {r["pages"]: r for r in rows}
    if 100 in by_pages and 1000 in by_pages:
        small, large = by_pages[100], by_pages[1000]
        paired = [b / a for a, b in zip(small["rounds_s"], large["rounds_s"])]
        scaling = statistics.median(paired)
        best_scaling = large["assess_s"] / small["assess_s"]
        chars = large["characters"] / small["characters"]
        tok_scaling = large["tokens_s"] / small["tokens_s"]
        lines = large["lines"] / small["lines"]
        marks = large["marks"] / small["marks"]
        ok = scaling <= TARGET_SCALING
        results.append(ok)
        print(f"scaling 100 -> 1,000 pages: assessment x{scaling:.2f}, the median of {len(paired)} "
              f"rounds (each x{min(paired):.2f} to x{max(paired):.2f}; bests x{best_scaling:.2f}; "
              f"tokenising bests x{tok_scaling:.2f}) for x{chars:.2f} the characters, x{lines:.2f} "
              f"the non-blank lines, x{marks:.2f} the punctuation marks; target <= "
              f"x{TARGET_SCALING:g}  {verdict(ok)}")
    return results


# ---------------------------------------------------------------- reports


def measure_reports(library) -> list[bool]:
    """HTML and PDF of the 100-page draft's assessment; skipped if report.render is missing."""
    try:
        from checklist.report import render
    except ImportError as exc:
        print(f"reports: skipped, checklist.report.render cannot be imported ({exc})")
        return []
    assessment = full_assessment(make_draft(REPORT_PAGES), library)
    results = []
    for fmt, target in (("html", TARGET_HTML), ("pdf", TARGET_PDF)):
        try:
            output = render(assessment, fmt, library)
            seconds = best_of(lambda: render(assessment, fmt, library))
        except Exception as exc:   # the report module is being written: say so, keep going
            print(f"report {fmt}: ERROR {type(exc).__name__}: {exc}")
            results.append(False)
            continue
        ok = seconds < target
        results.append(ok)
        print(f"report {fmt} ({REPORT_PAGES} pages): {seconds:.3f} s, {len(output):,} "
              f"{'bytes' if isinstance(output, bytes) else 'characters'}; target < {target:g} s  "
              f"{verdict(ok)}")
    return results


# ---------------------------------------------------------------- memory


def memory_child(pages: int) -> None:
    """Run in a fresh process: one full assessment, then print peak memory as JSON."""
    import resource
    import tracemalloc

    library = bundled_library()
    text = make_draft(pages)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    full_assessment(text, library)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # KB on Linux
    print(json.dumps({"tracemalloc_peak": peak, "maxrss_kb": rss, "maxrss_before_kb": base,
                      "characters": len(text)}))


def measure_memory(pages: int) -> None:
    out = subprocess.run([sys.executable, __file__, "--memory-child", str(pages)],
                         capture_output=True, text=True, check=True)
    m = json.loads(out.stdout.splitlines()[-1])
    print(f"memory ({pages:,} pages, {m['characters']:,} characters, fresh process): "
          f"Python peak {m['tracemalloc_peak'] / 2**20:.0f} MB (tracemalloc), "
          f"process max RSS {m['maxrss_kb'] / 1024:.0f} MB "
          f"({m['maxrss_before_kb'] / 1024:.0f} MB before the assessment)")


# ---------------------------------------------------------------- profiles


def profile(pages: int, library, top: int = PROFILE_TOP) -> None:
    """cProfile of one full assessment: the functions with the most time of their own."""
    text = make_draft(pages)
    prof = cProfile.Profile()
    prof.enable()
    full_assessment(text, library)
    prof.disable()
    stats = pstats.Stats(prof)
    total = stats.total_tt
    print(f"\nprofile, {pages:,} pages ({total:.2f} s under cProfile), top {top} by own time:")
    print(f"{'own s':>7} {'own %':>6} {'cum s':>7} {'calls':>10}  location")
    root = str(HERE.parent) + os.sep
    entries = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    for (file, line, func), (_cc, ncalls, tottime, cumtime, _callers) in entries:
        where = f"{file.replace(root, '')}:{line}({func})" if line else func
        print(f"{tottime:>7.3f} {100 * tottime / total:>5.1f}% {cumtime:>7.3f} {ncalls:>10,}  {where}")
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(r"checklist", 12)
    lines = [ln for ln in buf.getvalue().splitlines() if "checklist" in ln]
    print("by cumulative time (checklist functions):")
    for ln in lines[:12]:
        print("  " + ln.replace(root, "").strip())


# ---------------------------------------------------------------- main


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=list(SIZES),
                        help="draft sizes in pages (default: 1 10 100 1000)")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiles")
    parser.add_argument("--no-reports", action="store_true", help="skip the HTML/PDF timings")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child)
        return 0

    library = bundled_library()          # rule files are read once per process, not timed
    full_assessment(make_draft(1), library)   # warm caches (regex compilation, imports)
    print(f"checklist engine benchmark; Python {sys.version.split()[0]}; {ROUNDS} rounds through every "
          f"size, tokenising and assessing alternately, best of the runs; "
          f"rule sets: {', '.join(rs.id for rs in library.select())}\n")
    results = print_table(measure(args.pages, library))
    if not args.no_reports:
        results += measure_reports(library)
    largest = max(args.pages)
    measure_memory(largest)
    if not args.no_profile:
        for pages in sorted({p for p in args.pages if p >= 100} or {largest}):
            profile(pages, library)
    failed = results.count(False)
    print(f"\n{len(results) - failed} PASS, {failed} FAIL")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
