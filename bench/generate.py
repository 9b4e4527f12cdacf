"""The synthetic national portfolio: a fresh database built by the migrations, filled in bulk.

By default (scale 1): 50,000 projects across every pole, workflow, stage and status, 2,000
mentors, 500,000 advice sessions, 1,000,000 check-ins and 250,000 history events, plus their
founders, assignments, gate decisions and some financing. Everything is consistent with the
app's rules:

- each project's history is a path its workflow allows (create, approve_gate before every
  advance, hold/resume pairs, a final hold, abandon or graduate), in id order, and the project's
  stage, status, gate decision, `stage_entered_at` and `version` follow from it;
- assignments are per stage and end when the stage (or the project) ends;
- at most one open check-in per project (the partial unique index would refuse otherwise), and
  open check-ins agree with the generation instant: overdue ones were reminded and escalated,
  scheduled ones are more than a reminder lead away. Projects without an open check-in held
  their last one recently, so a scheduler tick at that instant plans a check-in for each of them
  and has nothing else to do (no reminder, no escalation, no email);
- workflow versions are recorded through the catalog; poles come from the first migration.

Rows are written through the DB-API driver: `executemany` on SQLite, `COPY … FROM STDIN` on
PostgreSQL (psycopg). Columns the generator does not know (added by later migrations) are filled
from the models' defaults, so the generator survives schema growth.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DAY = 86_400
HOUR = 3_600
PASSWORD = "bench-password-not-secret"
MANAGER_EMAIL = "manager@bench.example"
MANAGERS = 5
SHOWCASE_EVENTS = 200
SHOWCASE_SESSIONS = 100
SHOWCASE_CHECKINS = 20
CHUNK = 2_000
DEFAULTS = {"projects": 50_000, "mentors": 2_000, "sessions": 500_000, "checkins": 1_000_000, "events": 250_000}
STATUS_WEIGHTS = {"active": 0.70, "on_hold": 0.08, "abandoned": 0.14, "graduated": 0.08}
FUNDING_SOURCES = ("business_angel", "innovation_fund", "national_fund", "bank_loan", "grant", "other")
FUNDING_STATUSES = ("planned", "applied", "granted", "refused")
ORGANISATION_KINDS = ("telecom_operator", "company", "startup", "university_rd")
WORDS = ("Atlas", "Argan", "Sahara", "Medina", "Oasis", "Cedar", "Falcon", "Zellige", "Souk", "Riad", "Kasbah",
         "Tafilalt", "Draa", "Rif", "Anfa", "Volubilis", "Ifrane", "Saiss", "Noria", "Khettara")
KINDS = ("Pay", "Health", "Agri", "Learn", "Ride", "Secure", "Media", "Cloud", "Trade", "Energy")


@dataclass(frozen=True)
class Sizes:
    projects: int
    mentors: int
    sessions: int
    checkins: int
    events: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        n = {key: round(value * scale) for key, value in DEFAULTS.items()}
        return cls(projects=max(n["projects"], 20), mentors=max(n["mentors"], 2),
                   sessions=max(n["sessions"], SHOWCASE_SESSIONS), checkins=max(n["checkins"], SHOWCASE_CHECKINS),
                   events=n["events"])


@dataclass
class Portfolio:
    """What the measurements need to know about a generated database."""

    url: str
    dialect: str
    scale: float
    sizes: Sizes
    now: dt.datetime
    manager_email: str
    password: str
    showcase_id: int | None
    #: (project id, version) of active innovation_path projects at their first stage, for `advance`.
    advance_pool: list[tuple[int, int]]
    rows: dict[str, int]
    seconds: float
    #: What the settling sweep did (see `settle`).
    settled: dict = field(default_factory=dict)


class Bar:
    """A small progress bar on stderr (one line per step when stderr is not a terminal)."""

    def __init__(self, label: str, total: int, *, stream=None, width: int = 28) -> None:
        self.label, self.total, self.width = label, max(total, 1), width
        self.stream = stream or sys.stderr
        self.done = 0
        self.started = self._last = time.perf_counter()
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.perf_counter()
        if self.tty and (now - self._last > 0.2 or self.done >= self.total):
            self._last = now
            self._draw(now)

    def _draw(self, now: float, end: str = "") -> None:
        share = min(self.done / self.total, 1.0)
        filled = int(share * self.width)
        self.stream.write(f"\r  {self.label:<18} [{'#' * filled}{'.' * (self.width - filled)}] {share:6.1%} "
                          f"{self.done:>9,}/{self.total:,}  {now - self.started:6.1f}s{end}")
        self.stream.flush()

    def close(self) -> None:
        self._draw(time.perf_counter(), end="\n")


# -- databases -----------------------------------------------------------------------------------

def app_config(url: str) -> type:
    """The production configuration on the bench database (no scheduler, no real SMTP)."""
    import config

    return type("BenchConfig", (config.Config,), {
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-not-secret", "SCHEDULER_ENABLED": False,
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": 9, "SESSION_COOKIE_SECURE": False,
    })


@contextmanager
def fresh_database(kind: str, *, label: str, directory: Path, server_url: str | None = None,
                   keep: bool = False) -> Iterator[str]:
    """A new empty database: a SQLite file under `directory`, or a dedicated PostgreSQL database
    created on `server_url`'s server and dropped afterwards."""
    if kind == "sqlite":
        path = directory / f"bench-{label}.db"
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        try:
            yield f"sqlite:///{path}"
        finally:
            if not keep:
                for suffix in ("", "-journal", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    server = sa.engine.make_url(server_url)
    name = f"parcours_bench_{label}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build_schema(url: str) -> list:
    """`flask db upgrade` on the database, then record the workflow versions; return the definitions."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.workflow.catalog import catalog_of

    app = create_app(app_config(url))
    with app.app_context():
        upgrade(revision="heads")
        catalog = catalog_of(db.session)
        definitions = catalog.all_latest()
        for definition in definitions:
            catalog.record(db.session, definition)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return definitions


# -- writing rows --------------------------------------------------------------------------------

def _kind(column: sa.Column) -> str:
    coltype = column.type
    if isinstance(coltype, sa.types.TypeDecorator):
        coltype = coltype.impl_instance
    if isinstance(coltype, sa.DateTime):
        return "datetime"
    if isinstance(coltype, sa.Date):
        return "date"
    if isinstance(coltype, sa.Boolean):
        return "bool"
    if isinstance(coltype, sa.JSON):
        return "json"
    if isinstance(coltype, sa.Numeric):
        return "numeric"
    return "plain"


def _sqlite_time(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return time.strftime("%Y-%m-%d %H:%M:%S.000000", time.gmtime(value))


def _pg_time(value):
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromtimestamp(value, dt.UTC)


def _converters(dialect: str) -> dict:
    if dialect == "sqlite":
        return {"datetime": _sqlite_time, "date": lambda v: None if v is None else v.isoformat(),
                "bool": lambda v: None if v is None else int(v),
                "json": lambda v: None if v is None else json.dumps(v),
                "numeric": lambda v: None if v is None else float(v)}
    from psycopg.types.json import Json

    return {"datetime": _pg_time, "json": lambda v: None if v is None else Json(v)}


class Writer:
    """Bulk inserts through the DB-API connection, with the models' defaults for unknown columns."""

    def __init__(self, engine: sa.Engine) -> None:
        from app.core.models import Base

        self.engine = engine
        self.dialect = engine.dialect.name
        self.metadata = Base.metadata
        inspector = sa.inspect(engine)
        self.db_columns = {name: {c["name"]: c for c in inspector.get_columns(name)}
                           for name in inspector.get_table_names()}
        self.connection = engine.raw_connection()
        self.converters = _converters(self.dialect)
        self.rows: Counter[str] = Counter()
        self._plans: dict[tuple[str, tuple[str, ...]], tuple] = {}

    def _plan(self, table: str, columns: tuple[str, ...]) -> tuple:
        key = (table, columns)
        if key in self._plans:
            return self._plans[key]
        model = self.metadata.tables[table]
        present = self.db_columns[table]
        keep = [i for i, name in enumerate(columns) if name in present]
        names = [columns[i] for i in keep]
        fillers = []
        for name, info in present.items():
            if name in columns:
                continue
            column = model.c.get(name)
            if info["nullable"] or info.get("default") is not None or info.get("autoincrement") is True:
                continue
            if column is not None and column.default is not None and column.default.is_scalar:
                value = column.default.arg
                fillers.append(lambda value=value: value)
            elif column is not None and column.default is not None and column.default.is_callable:
                fillers.append(lambda fn=column.default.arg: fn(None))
            else:
                raise RuntimeError(f"bench.generate: {table}.{name} is NOT NULL without a default; "
                                   "teach the generator a value for it")
            names.append(name)
        convert = []
        for position, name in enumerate(names):
            column = model.c.get(name)
            fn = self.converters.get(_kind(column)) if column is not None else None
            if fn is not None:
                convert.append((position, fn))
        quoted = ", ".join(f'"{name}"' for name in names)
        if self.dialect == "sqlite":
            sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" for _ in names)})'
        else:
            sql = f'COPY "{table}" ({quoted}) FROM STDIN'
        plan = (sql, keep, len(keep) == len(columns), fillers, convert)
        self._plans[key] = plan
        return plan

    def insert(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        sql, keep, whole, fillers, convert = self._plan(table, columns)

        def prepared() -> Iterator[list]:
            for row in rows:
                values = list(row) if whole else [row[i] for i in keep]
                for fill in fillers:
                    values.append(fill())
                for position, fn in convert:
                    values[position] = fn(values[position])
                self.rows[table] += 1
                yield values

        cursor = self.connection.cursor()
        try:
            if self.dialect == "sqlite":
                cursor.executemany(sql, prepared())
            else:
                with cursor.copy(sql) as copy:
                    for values in prepared():
                        copy.write_row(values)
        finally:
            cursor.close()

    def commit(self) -> None:
        self.connection.commit()

    def finish(self) -> None:
        """Move sequences past the explicit ids, and refresh the planner's statistics."""
        cursor = self.connection.cursor()
        if self.dialect == "postgresql":
            for table in self.rows:
                if "id" in self.db_columns[table]:
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                   f"(SELECT coalesce(max(id), 1) FROM \"{table}\"))")
            self.connection.commit()
            driver = self.connection.driver_connection
            driver.autocommit = True
            driver.execute("VACUUM ANALYZE")
            driver.autocommit = False
        else:
            cursor.execute("ANALYZE")
            self.connection.commit()
        cursor.close()

    def close(self) -> None:
        self.connection.close()


# -- the portfolio -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Flow:
    """What the generator needs of a workflow definition."""

    key: str
    version: int
    stages: tuple[str, ...]
    cadence: tuple[int, ...]
    deliverables: tuple[tuple[str, ...], ...]
    weights: tuple[float, ...]
    has_approve: bool
    has_hold: bool
    abandon: str

    @classmethod
    def of(cls, definition) -> Flow:
        n = len(definition.stages)
        weights = tuple(0.62 ** i for i in range(n))
        abandon = "abandon" if "abandon" in definition.events else "withdraw"
        return cls(key=definition.key, version=definition.version, stages=definition.stage_names,
                   cadence=tuple(s.checkin_every_days or 14 for s in definition.stages),
                   deliverables=tuple(tuple(d.key for d in s.deliverables) for s in definition.stages),
                   weights=weights, has_approve="approve_gate" in definition.events,
                   has_hold="hold" in definition.events and "resume" in definition.events, abandon=abandon)


@dataclass
class Plan:
    """One project's skeleton: enough to allocate the totals before writing its rows."""

    id: int
    flow: Flow
    pole: str
    status: str
    k: int
    created: int
    founders: tuple[int, ...]
    #: (at, event, from stage index or None, to stage index, from status, to status, gate decision, actor, comment)
    events: list[tuple]
    changes: list[int]
    #: assignments: (stage index, mentor id, started, ended or None, end reason)
    periods: list[tuple]
    stage_entered: int
    pads: int = 0
    checkins: int = 0
    sessions: int = 0
    case: str | None = None
    weight: float = 0.0
    extra: dict = field(default_factory=dict)


class Generator:
    def __init__(self, definitions: list, sizes: Sizes, *, now: int, seed: int, showcase: bool) -> None:
        self.r = random.Random(seed)
        self.sizes = sizes
        self.now = now
        self.flows = [Flow.of(d) for d in definitions]
        by_key = {f.key: f for f in self.flows}
        self.main = by_key.get("innovation_path", self.flows[0])
        self.others = [f for f in self.flows if f is not self.main]
        self.poles: list[str] = []
        self.first_mentor = MANAGERS + 1
        self.first_founder = MANAGERS + sizes.mentors + 1
        self.showcase = showcase
        self.ids: Counter[str] = Counter()
        self.password_hash = ""

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def mentor(self) -> int:
        return self.first_mentor + self.r.randrange(self.sizes.mentors)

    def manager(self) -> int:
        return 1 + self.r.randrange(MANAGERS)

    # first pass -------------------------------------------------------------------------------
    def plan(self, pid: int, *, showcase: bool = False) -> Plan:
        r, now = self.r, self.now
        flow = self.main if showcase or not self.others or r.random() < 0.85 else r.choice(self.others)
        status = "active" if showcase else r.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
        if status == "on_hold" and not flow.has_hold:
            status = "active"
        n = len(flow.stages)
        if showcase:
            k = min(3, n - 1)
        elif status == "graduated":
            k = n - 1
        else:
            k = r.choices(range(n), flow.weights)[0]
        created = now - int(r.uniform(20 + 45 * k, 6 * 365) * DAY)
        founder = self.first_founder + pid - 1
        founders = (founder, self.first_founder + self.sizes.projects) if showcase else (founder,)
        finals = 0 if status == "active" else (2 if status == "graduated" and flow.has_approve else 1)
        end = now - HOUR
        times = sorted(int(r.uniform(created + DAY, end)) for _ in range(k + finals))
        changes, final_times = times[:k], times[k:]
        events = [(created, "create", None, 0, None, "active", None, founder, "")]
        previous = created
        for i, at in enumerate(changes):
            if flow.has_approve:
                approved = previous + int((at - previous) * r.uniform(0.5, 0.95))
                events.append((approved, "approve_gate", i, i, "active", "active", "go", self.mentor(), ""))
            events.append((at, "advance", i, i + 1, "active", "active", None, self.manager(), ""))
            previous = at
        if status == "on_hold":
            events.append((final_times[0], "hold", k, k, "active", "on_hold", "hold", founder, "Waiting for funding."))
        elif status == "abandoned":
            events.append((final_times[0], flow.abandon, k, k, "active", "abandoned", "kill", founder,
                           "The team stops."))
        elif status == "graduated":
            if flow.has_approve:
                events.append((final_times[0], "approve_gate", k, k, "active", "active", "go", self.manager(), ""))
            events.append((final_times[-1], "graduate", k, k, "active", "graduated", None, self.manager(),
                           "Graduated."))
        elif flow.has_approve and r.random() < 0.2:
            events.append((int(r.uniform(changes[-1] if k else created, end)), "approve_gate", k, k, "active",
                           "active", "go", self.mentor(), ""))
        enters = [created, *changes]
        closed_at = final_times[-1] if final_times else None
        periods = []
        for i in range(k + 1):
            current = i == k
            leave = changes[i] if not current else (closed_at or now)
            if not (showcase or r.random() < (0.85 if current else 0.75)):
                continue
            start = enters[i] + int((leave - enters[i]) * r.uniform(0.0, 0.2))
            if not current:
                periods.append((i, self.mentor(), start, leave, "stage_change"))
            elif status in ("abandoned", "graduated"):
                periods.append((i, self.mentor(), start, closed_at, "project_closed"))
            else:
                periods.append((i, self.mentor(), start, None, None))
        plan = Plan(id=pid, flow=flow, pole=r.choice(self.poles), status=status, k=k, created=created,
                    founders=founders, events=events, changes=changes, periods=periods,
                    stage_entered=changes[-1] if k else created)
        plan.weight = sum(((p[3] or now) - p[2]) / DAY for p in periods)
        ongoing = status == "active" and periods and periods[-1][3] is None and periods[-1][0] == k
        if ongoing:
            draw = r.random()
            plan.case = "scheduled" if draw < 0.4 else ("overdue" if draw < 0.5 else "held")
        return plan

    def plans(self) -> list[Plan]:
        sizes, r = self.sizes, self.r
        plans = []
        for pid in range(1, sizes.projects + 1):
            plans.append(self.plan(pid, showcase=self.showcase and pid == 1))
        # history events: the showcase gets exactly SHOWCASE_EVENTS, others share hold/resume pairs
        others = plans[1:] if self.showcase else plans
        if self.showcase:
            show = plans[0]
            missing = SHOWCASE_EVENTS - len(show.events)
            if missing % 2:
                at = int(r.uniform(show.stage_entered, self.now - HOUR))
                show.events.append((at, "approve_gate", show.k, show.k, "active", "active", "go", self.manager(), ""))
                missing -= 1
            show.pads = max(missing // 2, 0)
            show.sessions, show.checkins = SHOWCASE_SESSIONS, SHOWCASE_CHECKINS
        base = sum(len(p.events) + 2 * p.pads for p in plans)
        eligible = [p for p in others if p.flow.has_hold]
        pairs = max(sizes.events - base, 0) // 2
        if eligible and pairs:
            for p in r.choices(eligible, k=pairs):
                p.pads += 1
        # sessions and check-ins: in proportion to the time each project was mentored
        mentored = [p for p in others if p.periods]
        if mentored:
            for p in mentored:
                if p.case is not None:
                    p.checkins = 1
            weights = [p.weight + 1.0 for p in mentored]
            spare = max(sizes.checkins - sum(p.checkins for p in plans), 0)
            for p in r.choices(mentored, weights, k=spare):
                p.checkins += 1
            spare = max(sizes.sessions - sum(p.sessions for p in plans), 0)
            for p in r.choices(mentored, weights, k=spare):
                p.sessions += 1
        return plans

    # second pass ------------------------------------------------------------------------------
    def history(self, plan: Plan) -> list[tuple]:
        """The project's events with its hold/resume pairs, in time order."""
        r, events = self.r, plan.events
        if plan.pads:
            events = sorted(events)
            gaps = []
            for before, after in zip(events, events[1:], strict=False):
                if after[1] not in ("advance", "graduate") and after[0] - before[0] > 4:
                    gaps.append((before[0], after[0]))
            if plan.status == "active" and self.now - HOUR - events[-1][0] > 4:
                gaps.append((events[-1][0], self.now - HOUR))
            if gaps:
                chosen = Counter(r.choices(range(len(gaps)), [hi - lo for lo, hi in gaps], k=plan.pads))
                founder = plan.founders[0]
                for gap, count in chosen.items():
                    lo, hi = gaps[gap]
                    times = sorted(r.randint(lo + 1, hi - 1) for _ in range(2 * count))
                    for held, resumed in zip(times[::2], times[1::2], strict=True):
                        stage = self._stage_at(plan, held)
                        events.append((held, "hold", stage, stage, "active", "on_hold", "hold", founder,
                                       "Paused while the team regroups."))
                        events.append((resumed, "resume", stage, stage, "on_hold", "active", None, founder, ""))
        return sorted(events, key=lambda e: (e[0], e[1] == "resume"))

    @staticmethod
    def _stage_at(plan: Plan, at: int) -> int:
        stage = 0
        for change in plan.changes:
            if change <= at:
                stage += 1
        return stage

    def rows(self, plans: list[Plan]) -> dict[str, list[tuple]]:
        """Every row of a chunk of projects, by table."""
        r, now = self.r, self.now
        out: dict[str, list[tuple]] = {t: [] for t in TABLE_ORDER}
        for plan in plans:
            flow = plan.flow
            stages = flow.stages
            founder = plan.founders[0]
            for user in plan.founders:
                out["users"].append(self.user_row(user, "founder", f"founder{user}@bench.example",
                                                  f"Founder {user:06d}", plan.created - DAY))
            history = self.history(plan)
            gate = None
            for at, name, from_i, to_i, from_status, to_status, decision, actor, comment in history:
                event_id = self.next_id("project_events")
                out["project_events"].append((
                    event_id, plan.id, name, None if from_i is None else stages[from_i], stages[to_i], from_status,
                    to_status, actor, comment, False, at))
                if from_i is not None and from_i != to_i:
                    gate = None
                if decision is not None:
                    gate = decision
                    evidence = {key: decision == "go" for key in flow.deliverables[from_i]}
                    out["gate_decisions"].append((self.next_id("gate_decisions"), plan.id, event_id, stages[from_i],
                                                  decision, actor, comment, evidence, [], at))
            last = history[-1][0]
            out["projects"].append((
                plan.id, f"{WORDS[plan.id % len(WORDS)]} {KINDS[plan.id // len(WORDS) % len(KINDS)]} {plan.id}",
                f"Synthetic project {plan.id} of the national portfolio.", plan.pole, flow.key, flow.version,
                stages[plan.k], plan.status, len(history), plan.stage_entered, gate, plan.created, last, founder))
            for user in plan.founders:
                out["project_members"].append((plan.id, user, plan.created))
            lengths = []
            for stage_i, mentor, start, ended, reason in plan.periods:
                out["mentor_assignments"].append((self.next_id("mentor_assignments"), plan.id, mentor, stages[stage_i],
                                                  self.manager(), start, ended, reason, False))
                lengths.append(max((ended or now) - start, 1))
            checkin_ids = self._checkins(plan, lengths, out)
            self._sessions(plan, lengths, out, checkin_ids)
            if r.random() < 0.25 or plan.extra.get("showcase"):
                for _ in range(r.randint(1, 2)):
                    at = int(r.uniform(plan.created, now - HOUR))
                    status = r.choice(FUNDING_STATUSES)
                    out["fundings"].append((
                        self.next_id("fundings"), plan.id, r.choice(FUNDING_SOURCES),
                        Decimal(r.randrange(20, 4_000)) * 500, "MAD", status,
                        dt.date.fromtimestamp(at) if status != "planned" else None, None, "", founder, at, at, 1))
        return out

    def _checkins(self, plan: Plan, lengths: list[int], out: dict) -> dict[int, list[int]]:
        r, now, flow = self.r, self.now, plan.flow
        if plan.case is not None:  # the ongoing assignment (the last one) holds at least the latest check-in
            spread = _spread(plan.checkins - 1, lengths)
            spread[-1] += 1
        else:
            spread = _spread(plan.checkins, lengths)
        ids: dict[int, list[int]] = {}
        for (stage_i, mentor, start, ended, _reason), count in zip(plan.periods, spread, strict=True):
            if not count:
                continue
            cadence = flow.cadence[stage_i]
            stage = flow.stages[stage_i]
            ongoing = ended is None and plan.case is not None and stage_i == plan.k
            history_end = (ended or now) - HOUR
            if ongoing:
                history = count - 1
                if plan.case == "overdue" and now - 30 * DAY > start:
                    due = int(now - r.uniform(3, min(30, (now - start) / DAY)) * DAY)
                    closing = ("overdue", due, due - DAY, due + 2 * DAY + HOUR, None, None, 2)
                    history_end = due - DAY
                elif plan.case in ("scheduled", "overdue"):
                    due = int(now + r.uniform(1.5, max(cadence, 2)) * DAY)
                    closing = ("scheduled", due, None, None, None, None, 0)
                    history_end = now - DAY
                else:
                    closed = int(now - r.uniform(0.5, max(cadence - 2, 1)) * DAY)
                    due = closed - int(r.uniform(0, 0.5) * DAY)
                    closing = ("done", due, due - DAY, None, closed, None, 1)
                    history_end = due - DAY
            else:
                history, closing = count, None
            rows = []
            history_end = max(history_end, start + history + 1)
            for j in range(history):
                due = start + (j + 1) * (history_end - start) // (history + 1)
                if r.random() < 0.85:
                    rows.append(("done", due, due - DAY, None, min(due + int(r.uniform(0, 0.3) * DAY), now - HOUR),
                                 None, 1))
                else:
                    rows.append(("cancelled", due, None, None, due - HOUR,
                                 r.choice(("stage_change", "hold", "mentor_removed")), 1))
            if closing is not None:
                rows.append(closing)
            for status, due, reminded, escalated, closed, reason, sequence in rows:
                checkin_id = self.next_id("checkins")
                ids.setdefault(stage_i, []).append(checkin_id)
                created = min(due - cadence * DAY, now - HOUR)
                out["checkins"].append((checkin_id, plan.id, mentor, stage, due, status, reminded, escalated, closed,
                                        reason, sequence, created, closed or created))
        return ids

    def _sessions(self, plan: Plan, lengths: list[int], out: dict, checkin_ids: dict[int, list[int]]) -> None:
        r, now, flow = self.r, self.now, plan.flow
        spread = _spread(plan.sessions, lengths)
        showcase = plan.extra.get("showcase")
        for (stage_i, mentor, start, ended, _reason), count in zip(plan.periods, spread, strict=True):
            stop = min(ended or now, now - HOUR)
            for held in sorted(r.randint(start, max(stop, start)) for _ in range(count)):
                session_id = self.next_id("advice_sessions")
                out["advice_sessions"].append((
                    session_id, plan.id, mentor, flow.stages[stage_i], held, r.choice((30, 45, 60, 90, 120)),
                    f"Review of progress, next steps for the {flow.stages[stage_i]} stage.",
                    "Private notes." if showcase else "", None, held))
                if showcase:
                    due = dt.date.fromtimestamp(held) + dt.timedelta(days=14)
                    out["action_items"].append((self.next_id("action_items"), session_id, plan.id,
                                                "Follow up with two customers", plan.founders[0], due,
                                                held < now - 30 * DAY, None, None, held))
                    if r.random() < 0.5:
                        out["session_ratings"].append((self.next_id("session_ratings"), session_id,
                                                       plan.founders[0], "founder", r.randint(3, 5), "", held + HOUR))

    def user_row(self, user_id: int, role: str, email: str, name: str, created: int) -> tuple:
        return (user_id, email, name, role, self.password_hash, "fr", "Africa/Casablanca",
                f"bench{user_id:08d}{self.r.getrandbits(64):016x}", False, True, created, created)


#: `email_verified_at` is written only where the schema has it (accounts confirmed their email).
USER_COLUMNS = ("id", "email", "name", "role", "password_hash", "locale", "timezone", "calendar_token",
                "is_disabled", "wants_email_reminders", "created_at", "email_verified_at")
COLUMNS = {
    "users": USER_COLUMNS,
    "projects": ("id", "name", "summary", "pole_key", "workflow_key", "workflow_version", "stage", "status",
                 "version", "stage_entered_at", "gate_decision", "created_at", "updated_at", "created_by_id"),
    "project_members": ("project_id", "user_id", "joined_at"),
    "project_events": ("id", "project_id", "event", "from_stage", "to_stage", "from_status", "to_status",
                       "actor_id", "comment", "is_override", "at"),
    "gate_decisions": ("id", "project_id", "event_id", "stage", "decision", "decider_id", "rationale",
                       "deliverables", "evidence", "decided_at"),
    "mentor_assignments": ("id", "project_id", "mentor_id", "stage", "assigned_by_id", "started_at", "ended_at",
                           "end_reason", "is_over_capacity"),
    "checkins": ("id", "project_id", "mentor_id", "stage", "due_at", "status", "reminded_at", "escalated_at",
                 "closed_at", "cancel_reason", "sequence", "created_at", "updated_at"),
    "advice_sessions": ("id", "project_id", "mentor_id", "stage", "held_at", "duration_minutes", "summary", "notes",
                        "checkin_id", "created_at"),
    "action_items": ("id", "session_id", "project_id", "title", "owner_id", "due_on", "is_done", "done_at",
                     "done_by_id", "created_at"),
    "session_ratings": ("id", "session_id", "rater_id", "side", "usefulness", "comment", "created_at"),
    "fundings": ("id", "project_id", "source", "amount", "currency", "status", "applied_on", "decided_on", "note",
                 "created_by_id", "created_at", "updated_at", "version"),
    "project_deliverables": ("id", "project_id", "stage", "key", "is_done", "note", "updated_at", "updated_by_id"),
}
#: Insertion order within a chunk (foreign keys on PostgreSQL).
TABLE_ORDER = ("users", "projects", "project_members", "project_events", "gate_decisions", "mentor_assignments",
               "checkins", "advice_sessions", "action_items", "session_ratings", "fundings", "project_deliverables")


def _spread(total: int, lengths: list[int]) -> list[int]:
    """Split `total` in proportion to `lengths` (largest remainders)."""
    if not lengths:
        return []
    whole = sum(lengths)
    shares = [total * length / whole for length in lengths]
    counts = [int(s) for s in shares]
    for i in sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])[:total - sum(counts)]:
        counts[i] += 1
    return counts


def generate(url: str, scale: float, *, seed: int = 20261128, showcase: bool = True, label: str = "",
             quiet: bool = False) -> Portfolio:
    """Build the schema on the (empty) database at `url` and fill it; return what the figures need."""
    from werkzeug.security import generate_password_hash

    started = time.perf_counter()
    sizes = Sizes.at(scale)
    now = int(time.time())
    definitions = build_schema(url)
    engine = sa.create_engine(url)
    writer = Writer(engine)
    try:
        gen = Generator(definitions, sizes, now=now, seed=seed, showcase=showcase)
        gen.password_hash = generate_password_hash(PASSWORD)
        with engine.connect() as conn:
            gen.poles = list(conn.execute(sa.text("SELECT key FROM poles ORDER BY position, key")).scalars())
        stage_names = sorted({s for f in gen.flows for s in f.stages})
        say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
        say(f"  generating {label or 'portfolio'}: {sizes.projects:,} projects, {sizes.mentors:,} mentors, "
            f"{sizes.sessions:,} sessions, {sizes.checkins:,} check-ins, {sizes.events:,} events "
            f"({engine.dialect.name})")
        # people first: managers, mentors and their profiles, organisations
        people = [gen.user_row(i, "manager", MANAGER_EMAIL if i == 1 else f"manager{i}@bench.example",
                               f"Manager {i}", now - 400 * DAY) for i in range(1, MANAGERS + 1)]
        mentors = range(gen.first_mentor, gen.first_mentor + sizes.mentors)
        people += [gen.user_row(i, "mentor", f"mentor{i}@bench.example", f"Mentor {i:05d}", now - 800 * DAY)
                   for i in mentors]
        writer.insert("users", USER_COLUMNS, people)
        r = gen.r
        writer.insert("mentor_profiles", ("user_id", "poles", "stages", "capacity", "languages", "bio", "version",
                                          "updated_at"),
                      [(i, r.sample(gen.poles, r.randint(1, 2)), r.sample(stage_names, r.randint(2, 4)),
                        r.randint(10, 20), ["fr", "en"], "", 1, now - 30 * DAY) for i in mentors])
        organisations = max(5, round(200 * scale))
        writer.insert("organisations", ("id", "name", "name_key", "kind", "membership_status", "joined_on",
                                        "contact_name", "contact_email", "created_at"),
                      [(i, f"Organisation {i}", f"organisation {i}", r.choice(ORGANISATION_KINDS),
                        "member" if r.random() < 0.6 else "applicant", dt.date(2024, 1, 1) + dt.timedelta(days=i),
                        "", "", now - 500 * DAY) for i in range(1, organisations + 1)])
        writer.commit()
        plans = gen.plans()
        if showcase:
            plans[0].extra["showcase"] = True
        bar = None if quiet else Bar(label or "projects", len(plans))
        for offset in range(0, len(plans), CHUNK):
            chunk = plans[offset:offset + CHUNK]
            rows = gen.rows(chunk)
            if showcase and offset == 0:
                show = chunk[0]
                for i, key in enumerate(show.flow.deliverables[show.k]):
                    rows["project_deliverables"].append((i + 1, show.id, show.flow.stages[show.k], key, i == 0, "",
                                                         now - DAY, show.founders[0]))
            for table in TABLE_ORDER:
                if rows[table]:
                    writer.insert(table, COLUMNS[table], rows[table])
            writer.commit()
            if bar:
                bar.update(len(chunk))
        if bar:
            bar.close()
        writer.finish()
        rows_written = dict(writer.rows)
    finally:
        writer.close()
    settled = settle(url, dt.datetime.fromtimestamp(now, dt.UTC))
    if not quiet:
        print(f"  settled with one sweep at the generation instant: {settled}", file=sys.stderr, flush=True)
    with engine.connect() as conn:
        pool = [tuple(row) for row in conn.execute(sa.text(
            "SELECT id, version FROM projects WHERE workflow_key = 'innovation_path' AND status = 'active' "
            "AND stage = 'idea' AND id > 1 ORDER BY id"))]
    engine.dispose()
    return Portfolio(url=url, dialect=engine.dialect.name, scale=scale, sizes=sizes,
                     now=dt.datetime.fromtimestamp(now, dt.UTC), manager_email=MANAGER_EMAIL, password=PASSWORD,
                     showcase_id=1 if showcase else None, advance_pool=pool, rows=rows_written,
                     seconds=time.perf_counter() - started, settled=settled)


#: Tables `settle` fills after the generator's statistics were taken.
READ_MODEL_TABLES = ("pipeline_entries", "pipeline_counts", "pipeline_histograms", "stage_passages", "mentor_loads",
                     "pipeline_funding", "pipeline_late_reports", "kpi_reports", "checkins")


def settle(url: str, now: dt.datetime) -> dict:
    """Rebuild the pipeline's read model, then bring the database to the state a scheduler keeps it
    in: one real sweep at `now` (whatever
    steps the sweep has: check-ins, KPI reports, …), then forget the check-ins it planned (the tick
    figure plans them again) and the messages it queued. Return the sweep's report."""
    from dataclasses import asdict

    from app import create_app
    from app.checkins.models import CheckIn
    from app.extensions import db
    from app.notifications.models import Notification
    from app.notifications.models import OutgoingEmail
    from app.pipeline import readmodel
    from app.scheduling.jobs import run_sweep

    app = create_app(app_config(url))
    with app.app_context():
        # The rows came in bulk, past the services that keep the pipeline's read model: rebuild it
        # (what `flask pipeline rebuild` does), at the generation instant.
        started = time.perf_counter()
        readmodel.rebuild(db.session, now=now)
        db.session.commit()
        rebuilt = time.perf_counter() - started
        report = asdict(run_sweep(now))
        db.session.commit()
        db.session.execute(sa.delete(CheckIn).where(CheckIn.created_at == now))
        db.session.execute(sa.delete(OutgoingEmail))
        db.session.execute(sa.delete(Notification))
        db.session.commit()
        db.session.remove()
        # The rebuild and the sweep wrote these tables after the generator's ANALYZE: refresh their
        # statistics (the planner took the read model's tables for empty) and, on PostgreSQL, clear
        # the dead rows the rebuild's upserts left, as autovacuum would after such bulk writes (it is
        # off on some servers: the bench must not depend on its timing).
        vacuum = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in READ_MODEL_TABLES:
                conn.execute(sa.text(f"{vacuum} {table}"))
        db.engine.dispose()
    return {**report, "read_model_rebuild_s": round(rebuilt, 1)}
