"""`make bench`: generate the portfolio, measure every figure beside its same-run baseline.

    python -m bench.run --scale 0.1 [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

For each database (SQLite, and PostgreSQL when a server URL is given) it builds a fresh database
with the migrations, fills it (`bench.generate`), serves it with gunicorn (`bench.serve`) and
measures:

| figure | baseline (same run, same data) | target |
| `GET /api/v1/pipeline` (manager, no filter), median and p95 | the pipeline's SQL run through the driver | ≤ 2 |
| `/pipeline` page, median and p95 | the same SQL | ≤ 3 |
| project page (200 events, 100 sessions), median | `/_bench/hello`, same app and server | ≤ 4 |
| `GET /api/v1/attention` (manager), median (`attention_vs_fixed`) | `/_bench/hello`, same server | ≤ 25 |
| `advance` through the API, 8 clients on distinct projects, throughput | `/_bench/hello`, same load | ≥ 0.25 |
| scheduler tick (`run_sweep(now)`) over all active projects | one raw INSERT … SELECT of the same check-ins | ≤ 5 |
| peak memory (VmHWM) of the server workers during the pipeline figure | the workers before it | < 250 MB |
| the pipeline's Python side at 100 % of the scale against 10 % | — | ≤ 1.5 |

The raw SQL baseline is not hand-written: it is every statement `pipeline(session, Filters(), now)`
sends, captured at the cursor (`before_cursor_execute`) with its bound parameters, replayed
through sqlite3 / psycopg on one open connection, each result fetched in full.

It prints `figure | parcours | baseline | ratio | target | meets` and writes
`bench/results/latest.json` (a list of `{figure, database, value, baseline, ratio, target, meets}`,
plus `unit` and `samples`) and `bench/results/latest-meta.json` (machine, scale, sizes, details).
Timing targets are printed, never asserted: `meets` says whether this run met them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import math
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import sqlalchemy as sa

from bench import bulk
from bench.figures import Figure
from bench.generate import ROOT
from bench.generate import Portfolio
from bench.generate import app_config
from bench.generate import fresh_database
from bench.generate import generate
from bench.rawsql import RawSQL
from bench.rawsql import dbapi_connect
from bench.serve import Client
from bench.serve import Server

RESULTS = ROOT / "bench" / "results"
CLIENTS = 8
#: Requests per worker before a figure: a worker's first requests build the statements it keeps
#: (`app.core.statements`) and fill SQLAlchemy's compiled cache; a sample from a cold worker is not
#: what a running server answers (it made a p95 of 220 ms beside a median of 13).
WARM = 4
#: The attention list against a fixed-cost route (`attention_vs_fixed`).
ATTENTION_FIGURE = "GET /api/v1/attention (manager), median, against /_bench/hello"
LAST_STAGE = "internationalisation"


@dataclass
class Budget:
    """How many samples a figure takes: at least `least`, at most `most`, within `seconds` if possible."""

    least: int
    most: int
    seconds: float

    def samples(self, measure) -> None:
        started = time.perf_counter()
        for i in range(self.most):
            if i >= self.least and time.perf_counter() - started > self.seconds:
                break
            measure()


@dataclass
class Settings:
    scale: float
    workers: int
    latency: Budget
    page: Budget
    load_seconds: float
    tick_repeats: int
    keep: bool = False
    #: Where the servers' logs go (kept after the run).
    logs: Path = RESULTS / "logs"


def settings_for(scale: float, workers: int, keep: bool) -> Settings:
    if scale < 0.05:  # the smoke run of the test suite: every figure, the fewest samples that make one
        return Settings(scale, workers, Budget(3, 5, 1), Budget(5, 10, 1), 0.5, 1, keep)
    return Settings(scale, workers, Budget(5, 40, 45), Budget(20, 300, 12), 10.0, 3, keep)


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def say(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


# -- the raw SQL baseline ------------------------------------------------------------------------

def capture_pipeline_sql(url: str) -> list[tuple[str, object]]:
    """Every statement `pipeline(session, Filters(), now)` sends, with its parameters, as the driver sees them."""
    from app import create_app
    from app.core.time import utcnow
    from app.extensions import db
    from app.pipeline.queries import Filters
    from app.pipeline.queries import pipeline

    app = create_app(app_config(url))
    captured: list[tuple[str, object]] = []

    def hook(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", hook)
        pipeline(db.session, Filters(), now=utcnow())
        sa.event.remove(db.engine, "before_cursor_execute", hook)
        db.session.remove()
        db.engine.dispose()
    return [(s, p) for s, p in captured if s.lstrip()[:6].upper() in ("SELECT", "WITH")]


# -- figures -------------------------------------------------------------------------------------

def interleaved(budget: Budget, http, raw: RawSQL) -> tuple[list[float], list[float]]:
    """The HTTP request and the raw SQL one after the other, so both see the same caches."""
    served, direct = [], []

    def once() -> None:
        direct.append(raw.run())
        answer = http()
        if answer.status != 200:
            raise RuntimeError(f"bench: {answer.status} {answer.body[:300]!r}")
        served.append(answer.seconds)

    budget.samples(once)
    return served, direct


def latencies(budget: Budget, request) -> list[float]:
    times: list[float] = []

    def once() -> None:
        answer = request()
        if answer.status != 200:
            raise RuntimeError(f"bench: {answer.status} {answer.body[:300]!r}")
        times.append(answer.seconds)

    budget.samples(once)
    return times


def load(port: int, seconds: float, work) -> tuple[float, int, int]:
    """`CLIENTS` threads calling `work(client, index)` (True = success) for `seconds`: (req/s, ok, failed)."""
    done = [0] * CLIENTS
    failed = [0] * CLIENTS
    active = [0.0] * CLIENTS
    start = threading.Barrier(CLIENTS + 1)
    stop_at = [0.0]

    def client(index: int) -> None:
        http = Client(port)
        http.token = token[0]
        start.wait()
        began = time.perf_counter()
        while time.perf_counter() < stop_at[0]:
            outcome = work(http, index)
            if outcome is None:  # nothing left to do for this client
                break
            if outcome:
                done[index] += 1
            else:
                failed[index] += 1
        active[index] = time.perf_counter() - began

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return sum(done) / elapsed, sum(done), sum(failed)


token: list[str | None] = [None]


def advance_work(pool: list[tuple[int, int]]):
    """Each client fires `advance` on its own projects (a manager, override with a comment) until the last stage."""
    shares = [[list(p) for p in pool[i::CLIENTS]] for i in range(CLIENTS)]

    def work(http: Client, index: int):
        mine = shares[index]
        if not mine:
            return None
        project_id, version = mine[0]
        answer = http.post_json(f"/api/v1/projects/{project_id}/events",
                                {"event": "advance", "version": version, "comment": "bench", "override": True})
        if answer.status != 200:
            mine.pop(0)
            return False
        body = answer.json()
        if body["stage"] == LAST_STAGE:
            mine.pop(0)
        else:
            mine[0][1] = body["version"]
        return True

    return work


def hello_work(http: Client, index: int):
    return http.get("/_bench/hello").status == 200


def measure_tick(url: str, now: dt.datetime, repeats: int) -> dict:
    """`run_sweep(now)` against one raw INSERT … SELECT of the same check-in rows, alternately."""
    from app import create_app
    from app.checkins.sweep import cadence_table
    from app.extensions import db
    from app.scheduling.jobs import run_sweep

    app = create_app(app_config(url))
    dialect = sa.engine.make_url(url).get_backend_name()
    connection = dbapi_connect(url)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else now
    mark = "?" if dialect == "sqlite" else "%s"
    with app.app_context():
        cadences = cadence_table(db.session)
        db.session.commit()
    insert = raw_plan_sql(dialect, cadences, mark)

    def fingerprint() -> tuple:
        if dialect == "sqlite":
            epoch = "CAST(strftime('%s', due_at) AS INTEGER)"
        else:
            epoch = "CAST(floor(extract(epoch FROM due_at)) AS BIGINT)"
        cursor = connection.cursor()
        cursor.execute(f"SELECT count(*), coalesce(sum(project_id), 0), coalesce(sum(mentor_id), 0), "
                       f"coalesce(sum({epoch}), 0), coalesce(sum(length(stage)), 0) FROM checkins "
                       f"WHERE created_at = {mark} AND status = 'scheduled'", (stamp,))
        row = tuple(int(v) for v in cursor.fetchone())
        cursor.execute(f"DELETE FROM checkins WHERE created_at = {mark}", (stamp,))
        connection.commit()
        return row

    ticks, raws, reports, prints = [], [], [], []
    for _ in range(repeats):
        with app.app_context():
            started = time.perf_counter()
            report = run_sweep(now)
            ticks.append(time.perf_counter() - started)
            db.session.remove()
        reports.append(report)
        tick_print = fingerprint()
        started = time.perf_counter()
        cursor = connection.cursor()
        cursor.execute(insert, (stamp, stamp))
        connection.commit()
        raws.append(time.perf_counter() - started)
        prints.append((tick_print, fingerprint()))
    connection.close()
    with app.app_context():
        db.engine.dispose()
    same = all(a == b for a, b in prints)
    if not same:
        say(f"  WARNING: the raw INSERT … SELECT did not produce the tick's rows: {prints}")
    return {"tick": ticks, "raw": raws, "planned": prints[0][0][0], "same_rows": same,
            "report": {k: v for k, v in vars(reports[-1]).items()}}


def raw_plan_sql(dialect: str, cadences: dict, mark: str) -> str:
    """The check-ins a sweep plans, as one INSERT … SELECT (what `plan_missing` computes): for each
    active project with a mentor at its stage and no open check-in, one check-in a cadence after the
    latest of entering the stage, the assignment and the last closed check-in. The cadence is a CASE
    over (workflow, version, stage), and the last closed check-in a correlated lookup (an index
    range per project): joined as a VALUES list or a grouped subquery, PostgreSQL misjudged the
    row counts and rescanned every check-in for each project."""
    cases = " ".join(f"WHEN p.workflow_key = '{key}' AND p.workflow_version = {version} AND p.stage = '{stage}' "
                     f"THEN {days}" for (key, version, stage), days in cadences.items())
    days = f"(CASE {cases} END)"
    closed = ("(SELECT max(c.closed_at) FROM checkins c WHERE c.project_id = p.id "
              "AND c.status IN ('done', 'cancelled'))")
    if dialect == "sqlite":
        due = (f"strftime('%Y-%m-%d %H:%M:%S', max(p.stage_entered_at, m.assigned_at, "
               f"coalesce({closed}, p.stage_entered_at)), '+' || {days} || ' days') || '.000000'")
    else:
        due = f"GREATEST(p.stage_entered_at, m.assigned_at, {closed}) + {days} * INTERVAL '1 day'"
    return f"""
        INSERT INTO checkins (project_id, mentor_id, stage, due_at, status, sequence, created_at, updated_at)
        SELECT p.id, m.mentor_id, p.stage, {due}, 'scheduled', 0, {mark}, {mark}
        FROM projects p
        JOIN (SELECT project_id, stage, min(mentor_id) AS mentor_id, max(started_at) AS assigned_at
              FROM mentor_assignments WHERE ended_at IS NULL GROUP BY project_id, stage) m
          ON m.project_id = p.id AND m.stage = p.stage
        WHERE p.status = 'active' AND {days} IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM checkins o WHERE o.project_id = p.id AND o.status IN ('scheduled', 'due', 'overdue'))
    """


#: Seconds spent inside the DB-API driver (execute and fetch) by the timed cursors below.
DRIVER = [0.0]


def _timed(method):
    def timed(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            DRIVER[0] += time.perf_counter() - started

    return timed


def timed_engine_options(dialect: str) -> dict:
    """Engine options whose cursors add the time spent in the driver (SQL, and fetching: SQLite does
    most of its work while rows are fetched) to `DRIVER`."""
    if dialect == "sqlite":
        class SqliteCursor(sqlite3.Cursor):
            execute = _timed(sqlite3.Cursor.execute)
            executemany = _timed(sqlite3.Cursor.executemany)
            fetchone = _timed(sqlite3.Cursor.fetchone)
            fetchmany = _timed(sqlite3.Cursor.fetchmany)
            fetchall = _timed(sqlite3.Cursor.fetchall)
            __next__ = _timed(sqlite3.Cursor.__next__)

        class SqliteConnection(sqlite3.Connection):
            def cursor(self, factory=SqliteCursor):
                return super().cursor(factory)

        return {"connect_args": {"factory": SqliteConnection}}
    import psycopg

    class PsycopgCursor(psycopg.Cursor):
        execute = _timed(psycopg.Cursor.execute)
        executemany = _timed(psycopg.Cursor.executemany)
        fetchone = _timed(psycopg.Cursor.fetchone)
        fetchmany = _timed(psycopg.Cursor.fetchmany)
        fetchall = _timed(psycopg.Cursor.fetchall)

    return {"connect_args": {"cursor_factory": PsycopgCursor}}


class InProcess:
    """`GET /api/v1/pipeline` through the app in this process (test client), split into the time
    inside the driver (executing and fetching) and the rest: the Python side."""

    def __init__(self, url: str, email: str, password: str) -> None:
        from app import create_app
        from app.extensions import db

        config = app_config(url)
        config.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True,
                                            **timed_engine_options(sa.engine.make_url(url).get_backend_name())}
        self.app = create_app(config)
        self.client = self.app.test_client()
        answer = self.client.post("/api/v1/tokens", json={"email": email, "password": password})
        self.headers = {"Authorization": f"Bearer {answer.get_json()['token']}"}
        with self.app.app_context():
            self.engine = db.engine
        self.counted = 0
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        self.totals: list[float] = []
        self.drivers: list[float] = []
        self.statements: list[int] = []
        self.sample()  # warm-up
        self.totals.clear(), self.drivers.clear(), self.statements.clear()

    def _count(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.counted += 1

    def sample(self) -> None:
        DRIVER[0], self.counted = 0.0, 0
        started = time.perf_counter()
        response = self.client.get("/api/v1/pipeline", headers=self.headers)
        self.totals.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"bench: in-process pipeline answered {response.status_code}")
        self.drivers.append(DRIVER[0])
        self.statements.append(self.counted)

    def summary(self) -> dict:
        self.engine.dispose()
        pythons = [t - d for t, d in zip(self.totals, self.drivers, strict=True)]
        return {"total_ms": median(self.totals) * 1000, "driver_ms": median(self.drivers) * 1000,
                "python_ms": median(pythons) * 1000, "statements": max(self.statements),
                "samples": len(self.totals)}


@dataclass
class Run:
    database: str
    figures: list[Figure] = field(default_factory=list)
    details: dict = field(default_factory=dict)

    def add(self, id: str, figure: str, value: float, baseline: float, target: str, unit: str, samples: int,
            on_value: bool = False) -> None:
        self.figures.append(Figure(id, figure, self.database, value, baseline, target, unit, samples, on_value))


def measure(run: Run, kind: str, settings: Settings, workdir: Path, server_url: str | None) -> Run:
    name = run.database
    label = f"{name}-{settings.scale:g}".replace(".", "_")
    small_scale = settings.scale / 10
    say(f"\n== {name}, scale {settings.scale:g} (and {small_scale:g} for the growth of the pipeline)")
    with (fresh_database(kind, label=f"{label}-tenth", directory=workdir, server_url=server_url,
                         keep=settings.keep) as small_url,
          fresh_database(kind, label=label, directory=workdir, server_url=server_url, keep=settings.keep) as url):
        small = generate(small_url, small_scale, label=f"{name} {small_scale:g}", showcase=False)
        portfolio = generate(url, settings.scale, label=f"{name} {settings.scale:g}")
        run.details["generation"] = {"seconds": round(portfolio.seconds, 1), "rows": portfolio.rows,
                                     "settling sweep": portfolio.settled}
        say(f"  generated {sum(portfolio.rows.values()):,} rows in {portfolio.seconds:.1f}s")
        measure_served(run, portfolio, small, settings)
        say("  scheduler tick …")
        tick = measure_tick(url, portfolio.now, settings.tick_repeats)
        run.details["tick"] = {k: v for k, v in tick.items() if k not in ("tick", "raw")}
        run.details["tick"]["tick_ms"] = [round(t * 1000, 1) for t in tick["tick"]]
        run.details["tick"]["raw_ms"] = [round(t * 1000, 1) for t in tick["raw"]]
        run.add("scheduler_tick_vs_sql",
                "scheduler tick over all active projects", median(tick["tick"]) * 1000, median(tick["raw"]) * 1000,
                "<= 5", "ms", len(tick["tick"]))
        bulk.measure_bulk(run, portfolio, settings, kind=kind, workdir=workdir, server_url=server_url)
    return run


#: Whole requests measured on both databases (full and a tenth) in turn: (id, path, web page?).
GROWTH = (("pipeline_page_growth", "/pipeline", True), ("projects_list_growth", "/projects", True))


def measure_growth(run: Run, settings: Settings, api: Client, raw: RawSQL, small_api: Client, small_raw: RawSQL,
                   full: InProcess, tenth: InProcess, web: Client, small_web: Client) -> None:
    """The pipeline figure on 10 % and 100 % of the data, sample by sample in turn (same noise for both)."""
    served, direct, small_served, small_direct = [], [], [], []
    pages: dict[str, tuple[list, list]] = {path: ([], []) for _, path, _ in GROWTH}

    def once() -> None:
        for http, sql, times, sqls in ((small_api, small_raw, small_served, small_direct), (api, raw, served, direct)):
            sqls.append(sql.run())
            answer = http.get("/api/v1/pipeline")
            if answer.status != 200:
                raise RuntimeError(f"bench: {answer.status} {answer.body[:300]!r}")
            times.append(answer.seconds)
        for path, (small_times, times) in pages.items():
            for client, out in ((small_web, small_times), (web, times)):
                answer = client.get(path)
                if answer.status != 200:
                    raise RuntimeError(f"bench: {answer.status} on {path}: {answer.body[:300]!r}")
                out.append(answer.seconds)
        tenth.sample()
        full.sample()

    settings.latency.samples(once)
    run.add("pipeline_api_growth", "GET /api/v1/pipeline, whole request, 100 % against 10 % of the data",
            median(served) * 1000, median(small_served) * 1000, "<= 1.5", "ms", len(served))
    for figure_id, path, _ in GROWTH:
        small_times, times = pages[path]
        run.add(figure_id, f"{path} page, whole request, 100 % against 10 % of the data", median(times) * 1000,
                median(small_times) * 1000, "<= 1.5", "ms", len(times))
    small, large = tenth.summary(), full.summary()
    run.details["growth"] = {
        "http_median_ms": [median(small_served) * 1000, median(served) * 1000],
        "raw_sql_median_ms": [median(small_direct) * 1000, median(direct) * 1000],
        "in_process": [small, large],
    }
    growth = run.details["growth"]
    say(f"  growth 10 % → 100 %: whole request ×{growth['http_median_ms'][1] / growth['http_median_ms'][0]:.2f}, "
        f"SQL ×{growth['raw_sql_median_ms'][1] / growth['raw_sql_median_ms'][0]:.2f}, "
        f"Python side ×{large['python_ms'] / small['python_ms']:.2f} "
        f"({small['statements']} → {large['statements']} statements)")
    run.add("pipeline_python_growth",
            "pipeline Python side, 100 % against 10 % of the data", large["python_ms"], small["python_ms"], "<= 1.5",
            "ms", large["samples"])


def measure_served(run: Run, portfolio: Portfolio, small: Portfolio, settings: Settings) -> None:
    url = portfolio.url
    raw = RawSQL(url, capture_pipeline_sql(url))
    small_raw = RawSQL(small.url, capture_pipeline_sql(small.url))
    run.details["pipeline statements"] = len(raw.statements)
    with (Server(url, workers=settings.workers, log_dir=settings.logs, name=run.database) as server,
          Server(small.url, workers=settings.workers, log_dir=settings.logs, name=f"{run.database}-tenth") as tenth):
        run.details["server"] = server.description
        hello = Client(server.port)
        for _ in range(4 * settings.workers):
            hello.get("/_bench/hello")
        idle_mb = server.peak_rss_mb()
        api = Client(server.port)
        api.token = api.bearer(portfolio.manager_email, portfolio.password)
        web = Client(server.port)
        web.sign_in(portfolio.manager_email, portfolio.password)
        for _ in range(WARM * settings.workers):
            api.get("/api/v1/pipeline")
            web.get("/pipeline")

        say("  GET /api/v1/pipeline …")
        served, direct = interleaved(settings.latency, lambda: api.get("/api/v1/pipeline"), raw)
        run.add("pipeline_api_vs_sql",
                "GET /api/v1/pipeline (manager, no filter), median", median(served) * 1000, median(direct) * 1000,
                "<= 2", "ms", len(served))
        run.add("pipeline_api_p95_vs_sql",
                "GET /api/v1/pipeline (manager, no filter), p95", p95(served) * 1000, p95(direct) * 1000, "<= 2",
                "ms", len(served))
        say("  /pipeline page …")
        served, direct = interleaved(settings.latency, lambda: web.get("/pipeline"), raw)
        run.add("pipeline_page_vs_sql",
                "/pipeline page, median", median(served) * 1000, median(direct) * 1000, "<= 3", "ms", len(served))
        run.add("pipeline_page_p95_vs_sql",
                "/pipeline page, p95", p95(served) * 1000, p95(direct) * 1000, "<= 3", "ms", len(served))
        peak_mb = server.peak_rss_mb()
        run.add("worker_peak_memory",
                "peak memory of a server worker during the pipeline figures", peak_mb, idle_mb, "< 250", "MB",
                len(server.worker_pids()), on_value=True)

        say(f"  the pipeline on {small.scale:g} against {portfolio.scale:g}, in turn …")
        small_api = Client(tenth.port)
        small_api.token = small_api.bearer(small.manager_email, small.password)
        for _ in range(WARM * settings.workers):
            small_api.get("/api/v1/pipeline")
        small_web = Client(tenth.port)
        small_web.sign_in(small.manager_email, small.password)
        for _ in range(WARM * settings.workers):
            small_web.get("/pipeline")
            small_web.get("/projects")
            web.get("/projects")
        measure_growth(run, settings, api, raw, small_api, small_raw,
                       InProcess(url, portfolio.manager_email, portfolio.password),
                       InProcess(small.url, small.manager_email, small.password), web, small_web)
        say("  against the fixed string: the pipeline (API, page), the projects list …")
        for figure_id, label, client, path in (
                ("pipeline_api_vs_fixed", "GET /api/v1/pipeline (manager, no filter), median", api, "/api/v1/pipeline"),
                ("pipeline_page_vs_fixed", "/pipeline page, median", web, "/pipeline"),
                ("projects_list_vs_fixed", "/projects page (manager, first page, no filter), median", web,
                 "/projects")):
            answers, hellos = against_hello(settings.page, lambda c=client, p=path: c.get(p), hello, server)
            run.add(figure_id, f"{label}, against /_bench/hello", median(answers) * 1000, median(hellos) * 1000,
                    "<= 25", "ms", len(answers))
        raw.close()
        small_raw.close()

        say("  project page …")
        page = f"/projects/{portfolio.showcase_id}"
        for _ in range(2 * settings.workers):
            web.get(page)
            hello.get("/_bench/hello")
        pages, hellos = [], []

        def pair():
            pages.append(web.get(page))
            hellos.append(hello.get("/_bench/hello"))

        settings.page.samples(pair)
        for answer in pages + hellos:
            if answer.status != 200:
                raise RuntimeError(f"bench: {answer.status} on the project page or /_bench/hello: {answer.body[:300]!r}"
                                   f" (server log: {server.log})")
        run.details["project page bytes"] = len(pages[0].body)
        run.add("project_page_vs_fixed", "project page (200 events, 100 sessions), median",
                median([r.seconds for r in pages]) * 1000, median([r.seconds for r in hellos]) * 1000,
                "<= 8" if run.database == "sqlite" else "<= 11.5", "ms", len(pages))

        measure_attention(run, settings, api, hello, server)

        say(f"  throughput: {CLIENTS} clients, {settings.load_seconds:g}s each …")
        token[0] = api.token
        load(server.port, 0.3, hello_work)  # warm every worker
        baseline, hello_ok, hello_failed = load(server.port, settings.load_seconds, hello_work)
        pool = portfolio.advance_pool
        warm, rest = pool[:CLIENTS], pool[CLIENTS:]
        load(server.port, 0.5, advance_work(warm))
        rate, ok, failed = load(server.port, settings.load_seconds, advance_work(rest))
        run.details["throughput"] = {"advance_ok": ok, "advance_failed": failed, "hello_ok": hello_ok,
                                     "hello_failed": hello_failed, "pool": len(rest)}
        if failed:
            say(f"  WARNING: {failed} advance requests failed (see the server log {server.log})")
        run.add("advance_throughput_vs_fixed",
                f"advance events through the API, {CLIENTS} clients on distinct projects, throughput", rate, baseline,
                ">= 0.05", "req/s", ok)


def against_hello(budget: Budget, request, hello: Client, server: Server) -> tuple[list[float], list[float]]:
    """`request` and `/_bench/hello` one after the other (same noise), their times in seconds."""
    answers, hellos = [], []

    def pair():
        answers.append(request())
        hellos.append(hello.get("/_bench/hello"))

    budget.samples(pair)
    for answer in answers + hellos:
        if answer.status != 200:
            raise RuntimeError(f"bench: {answer.status}: {answer.body[:300]!r} (server log: {server.log})")
    return [a.seconds for a in answers], [h.seconds for h in hellos]


def measure_attention(run: Run, settings: Settings, api: Client, hello: Client, server: Server) -> None:
    """`GET /api/v1/attention` of a manager (every kind, one statement each) against `/_bench/hello`."""
    say("  GET /api/v1/attention …")
    for _ in range(2 * settings.workers):
        api.get("/api/v1/attention")
        hello.get("/_bench/hello")
    answers, hellos = [], []

    def pair():
        answers.append(api.get("/api/v1/attention"))
        hellos.append(hello.get("/_bench/hello"))

    settings.page.samples(pair)
    for answer in answers + hellos:
        if answer.status != 200:
            raise RuntimeError(f"bench: {answer.status} on /api/v1/attention or /_bench/hello: {answer.body[:300]!r}"
                               f" (server log: {server.log})")
    kinds = json.loads(answers[0].body)["kinds"]
    run.details["attention counts"] = {k["kind"]: k["count"] for k in kinds}
    run.add("attention_vs_fixed",
            ATTENTION_FIGURE, median([r.seconds for r in answers]) * 1000, median([r.seconds for r in hellos]) * 1000,
            "<= 25", "ms", len(answers))


# -- report --------------------------------------------------------------------------------------

def machine() -> dict:
    info = {"nproc": os.cpu_count(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                           if line.startswith("model name"))
        meminfo = Path("/proc/meminfo").read_text()
        kib = int(next(line.split()[1] for line in meminfo.splitlines() if line.startswith("MemTotal")))
        info["memory_gib"] = round(kib / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    return info


def postgres_version(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SHOW server_version")).scalar()
    finally:
        engine.dispose()


def number(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:,.1f} ms"
    if unit == "req/s":
        return f"{value:,.0f} req/s"
    return f"{value:,.0f} {unit}"


def table(figures: list[Figure]) -> str:
    rows = [("figure", "database", "parcours", "baseline", "ratio", "target", "meets")]
    for f in figures:
        target = f"{f.target} {f.unit}" if f.on_value else f.target
        rows.append((f.figure, f.database, number(f.value, f.unit), number(f.baseline, f.unit), f"{f.ratio:.2f}",
                     target, "yes" if f.meets else "NO"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("SCALE") or 1.0),
                        help="share of the default portfolio (1 = 50,000 projects)")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL") or None,
                        help="a PostgreSQL server URL; the bench creates and drops its own databases there")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn sync workers")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated databases (SQLite files under bench/results/databases)")
    parser.add_argument("--sqlite", action=argparse.BooleanOptionalAction, default=True,
                        help="measure SQLite too (default)")
    args = parser.parse_args(argv)
    # A root handler first: the app's request log and Alembic's INFO lines then stay out of the table.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = settings_for(args.scale, args.workers, args.keep)
    load_before = os.getloadavg()
    settings.logs = args.output.parent / "logs"
    started = time.perf_counter()
    runs: list[Run] = []
    settings.logs.mkdir(parents=True, exist_ok=True)
    for old in settings.logs.glob("gunicorn-*.log"):
        old.unlink()
    failed = False
    with tempfile.TemporaryDirectory(prefix="parcours-bench-") as tmp:
        workdir = args.output.parent / "databases" if args.keep else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        targets = [("sqlite", None)] if args.sqlite else []
        targets += [("postgresql", args.postgres)] if args.postgres else []
        for kind, server_url in targets:
            run = Run(kind)
            runs.append(run)
            try:
                measure(run, kind, settings, workdir, server_url)
            except Exception as exc:  # noqa: BLE001 - report the figures measured so far, and what failed
                failed = True
                run.details["error"] = f"{type(exc).__name__}: {exc}"
                say(f"  FAILED on {kind}: {traceback.format_exc()}")
            report(args, settings, runs, load_before, started)  # after each database: a crash keeps the first
    report(args, settings, runs, load_before, started, final=True)
    return 1 if failed else 0


def report(args, settings: Settings, runs: list[Run], load_before, started: float, final: bool = False) -> None:
    figures = [f for r in runs for f in r.figures]
    meta = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "scale": args.scale,
            "machine": machine(), "workers": args.workers, "seconds": round(time.perf_counter() - started, 1),
            # Other work on the machine skews timings (ratios less: both sides are measured in turn).
            "load_average": {"before": load_before, "after": os.getloadavg()},
            "runs": {r.database: r.details for r in runs}}
    if args.postgres:
        meta["machine"]["postgresql"] = postgres_version(args.postgres)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps([f.as_json() for f in figures], indent=2) + "\n")
    args.output.with_name(args.output.stem + "-meta.json").write_text(json.dumps(meta, indent=2, default=str) + "\n")
    if not final:
        return
    print()
    print(f"Parcours bench, scale {args.scale:g}, {meta['date']}, {meta['machine'].get('cpu', '?')}, "
          f"{meta['machine']['nproc']} cores; HTTP: {runs[0].details.get('server', '?') if runs else '?'}")
    print(table(figures))
    print(f"load average (1, 5, 15 min) before: {', '.join(f'{x:.1f}' for x in load_before)}; "
          f"after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"\nwritten to {args.output} ({meta['seconds']:.0f}s)")


if __name__ == "__main__":
    sys.exit(main())
