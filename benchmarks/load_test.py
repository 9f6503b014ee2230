"""Load test of the web app under gunicorn: throughput, latency, stored data, and a crash.

    .venv/bin/python benchmarks/load_test.py                       # both worker classes, crash, profile
    .venv/bin/python benchmarks/load_test.py --requests 200 --duration 30 --concurrency 4 --workers 2
    .venv/bin/python benchmarks/load_test.py --worker-class sync --no-crash --no-profile
    .venv/bin/python benchmarks/load_test.py --worker-class sync --kills 10 --no-profile

For each worker class (``sync``, ``gthread``) the script starts
``gunicorn 'checklist.web:create_app()'`` on 127.0.0.1 with a free port and a fresh temporary
database (``CHECKLIST_DATABASE``, ``CHECKLIST_SECRET_KEY``; schema created first with
``flask init-db``), waits until it answers, warms every
worker up, then posts ``--requests`` different 10-page drafts (~30,000 characters) to
``POST /api/v1/assessments`` with storage on, from ``--concurrency`` client threads, and stops
launching requests after ``--duration`` seconds whatever is left. Afterwards it checks the
database with ``sqlite3`` (rows, findings per assessment, orphans, ``PRAGMA integrity_check``)
and reads every returned id back with ``GET /api/v1/assessments/<id>``.

The crash test repeats the load on the faster worker class and sends SIGKILL to one gunicorn
worker (a child of the master holding a client connection) a third of the way in, or to
``--kills K`` workers one after another; gunicorn respawns each. The worker is stopped
(SIGSTOP) just before, so that the connections it holds when it dies can be counted exactly. It passes when no assessment
is half-written and the client saw at most the requests the killed workers held fail.

The profile times the same drafts in-process: the engine alone, and the whole request through
Flask's test client, split by stage with cProfile.

Only 127.0.0.1 is contacted. Every loop is bounded in count and time. Exit status 1 when a
target is missed. The figures are described in ``benchmarks/LOAD.md``.
"""
from __future__ import annotations

import argparse
import cProfile
import http.client
import json
import os
import pstats
import random
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

from clauses import make_draft  # noqa: E402

HOST = "127.0.0.1"
PAGES = 10
BASES = 12                       # distinct 10-page drafts; each request varies one of them
TARGET_RATE = 50.0               # assessments per second on 2 cores
TARGET_P99 = 0.500               # seconds
REQUEST_TIMEOUT = 60.0           # one request, seconds
START_TIMEOUT = 30.0             # gunicorn answering, seconds
RESPAWN_TIMEOUT = 30.0           # a killed worker replaced, seconds
PROFILE_REQUESTS = 20
ENDPOINT = "/api/v1/assessments"
CLEAR_ENV = ("CHECKLIST_API_TOKEN", "CHECKLIST_LOGIN_USER", "CHECKLIST_LOGIN_PASSWORD",
             "CHECKLIST_MAX_UPLOAD_MB")


# ---------------------------------------------------------------- drafts

# A closing article written for this file: each request's draft is one of the BASES drafts of
# ``clauses.make_draft`` with these details changed, so every sha256 differs (no dedupe) while
# the work per request stays that of a real 10-page draft.
CITIES = ["Geneva", "Vienna", "Istanbul", "Helsinki", "Oslo", "Doha", "Minsk", "Riyadh"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
DEPOSITARIES = ["the Secretary-General of the United Nations", "the Chairperson-in-Office of the "
                "OSCE", "the Government of Switzerland", "the International Committee of the "
                "Red Cross"]
CLOSING = """\
Final clauses

1. This Agreement shall enter into force on the day of its signature and shall remain in force
until it is replaced by a comprehensive settlement agreed by the Parties.
2. The Parties shall meet within {days} days of the signature of this Agreement to review its
implementation, with the participation of {depositary}.
3. The original of this Agreement shall be deposited with {depositary}, which shall transmit
certified copies to the Parties and register it under number {number}.

Done at {city} on {day} {month} 2025, in {copies} originals in the English, Ukrainian and
Russian languages, all texts being equally authentic.
"""


def make_payloads(n: int, run: str) -> list[bytes]:
    """``n`` JSON request bodies, each a different ~30,000-character draft (seeded, repeatable)."""
    bases = [make_draft(PAGES, seed=s) for s in range(BASES)]
    rng = random.Random(f"load-{run}")
    bodies = []
    for i in range(n):
        closing = CLOSING.format(
            days=rng.choice([14, 21, 30, 45, 60, 90]), depositary=rng.choice(DEPOSITARIES),
            number=f"{run.upper()}-{i:05d}", city=rng.choice(CITIES), day=rng.randint(1, 28),
            month=rng.choice(MONTHS), copies=rng.choice(["two", "three", "four"]))
        text = bases[i % BASES] + "\n\n" + closing
        bodies.append(json.dumps({"text": text, "title": f"load {run} {i}",
                                  "document_kind": "agreement", "store": True}).encode())
    return bodies


# ---------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (gunicorn's workers, when ``pid`` is the master)."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far (0 when it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores, all processes) since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)          # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def stopped(pid: int, timeout: float = 1.0) -> bool:
    """Wait (bounded) until process ``pid`` is in the stopped state after a SIGSTOP."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        if stat.rsplit(")", 1)[1].split()[0] in ("T", "t"):
            return True
        time.sleep(0.0005)
    return False


def connections(pid: int, port: int) -> int:
    """Established TCP connections to ``port`` that process ``pid`` holds open: the requests a
    gunicorn worker has accepted and not finished."""
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return 0
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            local_port = int(cols[1].rsplit(":", 1)[1], 16)
            if local_port == port and cols[3] == "01" and cols[9] in inodes:
                count += 1
    return count


@dataclass
class Server:
    worker_class: str
    workers: int
    threads: int
    preload: bool
    init_db: bool
    tmp: Path
    port: int = 0
    proc: subprocess.Popen | None = None

    @property
    def database(self) -> Path:
        return self.tmp / "checklist.sqlite"

    @property
    def log(self) -> Path:
        return self.tmp / "gunicorn.log"

    def start(self) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in CLEAR_ENV}
        env.update(CHECKLIST_DATABASE=str(self.database), CHECKLIST_SECRET_KEY=secrets.token_hex(32))
        if self.init_db:
            # create the schema in one process first, as a deployment does: workers booting
            # at once on a new database race in storage.migrate (see LOAD.md, --no-init-db)
            subprocess.run([sys.executable, "-m", "flask", "--app", "checklist.web", "init-db"],
                           cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)
        cmd = [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-k", self.worker_class,
               "-b", f"{HOST}:{self.port}", "--timeout", "60", "--graceful-timeout", "10",
               "--log-level", "warning"]
        if self.worker_class == "gthread":
            cmd += ["--threads", str(self.threads)]
        if self.preload:
            cmd.append("--preload")
        cmd.append("checklist.web:create_app()")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.log.read_text()}")
            try:
                status, _ = request("GET", self.port, "/api/v1/rule-sets", timeout=2)
                if status == 200 and len(children(self.proc.pid)) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT:.0f} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def worker_pids(self) -> list[int]:
        return children(self.proc.pid)

    def label(self) -> str:
        threads = f"x{self.threads} threads" if self.worker_class == "gthread" else ""
        return f"{self.worker_class} -w {self.workers}{threads}{' preload' if self.preload else ''}"


@contextmanager
def running(**kwargs):
    with tempfile.TemporaryDirectory(prefix="checklist-load-") as tmp:
        server = Server(tmp=Path(tmp), **kwargs)
        server.start()
        try:
            yield server
        finally:
            server.stop()


# ---------------------------------------------------------------- the client


def request(method: str, port: int, path: str, body: bytes | None = None,
            timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes]:
    """One request on a new connection (gunicorn's sync workers close it after each response)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class Result:
    index: int
    start: float
    end: float
    status: int | None          # None: no HTTP response (connection reset, timeout ...)
    body: bytes = b""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 201

    @property
    def latency(self) -> float:
        return self.end - self.start


@dataclass
class Load:
    """The requests of one run, and what happened while it ran."""
    results: list[Result] = field(default_factory=list)
    wall: float = 0.0
    unsent: int = 0             # requests not launched because the duration ran out
    client_cpu: float = 0.0
    server_cpu: float | None = None
    machine_cpu: float = 0.0    # every process on the machine, during the run
    inflight: dict[int, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    done: int = 0


def drive(port: int, bodies: list[bytes], concurrency: int, duration: float,
          during=None) -> Load:
    """Post every body, from ``concurrency`` threads, launching none after ``duration`` seconds.
    ``during(load)`` runs in its own thread while the load runs (the crash test)."""
    load = Load()
    counter = iter(range(len(bodies)))
    t0 = time.perf_counter()
    deadline = t0 + duration

    def worker():
        while True:
            with load.lock:
                index = next(counter, None)
                if index is None:
                    return
                if time.perf_counter() > deadline:
                    load.unsent += 1
                    continue
                start = time.perf_counter()
                load.inflight[index] = start
            try:
                status, body = request("POST", port, ENDPOINT, bodies[index])
                result = Result(index, start, time.perf_counter(), status, body)
                if status != 201:
                    result.error = f"HTTP {status}"
            except (OSError, http.client.HTTPException) as exc:
                result = Result(index, start, time.perf_counter(), None, error=type(exc).__name__)
            with load.lock:
                del load.inflight[index]
                load.results.append(result)
                load.done += 1

    cpu0, busy0 = time.process_time(), busy_seconds()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    side = threading.Thread(target=during, args=(load,), daemon=True) if during else None
    for t in threads:
        t.start()
    if side:
        side.start()
    for t in threads:
        t.join(duration + REQUEST_TIMEOUT + 10)
    if side:
        side.join(RESPAWN_TIMEOUT + duration)
    load.wall = time.perf_counter() - t0
    load.client_cpu = time.process_time() - cpu0
    load.machine_cpu = busy_seconds() - busy0
    load.results.sort(key=lambda r: r.index)
    return load


def warm_up(server: Server, concurrency: int) -> list[float]:
    """A few unstored assessments so that every worker has loaded the rule library and compiled
    its patterns before the clock starts; returns their latencies."""
    body = json.dumps({"text": make_draft(PAGES, seed=999), "store": False}).encode()
    out: list[float] = []
    lock = threading.Lock()

    def one():
        t = time.perf_counter()
        status, _ = request("POST", server.port, ENDPOINT, body)
        with lock:
            out.append(time.perf_counter() - t if status == 200 else float("nan"))

    n = max(2 * server.workers * max(server.threads, 1), concurrency)
    threads = [threading.Thread(target=one, daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(REQUEST_TIMEOUT)
    return out


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (``p`` in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def summary(load: Load) -> dict:
    ok = [r for r in load.results if r.ok]
    lat = [r.latency for r in ok]
    span = (max(r.end for r in load.results) - min(r.start for r in load.results)) if load.results else 0
    return {"sent": len(load.results), "ok": len(ok), "errors": len(load.results) - len(ok),
            "unsent": load.unsent, "seconds": span, "rate": len(ok) / span if span else 0.0,
            "p50": percentile(lat, 50), "p90": percentile(lat, 90), "p99": percentile(lat, 99),
            "max": max(lat) if lat else float("nan"), "client_cpu": load.client_cpu,
            "server_cpu": load.server_cpu, "machine_cpu": load.machine_cpu,
            "others_cpu": (load.machine_cpu - load.server_cpu - load.client_cpu
                           if load.server_cpu is not None else None),
            "error_kinds": sorted({r.error for r in load.results if r.error})}


# ---------------------------------------------------------------- checks afterwards


def returned_ids(load: Load) -> tuple[list[int], list[str]]:
    ids, problems = [], []
    for r in load.results:
        if not r.ok:
            continue
        try:
            ids.append(int(json.loads(r.body)["id"]))
        except (ValueError, KeyError, TypeError):
            problems.append(f"request {r.index}: 201 without an id")
    return ids, problems


def read_back(port: int, ids: list[int], demands: int, concurrency: int) -> list[str]:
    """GET every id (each once, bounded by the list); the problems found."""
    problems: list[str] = []
    lock = threading.Lock()
    todo = iter(sorted(set(ids)))

    def worker():
        while True:
            with lock:
                aid = next(todo, None)
            if aid is None:
                return
            try:
                status, body = request("GET", port, f"{ENDPOINT}/{aid}")
                data = json.loads(body) if status == 200 else {}
                if status != 200:
                    problem = f"GET {aid}: HTTP {status}"
                elif data.get("id") != aid or len(data.get("results", [])) != demands:
                    problem = f"GET {aid}: id {data.get('id')}, {len(data.get('results', []))} results"
                else:
                    problem = None
            except (OSError, http.client.HTTPException, ValueError) as exc:
                problem = f"GET {aid}: {type(exc).__name__}"
            if problem:
                with lock:
                    problems.append(problem)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(REQUEST_TIMEOUT * 2)
    return problems


def inspect_database(path: Path, demands: int) -> dict:
    """What ``sqlite3`` reads in the database: counts, findings per assessment, orphans, integrity."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
        per = db.execute("SELECT a.id, count(f.id) FROM assessments a LEFT JOIN findings f"
                         " ON f.assessment_id = a.id GROUP BY a.id").fetchall()
        return {
            "documents": one("SELECT count(*) FROM documents"),
            "assessments": one("SELECT count(*) FROM assessments"),
            "findings": one("SELECT count(*) FROM findings"),
            "ids": {aid for aid, _ in per},
            "half_written": sorted(aid for aid, n in per if n != demands),
            "orphan_findings": one("SELECT count(*) FROM findings WHERE assessment_id NOT IN"
                                   " (SELECT id FROM assessments)"),
            "orphan_assessments": one("SELECT count(*) FROM assessments WHERE document_id NOT IN"
                                      " (SELECT id FROM documents)"),
            "integrity": one("PRAGMA integrity_check"),
            "foreign_key_errors": len(db.execute("PRAGMA foreign_key_check").fetchall()),
        }
    finally:
        db.close()


def verify(server: Server, load: Load, demands: int, concurrency: int) -> dict:
    ids, problems = returned_ids(load)
    problems += read_back(server.port, ids, demands, concurrency)
    server.stop()                                  # a quiet database for the checks
    db = inspect_database(server.database, demands)
    acked = set(ids)
    return {**db, "ids": None, "acknowledged": len(ids), "duplicate_ids": len(ids) - len(acked),
            "lost": sorted(acked - db["ids"]), "unacknowledged": sorted(db["ids"] - acked),
            "read_problems": problems, "demands": demands}


# ---------------------------------------------------------------- the runs


def run_load(args, worker_class: str, run: str, crash: bool = False) -> dict:
    bodies = make_payloads(args.requests, run)
    with running(worker_class=worker_class, workers=args.workers, threads=args.threads,
                 preload=args.preload, init_db=not args.no_init_db) as server:
        warm = warm_up(server, args.concurrency)
        pids = server.worker_pids()
        cpu0 = sum(cpu_seconds(p) for p in pids)
        kills: list[dict] = []
        during = (lambda load: kill_workers(server, load, args.requests, args.kills, kills)) if crash else None
        load = drive(server.port, bodies, args.concurrency, args.duration, during)
        if not crash:
            load.server_cpu = sum(cpu_seconds(p) for p in pids) - cpu0
        out = {"label": server.label() + (" +kill" if crash else ""), "worker_class": worker_class, "warm_up": warm,
               **summary(load), "kills": kills}
        out["check"] = verify(server, load, args.demands, args.concurrency)
        if crash:
            out["crash"] = crash_outcome(load, kills)
        log = server.log.read_text(errors="replace")
        out["log_tail"] = log.strip().splitlines()[-5:]
    return out


def kill_workers(server: Server, load: Load, n: int, count: int, kills: list[dict]) -> None:
    """``count`` times, evenly spread over the run (the first a third of the way in for one),
    SIGKILL a worker that holds a client connection, then wait (bounded) until gunicorn has
    started its replacement."""
    end = time.monotonic() + RESPAWN_TIMEOUT * count + 120
    for j in range(count):
        kill: dict = {}
        kills.append(kill)
        while load.done < n * (j + 1) / (count + 2) and time.monotonic() < end:
            time.sleep(0.01)
        victim = None
        pick_until = time.monotonic() + 5
        while victim is None and time.monotonic() < pick_until:
            victim = next((pid for pid in server.worker_pids() if connections(pid, server.port)), None)
            if victim is None:
                time.sleep(0.005)
        if victim is None:
            kill["error"] = "no worker held a connection within 5 s"
            return
        before = set(server.worker_pids())      # taken first: the replacement can come within ms
        with load.lock:             # nothing starts or finishes on the client side meanwhile
            # Stopped first, the worker can accept no connection between the count and the kill
            # (counted while it ran, it could take one from the listen queue in between).
            os.kill(victim, signal.SIGSTOP)
            stopped(victim)
            held = connections(victim, server.port)
            os.kill(victim, signal.SIGKILL)
            kill.update(pid=victim, held=held, at=time.perf_counter(), done=load.done,
                        inflight=set(load.inflight))
        respawn_end = min(end, time.monotonic() + RESPAWN_TIMEOUT)
        while "new_pid" not in kill and time.monotonic() < respawn_end:
            now = set(server.worker_pids())
            if victim not in now and len(now) == server.workers and now - before:
                kill["respawned_after"] = time.perf_counter() - kill["at"]
                kill["new_pid"] = sorted(now - before)[0]
            else:
                time.sleep(0.02)
        if "new_pid" not in kill:
            return


def crash_outcome(load: Load, kills: list[dict]) -> dict:
    failed = {r.index for r in load.results if not r.ok}
    inflight = set().union(*(k.get("inflight", set()) for k in kills))
    return {"failed": len(failed), "held": sum(k.get("held", 0) for k in kills),
            "inflight_at_kill": len(inflight), "failed_outside_inflight": len(failed - inflight),
            "all_respawned": bool(kills) and all("new_pid" in k for k in kills)}


# ---------------------------------------------------------------- profile in-process


def profile_in_process(n: int) -> dict:
    """Time the engine alone and the whole request (Flask test client, temporary database) on
    drafts like the load test's; split the request by stage with cProfile."""
    from checklist.assessment import assess
    from checklist.documents import document_from_text
    from checklist.rules import bundled_library
    from checklist.web import create_app

    library = bundled_library()
    bodies = make_payloads(n, "profile")
    texts = [json.loads(b)["text"] for b in bodies]
    assess(document_from_text(texts[0], "warm-up"), library=library)
    engine = []
    for text in texts:
        t = time.perf_counter()
        assess(document_from_text(text, "profile draft"), library=library)
        engine.append(time.perf_counter() - t)
    with tempfile.TemporaryDirectory(prefix="checklist-profile-") as tmp:
        app = create_app({"DATABASE": str(Path(tmp) / "p.sqlite"), "SECRET_KEY": "profile"})
        client = app.test_client()
        client.post(ENDPOINT, data=make_payloads(1, "warm")[0], content_type="application/json")
        whole = []
        for body in bodies:
            t = time.perf_counter()
            response = client.post(ENDPOINT, data=body, content_type="application/json")
            whole.append(time.perf_counter() - t)
            assert response.status_code == 201, response.get_data(as_text=True)[:300]
        prof = cProfile.Profile()
        for body in make_payloads(n, "profiled"):
            prof.enable()
            response = client.post(ENDPOINT, data=body, content_type="application/json")
            prof.disable()
            assert response.status_code == 201, response.get_data(as_text=True)[:300]
    stats = pstats.Stats(prof)
    stages = {
        "read JSON body + validate": [("api.py", "_submission")],
        "engine (read text + assess)": [("service.py", "read_submission"), ("assessment.py", "assess")],
        "storage.save_assessment": [("storage.py", "save_assessment")],
        "reload + dump response (_stored)": [("api.py", "_stored")],
    }
    cum = {}
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        cum[(Path(filename).name, name)] = cum.get((Path(filename).name, name), 0.0) + ct
    profiled = cum.get(("api.py", "create_assessment"), 0.0) / n
    split = {stage: sum(cum.get(k, 0.0) for k in keys) / n for stage, keys in stages.items()}
    buf = []
    for (filename, line, name), (_cc, _nc, tt, _ct, _c) in sorted(
            stats.stats.items(), key=lambda kv: -kv[1][2])[:10]:
        buf.append((tt / n, f"{Path(filename).name}:{line}({name})"))
    return {"n": n, "engine": engine, "whole": whole, "split": split, "profiled": profiled,
            "top": buf}


# ---------------------------------------------------------------- printing


def ms(x) -> str:
    return "-" if x is None or x != x else f"{x * 1000:,.0f}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def code_version() -> str:
    """The commit measured, and the files under checklist/ changed since (the working tree runs)."""
    def git(*a):
        try:
            return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True,
                                  timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return ""
    head = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    dirty = [line[3:] for line in git("status", "--porcelain", "--", "checklist").splitlines()]
    return f"commit {head}" + (f", with uncommitted changes to {', '.join(dirty)}" if dirty else "")


def print_runs(runs: list[dict], args) -> None:
    print(f"\ncode: {code_version()}")
    print(f"\nload: {args.requests} drafts of {PAGES} pages (~30,000 characters), storage on, "
          f"{args.concurrency} client threads, at most {args.duration:.0f} s; {args.workers} workers; "
          f"{os.cpu_count()} cores")
    head = (f"{'server':<28} {'sent':>5} {'201':>5} {'err':>4} {'unsent':>6} {'s':>6} {'rate/s':>7} "
            f"{'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'max ms':>7} {'srv CPU ms/req':>15} "
            f"{'client CPU s':>12} {'others CPU s':>12}")
    print(head)
    print("-" * len(head))
    for r in runs:
        srv = (f"{r['server_cpu'] / max(r['ok'], 1) * 1000:,.0f}" if r["server_cpu"] is not None
               else "-")
        name = r["label"]
        print(f"{name:<28} {r['sent']:>5} {r['ok']:>5} {r['errors']:>4} {r['unsent']:>6} "
              f"{r['seconds']:>6.1f} {r['rate']:>7.1f} {ms(r['p50']):>7} {ms(r['p90']):>7} "
              f"{ms(r['p99']):>7} {ms(r['max']):>7} {srv:>15} {r['client_cpu']:>12.2f} "
              f"{'-' if r['others_cpu'] is None else format(r['others_cpu'], '12.1f'):>12}")
    print("  srv CPU: user+system time of the gunicorn workers per assessment; others CPU: what "
          "other processes on the machine used during the run (out of cores x seconds)")
    for r in runs:
        if r["server_cpu"] is not None and r["seconds"]:
            cores = os.cpu_count() or 1
            print(f"  {r['label']}: the workers used {r['server_cpu'] / r['seconds']:.2f} of {cores} cores; "
                  f"the machine was {r['machine_cpu'] / r['seconds'] / cores:.0%} busy")
        warm = [w for w in r["warm_up"] if w == w]
        if warm:
            print(f"  {r['label']}: warm-up (first requests, each worker loads the rules): "
                  f"max {ms(max(warm))} ms")
        if r["error_kinds"]:
            print(f"  {r['label']}: errors seen: {', '.join(r['error_kinds'])}")


def checks_of(r: dict) -> list[tuple[str, bool, str]]:
    c = r["check"]
    d = c["demands"]
    crash = r.get("crash")
    rows = [
        ("every 201 id stored (no row lost)", not c["lost"] and not c["duplicate_ids"],
         f"{c['acknowledged']} ids, {len(c['lost'])} missing, {c['duplicate_ids']} duplicated"),
        ("every 201 id readable by GET", not c["read_problems"],
         f"{c['acknowledged'] - len(c['read_problems'])}/{c['acknowledged']} read back"
         + (f"; first: {c['read_problems'][0]}" if c["read_problems"] else "")),
        ("findings = assessments x demands", c["findings"] == c["assessments"] * d,
         f"{c['findings']} = {c['assessments']} x {d}"),
        ("no assessment half-written", not c["half_written"],
         f"{len(c['half_written'])} with a findings count other than {d}"),
        ("no orphan rows", not c["orphan_findings"] and not c["orphan_assessments"]
         and not c["foreign_key_errors"],
         f"{c['orphan_findings']} findings, {c['orphan_assessments']} assessments, "
         f"{c['foreign_key_errors']} foreign key errors"),
        ("PRAGMA integrity_check", c["integrity"] == "ok", c["integrity"]),
    ]
    if crash:
        # a request killed after its commit but before its answer leaves a complete, unacknowledged row
        rows.append(("rows not acknowledged <= failed requests", len(c["unacknowledged"]) <= crash["failed"],
                     f"{len(c['unacknowledged'])} rows without a 201, {crash['failed']} failed"))
    else:
        rows.append(("assessments rows = 201 responses", c["assessments"] == c["acknowledged"],
                     f"{c['assessments']} rows, {c['acknowledged']} responses"))
    return rows


def print_targets(runs: list[dict], best: dict | None) -> bool:
    ok_all = True
    print("\ntargets")
    for r in runs:
        if r.get("crash"):
            continue
        chosen = " (chosen)" if r is best else ""
        rows = [(f"throughput >= {TARGET_RATE:.0f} assessments/s", r["rate"] >= TARGET_RATE,
                 f"{r['rate']:.1f}/s"),
                (f"p99 latency < {TARGET_P99 * 1000:.0f} ms", r["p99"] < TARGET_P99, f"{ms(r['p99'])} ms"),
                ("0 errors", r["errors"] == 0 and r["unsent"] == 0,
                 f"{r['errors']} errors, {r['unsent']} not sent in time")] + checks_of(r)
        print(f"  {r['label']}{chosen}")
        for name, ok, detail in rows:
            print(f"    {verdict(ok)}  {name:<42} {detail}")
            ok_all &= ok
    for r in runs:
        if not r.get("crash"):
            continue
        cr = r["crash"]
        print(f"  crash test, {r['label']}: {len(r['kills'])} worker(s) killed with SIGKILL under load")
        for k in r["kills"]:
            if "pid" in k:
                print(f"    worker {k['pid']} after {k['done']} requests: it held {k['held']} connection(s), "
                      f"{len(k['inflight'])} requests were in flight on the client; replaced by "
                      f"{k.get('new_pid', 'nothing')} after {ms(k.get('respawned_after'))} ms")
            else:
                print(f"    {k.get('error')}")
        rows = [("every killed worker respawned", cr["all_respawned"],
                 f"{sum('new_pid' in k for k in r['kills'])}/{len(r['kills'])}"),
                ("failed requests <= those the killed held", cr["failed"] <= cr["held"]
                 and not cr["failed_outside_inflight"],
                 f"{cr['failed']} failed, the killed workers held {cr['held']}; "
                 f"{cr['failed_outside_inflight']} failed outside the in-flight set")] + checks_of(r)
        for name, ok, detail in rows:
            print(f"    {verdict(ok)}  {name:<42} {detail}")
            ok_all &= ok
    return ok_all


def print_profile(p: dict, best: dict | None) -> None:
    e, w = statistics.median(p["engine"]), statistics.median(p["whole"])
    cpu = best["server_cpu"] / max(best["ok"], 1) if best and best["server_cpu"] is not None else w
    cores = os.cpu_count() or 1
    print(f"\nwhere the time goes, in-process, {p['n']} drafts (median per request):")
    print(f"  {'engine alone (document_from_text + assess)':<48} {ms(e):>6} ms")
    print(f"  {'whole request, Flask test client + SQLite':<48} {ms(w):>6} ms")
    if best:
        print(f"  {'server CPU per assessment under load':<48} {ms(cpu):>6} ms")
        print(f"  {'server p50 latency under load':<48} {ms(best['p50']):>6} ms")
    print(f"  ceiling on {cores} cores at {ms(cpu)} ms CPU per request: {cores / cpu:.1f} assessments/s; "
          f"{TARGET_RATE:.0f}/s needs <= {cores / TARGET_RATE * 1000:.0f} ms per request")
    print(f"  stages under cProfile (mean per request; the profiler inflates the total to "
          f"{ms(p['profiled'])} ms):")
    for stage, t in p["split"].items():
        print(f"    {stage:<36} {ms(t):>6} ms")
    print("  top functions by own time (mean ms per request):")
    for t, where in p["top"]:
        print(f"    {t * 1000:7.1f}  {where}")


# ---------------------------------------------------------------- main


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per run (default 300)")
    parser.add_argument("--duration", type=float, default=60.0,
                        help="seconds after which a run launches no more requests (default 60)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="threads per gthread worker (default 2)")
    parser.add_argument("--worker-class", choices=("sync", "gthread", "both"), default="both")
    parser.add_argument("--preload", action="store_true", help="gunicorn --preload")
    parser.add_argument("--no-init-db", action="store_true",
                        help="let the workers create the new database themselves (shows the migration race)")
    parser.add_argument("--kills", type=int, default=1,
                        help="workers killed, one after another, during the crash test (default 1)")
    parser.add_argument("--no-crash", action="store_true", help="skip the crash test")
    parser.add_argument("--no-profile", action="store_true", help="skip the in-process profile")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.duration <= 0 or args.concurrency < 1 or args.workers < 1 \
            or args.kills < 1:
        parser.error("--requests, --duration, --concurrency, --workers and --kills must be positive")
    try:
        return measure(args)
    except (RuntimeError, subprocess.CalledProcessError) as exc:    # gunicorn or init-db failed
        detail = exc.stderr.decode(errors="replace") if isinstance(exc, subprocess.CalledProcessError) else ""
        print(f"\nFAIL: the server could not be started: {exc}\n{detail}", file=sys.stderr)
        return 1


def measure(args) -> int:

    from checklist.rules import bundled_library
    args.demands = sum(len(rs.demands) for rs in bundled_library().select())

    classes = ["sync", "gthread"] if args.worker_class == "both" else [args.worker_class]
    runs = []
    for klass in classes:
        print(f"running {args.requests} requests against gunicorn -k {klass} ...", flush=True)
        runs.append(run_load(args, klass, run=klass))
    clean = [r for r in runs if r["errors"] == 0] or runs
    best = max(clean, key=lambda r: (r["rate"], -r["p99"]))
    if not args.no_crash:
        print(f"crash test: {args.requests} requests against gunicorn -k {best['worker_class']}, "
              f"{args.kills} worker(s) killed ...", flush=True)
        runs.append(run_load(args, best["worker_class"], run="crash", crash=True))
    print_runs(runs, args)
    if len(runs) > 1:
        print(f"  chosen worker class: {best['label']} (highest throughput without errors)")
    ok = print_targets(runs, best)
    for r in runs:
        if any("Traceback" in line or "Error" in line for line in r["log_tail"]):
            print(f"\ngunicorn log, {r['label']} (last lines):\n  " + "\n  ".join(r["log_tail"]))
    if not args.no_profile:
        print("\nprofiling in-process ...", flush=True)
        print_profile(profile_in_process(PROFILE_REQUESTS), best)
    print(f"\n{verdict(ok)}: {'every target met' if ok else 'a target was missed (see above)'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
