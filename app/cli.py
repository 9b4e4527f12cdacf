"""Command-line interface: `flask --app wsgi …`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask
from flask import current_app
from flask.cli import AppGroup
from flask.cli import with_appcontext
from flask_babel import gettext as _

from app.core.errors import DomainError
from app.core.time import utcnow
from app.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")
workflows_cli = AppGroup("workflows", help="Validate and migrate workflow definitions.")
scheduler_cli = AppGroup("scheduler", help="Check-in planning, reminders and email delivery.")
data_cli = AppGroup("data", help="Export every record to a portable file, or load one into an empty database.")
pipeline_cli = AppGroup("pipeline", help="The pipeline's read model (counters kept with every write).")


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(workflows_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(data_cli)
    app.cli.add_command(pipeline_cli)


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--role", required=True, type=click.Choice(["applicant", "founder", "mentor", "manager", "admin"]),
              help="What the person does in Parcours.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (recommended).")
def create_user(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create an account with EMAIL; exits 1 on a duplicate email or invalid field."""
    from app.auth import services

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(db.session, email=email, name=name, role=role, password=password)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors().items())
        raise click.ClickException(f"{exc.text} {details}".strip()) from None
    click.echo(_("Created %(role)s %(email)s (id %(id)s).", role=user.role, email=user.email, id=user.id))


@workflows_cli.command("check")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def check_workflows(files: tuple[Path, ...]) -> None:
    """Validate workflow files (default: every file in WORKFLOWS_DIR); exits 1 on any error, warns
    about each text that lacks a shipped language."""
    from app.workflow.catalog import check_files
    from app.workflow.catalog import label_warnings

    paths = list(files) or sorted(Path(current_app.config["WORKFLOWS_DIR"]).glob("*.y*ml"))
    if not paths:
        raise click.ClickException(_("No workflow file found."))
    problems = check_files(paths)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    # A text missing a shipped language reads in French, then English: worth fixing, not refusing.
    for warning in label_warnings(paths, current_app.config["LANGUAGES"]):
        click.echo(f"warning: {warning}", err=True)
    if problems:
        click.echo(_("%(errors)s error(s) in %(files)s file(s).", errors=len(problems),
                     files=len({p.source for p in problems})), err=True)
        sys.exit(1)
    for path in paths:
        click.echo(f"ok: {path}")


@workflows_cli.command("migrate")
@click.argument("key")
@click.option("--to", "to_version", required=True, type=int, help="The version to move projects to.")
@click.option("--map", "mappings", multiple=True, metavar="OLD=NEW",
              help="Where projects in stage OLD go (repeatable); same-named stages map implicitly.")
def migrate_workflow(key: str, to_version: int, mappings: tuple[str, ...]) -> None:
    """Move the open projects of workflow KEY to another version of its definition."""
    from app.projects import services

    mapping: dict[str, str] = {}
    for item in mappings:
        old, sep, new = item.partition("=")
        if not sep or not old or not new:
            raise click.BadParameter(f"'{item}' is not OLD=NEW", param_hint="--map")
        mapping[old.strip()] = new.strip()
    try:
        moved = services.migrate_workflow(db.session, key, to_version, mapping, actor=None, now=utcnow())
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.text) from None
    click.echo(_("Moved %(count)s project(s) of %(key)s to version %(version)s.", count=moved, key=key,
                 version=to_version))


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no account at all.")
@click.option("--locale", type=click.Choice(["fr", "en", "ar"]), default=None,
              help="The language of the demo's content (default: the cluster's default language).")
@with_appcontext  # `flask` pushes one for any command; `app.cli` (the test runner) only for AppGroup ones
def demo_command(if_empty: bool, locale: str | None) -> None:
    """Load demo data (accounts, projects at every stage) in LOCALE; running it twice changes nothing."""
    from sqlalchemy import func
    from sqlalchemy import select

    from app.auth.models import User
    from app.demo import load_demo

    if if_empty and db.session.scalar(select(func.count(User.id))):
        click.echo(_("The database has accounts; demo data not loaded."))
        return

    locale = locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "fr")
    created = load_demo(db.session, now=utcnow(), default_workflow=current_app.config["DEFAULT_WORKFLOW"],
                        locale=locale if locale in current_app.config["LANGUAGES"] else "fr")
    db.session.commit()
    click.echo(_("Demo data loaded.") if created else _("Demo data already present; nothing changed."))


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Run the scheduler process (production: exactly one per deployment)."""
    from app.scheduling.runner import run_forever

    click.echo(_("Scheduler running: a sweep every %(seconds)s s. Ctrl-C stops.",
                 seconds=current_app.config["SCHEDULER_INTERVAL_SECONDS"]))
    run_forever(current_app._get_current_object())


@scheduler_cli.command("tick")
@click.option("--now", "now_text", metavar="ISO-8601", help="The instant to sweep at (default: now), e.g. "
              "2026-11-28T09:00:00Z.")
def scheduler_tick(now_text: str | None) -> None:
    """Run one sweep synchronously: plan check-ins, mark due/overdue, send reminders."""
    import dataclasses
    import datetime as dt

    from app.scheduling.jobs import run_sweep

    now = utcnow()
    if now_text:
        try:
            now = dt.datetime.fromisoformat(now_text.replace("Z", "+00:00"))
        except ValueError:
            raise click.BadParameter(f"'{now_text}' is not an ISO-8601 instant", param_hint="--now") from None
        if now.tzinfo is None:
            raise click.BadParameter("give a time zone, e.g. 2026-11-28T09:00:00Z", param_hint="--now")
    report = run_sweep(now)
    click.echo(" ".join(f"{k}={v}" for k, v in dataclasses.asdict(report).items()))


@data_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def data_export(file: Path) -> None:
    """Write every record to FILE (JSON Lines, database-neutral), streamed row by row."""
    from app.core import portable

    with db.engine.connect() as connection:
        total = sum(portable.row_counts(connection, db.metadata).values())
        with _progressbar(total, _("Exporting")) as bar, file.open("w", encoding="utf-8") as out:
            counts = portable.export(connection, db.metadata, out, progress=_advance(bar))
    click.echo(_("Exported %(rows)s rows from %(tables)s tables to %(file)s.", rows=sum(counts.values()),
                 tables=len(counts), file=file))


@data_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def data_import(file: Path) -> None:
    """Load FILE into this (migrated, empty) database; all or nothing (COPY on PostgreSQL)."""
    from app.core import portable

    try:
        with _progressbar(_lines(file), _("Importing")) as bar, file.open(encoding="utf-8") as stream, \
                db.engine.begin() as connection:
            counts = portable.load(connection, db.metadata, stream, progress=_advance(bar))
    except portable.ImportRefused as exc:
        raise click.ClickException(_("Import refused, nothing written: %(error)s", error=exc)) from None
    click.echo(_("Imported %(rows)s rows into %(tables)s tables.", rows=sum(counts.values()), tables=len(counts)))
    _rebuild_pipeline()  # the rows came in bulk, past the services that keep the read model


def _progressbar(total: int | None, label: str):
    """Rows done (and the table at hand) on standard error, so standard output stays the summary."""
    return click.progressbar(length=total, label=label, file=sys.stderr,
                             show_pos=True, item_show_func=lambda table: table)


def _lines(file: Path) -> int:
    """Lines in FILE (about its rows: the progress bar's length), counted without decoding it."""
    with file.open("rb") as raw:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(1 << 20), b""))


def _advance(bar) -> Callable[[str, int], None]:
    def advance(table: str, rows: int) -> None:
        bar.current_item = table
        bar.update(rows)

    return advance


@pipeline_cli.command("rebuild")
def pipeline_rebuild() -> None:
    """Recompute the pipeline's read model from the projects, their history, check-ins and mentors."""
    _rebuild_pipeline()


def _rebuild_pipeline() -> None:
    from app.pipeline import readmodel

    projects = readmodel.rebuild(db.session, now=utcnow())
    db.session.commit()
    click.echo(_("Pipeline read model rebuilt from %(n)s projects.", n=projects))
