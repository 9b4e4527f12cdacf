"""The bulk outputs of `make bench` (issue #19): exports, the funders' report, `flask data export/import`.

`measure_bulk(run, portfolio, settings, ...)` is called once per database by `bench.run` and adds
these figures (each with a stable `id`) to `run.figures`:

- `projects_export_vs_sql`: `/projects.csv`, every project, as a manager, against the export's own
  SQL through the driver (≤ 3); `projects_export_xlsx_vs_sql`: `/projects.xlsx`, the same (≤ 3);
- `projects_export_peak_mb`: peak memory (VmHWM) of the worker that served both (< 250 MB), beside
  that worker's before them;
- `funders_report_vs_sql`: `/reports/funders` over the year before the generation instant, against
  the report's SQL (≤ 3);
- `data_export_peak_mb`: peak memory of `flask data export` of the whole database (< 300 MB), beside
  the same process once the app is loaded;
- `data_import_vs_copy`: `portable.load` of that file (what `flask data import` runs) into an empty
  migrated database, against the same rows loaded by the driver alone, `COPY … FROM STDIN` on
  PostgreSQL, `executemany` on SQLite (≤ 3).

The SQL baselines are not hand-written: the request is made once in process with a hook at the
cursor (`before_cursor_execute`), and every statement it sent is replayed through sqlite3 / psycopg
on one open connection, each result fetched in full, alternately with the HTTP request. The exports
are served by a gunicorn of their own with one sync worker, so the worker that served them is known.
The import is checked: the target's per-table row counts and SHA-256 (`portable.checksums`) must
equal the source's (`details["bulk"]["round_trip_identical"]`).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench.figures import Figure
from bench.generate import ROOT
from bench.generate import app_config
from bench.generate import fresh_database
from bench.rawsql import RawSQL
from bench.rawsql import dbapi_connect
from bench.serve import Client
from bench.serve import Server


def say(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def measure_bulk(run, portfolio, settings, *, kind: str, workdir: Path, server_url: str | None) -> None:
    """Add the bulk figures of this database to `run.figures`, their details to `run.details["bulk"]`."""
    details = run.details.setdefault("bulk", {})
    samples = 1 if settings.scale < 0.05 else 3

    def add(fid: str, figure: str, value: float, baseline: float, target: str, unit: str, n: int,
            on_value: bool = False) -> None:
        run.figures.append(Figure(fid, figure, run.database, value, baseline, target, unit, n, on_value))

    started = time.perf_counter()
    measure_exports(portfolio, settings, samples, details, add, log_name=f"{run.database}-bulk")
    measure_data(portfolio, kind=kind, workdir=workdir, server_url=server_url, details=details, add=add)
    details["seconds"] = round(time.perf_counter() - started, 1)


# -- raw SQL, captured at the cursor --------------------------------------------------------------

def capture(url: str, email: str, password: str, paths: list[str]) -> dict[str, list[tuple[str, object]]]:
    """path → every SELECT the app sends to answer `GET path` for this user, with its parameters."""
    from app import create_app
    from app.extensions import db

    config = type("CaptureConfig", (app_config(url),), {"WTF_CSRF_ENABLED": False})
    app = create_app(config)
    client = app.test_client()
    signed_in = client.post("/login", data={"email": email, "password": password})
    if signed_in.status_code != 302:
        raise RuntimeError(f"bench: signing in in process answered {signed_in.status_code}")
    with app.app_context():
        engine = db.engine
    found = {}
    for path in paths:
        captured: list[tuple[str, object]] = []

        def hook(conn, cursor, statement, parameters, context, executemany, captured=captured):
            captured.append((statement, parameters))

        sa.event.listen(engine, "before_cursor_execute", hook)
        answer = client.get(path)
        answer.get_data()  # a streamed body runs its queries while it is read
        sa.event.remove(engine, "before_cursor_execute", hook)
        if answer.status_code != 200:
            raise RuntimeError(f"bench: {path} answered {answer.status_code} in process")
        found[path] = [(s, p) for s, p in captured if s.lstrip()[:6].upper() in ("SELECT", "WITH")]
    engine.dispose()
    return found


def alternate(samples: int, request, replay: RawSQL) -> tuple[list, list[float]]:
    """The HTTP request and its SQL in turn, `samples` times each (same caches, same noise)."""
    answers, direct = [], []
    for _ in range(samples):
        direct.append(replay.run())
        answer = request()
        if answer.status != 200:
            raise RuntimeError(f"bench: {answer.status} {answer.body[:300]!r}")
        answers.append(answer)
    return answers, direct


# -- HTTP: the exports and the funders' report ----------------------------------------------------

def measure_exports(portfolio, settings, samples: int, details: dict, add, *, log_name: str) -> None:
    url, email, password = portfolio.url, portfolio.manager_email, portfolio.password
    year = f"/reports/funders?from={(portfolio.now.date() - dt.timedelta(days=365)).isoformat()}" \
           f"&to={portfolio.now.date().isoformat()}"
    captured = capture(url, email, password, ["/projects.csv", "/projects.xlsx", year])
    csv_sql, xlsx_sql, report_sql = (RawSQL(url, captured[path]) for path in ("/projects.csv", "/projects.xlsx", year))
    details.update({"export statements": len(csv_sql.statements), "report statements": len(report_sql.statements)})
    with Server(url, workers=1, log_dir=settings.logs, name=log_name) as server:
        web = Client(server.port)
        web.sign_in(email, password)
        for path in ("/projects.csv?q=no-such-project", "/projects.xlsx?q=no-such-project", year):
            web.get(path)  # the code paths loaded, no rows yet
        idle_mb = server.peak_rss_mb()

        say(f"  /projects.csv and /projects.xlsx ({samples} each, one worker) …")
        csvs, csv_direct = alternate(samples, lambda: web.get("/projects.csv"), csv_sql)
        csv_peak_mb = server.peak_rss_mb()
        xlsxs, xlsx_direct = alternate(samples, lambda: web.get("/projects.xlsx"), xlsx_sql)
        peak_mb = server.peak_rss_mb()
        rows = csvs[0].body.count(b"\n") - 1
        if [st for st, _ in csv_sql.statements] == [st for st, _ in xlsx_sql.statements]:
            # Both downloads send the same statements: one baseline from all their samples (less noise).
            csv_direct = xlsx_direct = csv_direct + xlsx_direct
        details.update({"export rows": rows, "csv bytes": len(csvs[0].body), "xlsx bytes": len(xlsxs[0].body),
                        "worker idle MB": round(idle_mb, 1), "worker peak after csv MB": round(csv_peak_mb, 1),
                        "worker peak after xlsx MB": round(peak_mb, 1)})
        add("projects_export_vs_sql", "/projects.csv (every project, manager), median", _ms(csvs), _median(csv_direct),
            "<= 3", "ms", samples)
        add("projects_export_xlsx_vs_sql", "/projects.xlsx (every project, manager), median", _ms(xlsxs),
            _median(xlsx_direct), "<= 3", "ms", samples)
        add("projects_export_peak_mb", "peak memory of the worker serving /projects.csv and .xlsx", peak_mb,
            idle_mb, "< 250", "MB", 2 * samples, on_value=True)

        say("  funders' report over a year …")
        report_samples = max(samples, 5)
        pages, direct = alternate(report_samples, lambda: web.get(year), report_sql)
        add("funders_report_vs_sql", "/reports/funders over a year, median", _ms(pages), _median(direct), "<= 3",
            "ms", report_samples)
        for download in ("xlsx", "pdf"):
            answer = web.get(year.replace("/reports/funders?", f"/reports/funders.{download}?"))
            details[f"funders report {download} ms"] = round(answer.seconds * 1000, 1)
    for replay in (csv_sql, xlsx_sql, report_sql):
        replay.close()


def _ms(answers) -> float:
    return statistics.median(a.seconds for a in answers) * 1000


def _median(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


# -- flask data export / import ------------------------------------------------------------------

#: Runs `flask --app wsgi ARGS`; writes to BENCH_PEAK_FILE the process's VmHWM (/proc/self/status) once
#: the app is loaded (`import wsgi`, which the command then reuses) and at exit. The process reads it
#: itself: a child's `ru_maxrss` would count the bench process it was forked from.
PEAK_WRAPPER = (
    "import atexit, os, re, sys\n"
    "def hwm():\n"
    "    return re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
    "import wsgi\n"
    "loaded = hwm()\n"
    "atexit.register(lambda: open(os.environ['BENCH_PEAK_FILE'], 'w').write(f'{loaded} {hwm()}'))\n"
    "from flask.cli import main\n"
    "sys.argv = ['flask', *sys.argv[1:]]\n"
    "main()\n"
)


def flask_command(url: str, *args: str) -> tuple[float, float, float]:
    """`flask --app wsgi ARGS` in a process of its own: (seconds, peak MB with the app loaded, peak MB)."""
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-not-secret", "SCHEDULER_ENABLED": "0",
               "FLASK_DEBUG": "0", "BENCH_PEAK_FILE": str(peak_file)}
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", PEAK_WRAPPER, "--app", "wsgi", *args], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        seconds = time.perf_counter() - started
        tail = done.stderr[-2000:].decode(errors="replace")
        if done.returncode:
            raise RuntimeError(f"bench: flask {' '.join(args)} exited {done.returncode}: {tail}")
        loaded, peak = (int(kib) / 1024 for kib in peak_file.read_text().split())
        return seconds, loaded, peak


def migrated(url: str) -> None:
    """`flask db upgrade` on an empty database (in process)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app(app_config(url))
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()


def checksums(url: str) -> dict:
    from app import create_app
    from app.core import portable
    from app.extensions import db

    app = create_app(app_config(url))
    with app.app_context():
        with db.engine.connect() as connection:
            sums = portable.checksums(connection, db.metadata)
        db.engine.dispose()
    return sums


def timed_import(url: str, file: Path) -> float:
    """`portable.load` (what `flask data import` runs), timed without the app's start."""
    from app import create_app
    from app.core import portable
    from app.extensions import db

    app = create_app(app_config(url))
    with app.app_context():
        db.engine.connect().close()  # the pool's first connection is not the import's cost
        started = time.perf_counter()
        with file.open(encoding="utf-8") as stream, db.engine.begin() as connection:
            portable.load(connection, db.metadata, stream)
        seconds = time.perf_counter() - started
        db.engine.dispose()
    return seconds


def table_order(url: str) -> list[tuple[str, list[str], list[str]]]:
    """(table, columns, primary key) in the import's (foreign-key) order."""
    from app import create_app
    from app.core import portable
    from app.extensions import db

    create_app(app_config(url))  # every model registered on the metadata
    return [(t.name, [c.name for c in t.columns], [c.name for c in t.primary_key.columns or t.columns])
            for t in portable.tables(db.metadata)]


def raw_copy(source: str, target: str, workdir: Path) -> float:
    """The baseline: the same rows loaded by the driver alone into an empty migrated database, in one
    transaction — `COPY … FROM STDIN` on PostgreSQL (from files `COPY … TO STDOUT` wrote before the
    clock starts), `executemany` on SQLite (rows fetched before the clock starts, table by table)."""
    order = table_order(source)
    dialect = sa.engine.make_url(source).get_backend_name()
    reader, writer = dbapi_connect(source), dbapi_connect(target)
    seconds = 0.0
    try:
        if dialect == "postgresql":
            files = []
            with reader.cursor() as cursor:
                for name, columns, key in order:
                    path = workdir / f"copy-{name}.txt"
                    names, keys = ", ".join(f'"{c}"' for c in columns), ", ".join(f'"{c}"' for c in key)
                    with path.open("wb") as out, cursor.copy(
                            f'COPY (SELECT {names} FROM "{name}" ORDER BY {keys}) TO STDOUT') as copy:
                        for chunk in copy:
                            out.write(chunk)
                    files.append((name, names, path))
            started = time.perf_counter()
            with writer.cursor() as cursor:
                cursor.execute("DELETE FROM poles")
                for name, names, path in files:
                    with path.open("rb") as data, cursor.copy(f'COPY "{name}" ({names}) FROM STDIN') as copy:
                        while chunk := data.read(1 << 20):
                            copy.write(chunk)
            writer.commit()
            seconds = time.perf_counter() - started
            for _, _, path in files:
                path.unlink()
            return seconds
        writer.execute("DELETE FROM poles")
        for name, columns, key in order:
            names = ", ".join(f'"{c}"' for c in columns)
            rows = reader.execute(f'SELECT {names} FROM "{name}" ORDER BY {", ".join(key)}').fetchall()
            started = time.perf_counter()
            writer.executemany(f'INSERT INTO "{name}" ({names}) VALUES ({", ".join("?" * len(columns))})', rows)
            seconds += time.perf_counter() - started
            del rows
        started = time.perf_counter()
        writer.commit()
        return seconds + time.perf_counter() - started
    finally:
        reader.close()
        writer.close()


def measure_data(portfolio, *, kind: str, workdir: Path, server_url: str | None, details: dict, add) -> None:
    label = f"{kind}-{portfolio.scale:g}".replace(".", "_")
    file = workdir / f"export-{label}.jsonl"
    say("  flask data export …")
    export_seconds, idle_mb, export_mb = flask_command(portfolio.url, "data", "export", str(file))
    details.update({"data export seconds": round(export_seconds, 1), "data export MB": round(export_mb, 1),
                    "export file MB": round(file.stat().st_size / 1e6, 1), "app loaded MB": round(idle_mb, 1)})
    add("data_export_peak_mb", "peak memory of flask data export (whole database)", export_mb, idle_mb, "< 300",
        "MB", 1, on_value=True)
    say("  data import against the driver alone …")
    with (fresh_database(kind, label=f"{label}-import", directory=workdir, server_url=server_url) as imported,
          fresh_database(kind, label=f"{label}-copy", directory=workdir, server_url=server_url) as copied):
        migrated(imported)
        if kind == "sqlite":  # the same empty migrated file, twice
            shutil.copyfile(sa.engine.make_url(imported).database, sa.engine.make_url(copied).database)
        else:
            migrated(copied)
        baseline = raw_copy(portfolio.url, copied, workdir)
        seconds = timed_import(imported, file)
        source, target = checksums(portfolio.url), checksums(imported)
    file.unlink()
    same = source == target
    details.update({"data import seconds": round(seconds, 2), "raw load seconds": round(baseline, 2),
                    "round_trip_identical": same, "rows": sum(s["rows"] for s in source.values())})
    if not same:
        differ = sorted(name for name in source if source[name] != target.get(name))
        details["round_trip_differs"] = differ
        say(f"  WARNING: the imported database differs from its source in {differ}")
    what = "a raw COPY FROM STDIN" if kind == "postgresql" else "a raw executemany"
    add("data_import_vs_copy", f"data import of the whole database, against {what}", seconds * 1000,
        baseline * 1000, "<= 3", "ms", 1)
