"""Command-line interface: `flask --app wsgi …`."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable
from pathlib import Path

import click
from babel.support import Translations
from flask import Flask
from flask import current_app
from flask.cli import AppGroup
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext

from app.core.errors import DomainError
from app.core.i18n import babel_locale
from app.core.locale import terminal_language
from app.core.time import utcnow
from app.extensions import db

# `--help` in the terminal's language ---------------------------------------------------------------
# click prints a command's help while it parses the command line, before any app is loaded: the help
# texts are msgids marked with `N_` (extracted into the catalogue, `-k N_` in the Makefile) and read
# through the catalogue of the terminal's language when shown.
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
SHIPPED = ("fr", "en", "ar")


def N_(text: str) -> str:  # noqa: N802 (gettext's name for "mark, translate later")
    """Mark a help text for the catalogue; it is translated when shown."""
    return text


@functools.cache
def _help_catalogue(language: str) -> Translations:
    return Translations.load(str(TRANSLATIONS_DIR), [language])


def help_text(text: str | None) -> str | None:
    """`text` in the terminal's language (LC_ALL, LC_MESSAGES, LANG), itself when untranslated."""
    if not text:
        return text
    return _help_catalogue(terminal_language(SHIPPED)).ugettext(text)


@contextlib.contextmanager
def _shown_in_the_terminal_s_language(item, *names: str):
    saved = {name: getattr(item, name) for name in names}
    for name, value in saved.items():
        setattr(item, name, help_text(value))
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(item, name, value)


class _TranslatedHelp:
    """A command's or group's help shown in the terminal's language (mixed in before click's class)."""

    def format_help_text(self, ctx, formatter) -> None:
        with _shown_in_the_terminal_s_language(self, "help"):
            super().format_help_text(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _shown_in_the_terminal_s_language(self, "help", "short_help"):
            return super().get_short_help_str(limit)

    def get_help_option(self, ctx):
        # click translates `--help`'s text once and keeps the option: say it in this run's language.
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = help_text(SHOW_HELP)
        return option


class TranslatedCommand(_TranslatedHelp, click.Command):
    pass


class TranslatedGroup(_TranslatedHelp, AppGroup):
    command_class = TranslatedCommand

    def command(self, *args, **kwargs):
        kwargs.setdefault("cls", TranslatedCommand)
        return super().command(*args, **kwargs)


class TranslatedOption(click.Option):
    def get_help_record(self, ctx):
        with _shown_in_the_terminal_s_language(self, "help"):
            return super().get_help_record(ctx)


def option(*names: str, **kwargs):
    """`click.option` whose help is shown in the terminal's language."""
    return click.option(*names, cls=TranslatedOption, **kwargs)


#: click's own words (its help's headings, `[required]`, its errors) go through the standard library's gettext,
#: domain "messages", in the terminal's language: `register` points that domain at these catalogues, and this
#: list keeps the words in them (the extraction finds them here). click's spelling, placeholders in braces.
SHOW_HELP = N_("Show this message and exit.")
CLICK_WORDS = (
    N_("Usage:"), N_("Options"), N_("Commands"), SHOW_HELP, N_("required"),
    N_("Error: {message}"), N_("Try '{command} {option}' for help."), N_("Invalid value for {param_hint}: {message}"),
    N_("Missing option"), N_("Missing argument"), N_("No such option {name!r}."), N_("No such command {name!r}."),
    N_("Aborted!"), N_("Repeat for confirmation"), N_("Error: The two entered values do not match."),
)


users_cli = TranslatedGroup("users", help=N_("Manage accounts."))
workflows_cli = TranslatedGroup("workflows", help=N_("Validate and migrate workflow definitions."))
scheduler_cli = TranslatedGroup("scheduler", help=N_("Check-in planning, reminders and email delivery."))
data_cli = TranslatedGroup("data", help=N_("Export every record to a portable file, or load one into an empty "
                                            "database."))
pipeline_cli = TranslatedGroup("pipeline", help=N_("The pipeline's read model (counters kept with every write)."))


def _require_current_schema() -> None:
    """Stop with a sentence, not SQLAlchemy's "no such table" traceback, when `db upgrade` has not run (or a
    release's migrations have not been applied)."""
    from app.core import schema

    with db.engine.connect() as connection:
        if not schema.is_current(connection, current_app.extensions["migrate"].migrate.get_config()):
            raise click.ClickException(_("The database is not at the latest migration: run "
                                         "`flask --app wsgi db upgrade` first."))


def register(app: Flask) -> None:
    import gettext

    gettext.bindtextdomain("messages", str(TRANSLATIONS_DIR))  # click's words (see CLICK_WORDS)
    app.cli.add_command(users_cli)
    app.cli.add_command(workflows_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(data_cli)
    app.cli.add_command(pipeline_cli)


@users_cli.command("create", help=N_("Create an account with EMAIL; exits 1 on a duplicate email or invalid field."))
@click.argument("email")
@option("--name", required=True, help=N_("The person's full name."))
@option("--role", required=True, type=click.Choice(["applicant", "founder", "mentor", "manager", "admin"]),
        help=N_("What the person does in Parcours."))
@option("--password-stdin", is_flag=True, help=N_("Read the password from standard input (recommended)."))
def create_user(email: str, name: str, role: str, password_stdin: bool) -> None:
    _require_current_schema()
    from app.auth import services

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(db.session, email=email, name=name, role=role, password=password)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors().items())
        raise click.ClickException(f"{exc.text} {details}".strip()) from None
    click.echo(_("Created %(role)s %(email)s (id %(id)s).", role=user.role, email=user.email, id=user.id))


@workflows_cli.command("check", help=N_(
    "Validate workflow files (default: every file in WORKFLOWS_DIR); exits 1 on any error, warns about "
    "each text that lacks a shipped language."))
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def check_workflows(files: tuple[Path, ...]) -> None:
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


@workflows_cli.command("migrate", help=N_(
    "Move the open projects of workflow KEY to another version of its definition."))
@click.argument("key")
@option("--to", "to_version", required=True, type=int, help=N_("The version to move projects to."))
@option("--map", "mappings", multiple=True, metavar="OLD=NEW",
        help=N_("Where projects in stage OLD go (repeatable); same-named stages map implicitly."))
def migrate_workflow(key: str, to_version: int, mappings: tuple[str, ...]) -> None:
    _require_current_schema()
    from app.projects import services

    mapping: dict[str, str] = {}
    for item in mappings:
        old, sep, new = item.partition("=")
        if not sep or not old or not new:
            raise click.BadParameter(_("'%(value)s' is not OLD=NEW", value=item), param_hint="--map")
        mapping[old.strip()] = new.strip()
    try:
        moved = services.migrate_workflow(db.session, key, to_version, mapping, actor=None, now=utcnow())
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.text) from None
    click.echo(ngettext("Moved %(num)s project of %(key)s to version %(version)s.",
                        "Moved %(num)s projects of %(key)s to version %(version)s.", moved, key=key,
                        version=to_version))


@click.command("demo", cls=TranslatedCommand, help=N_(
    "Load demo data (accounts, projects at every stage) in LOCALE; running it twice changes nothing."))
@option("--if-empty", is_flag=True, help=N_("Only load when the database has no account at all."))
@option("--locale", type=click.Choice(["fr", "en", "ar"]), default=None,
        help=N_("The language of the demo's content (default: the cluster's default language)."))
@with_appcontext  # `flask` pushes one for any command; `app.cli` (the test runner) only for AppGroup ones
def demo_command(if_empty: bool, locale: str | None) -> None:
    _require_current_schema()
    from sqlalchemy import func
    from sqlalchemy import select

    from app.auth.models import User
    from app.demo import load_demo

    if if_empty and db.session.scalar(select(func.count(User.id))):
        click.echo(_("The database has accounts; demo data not loaded."))
        return

    locale = locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "fr")
    locale = locale if locale in current_app.config["LANGUAGES"] else "fr"
    # The services the demo goes through write some texts as they go (the history's comment on a labelled
    # project): in the demo's language, not the terminal's.
    with force_locale(babel_locale(locale)):
        created = load_demo(db.session, now=utcnow(), default_workflow=current_app.config["DEFAULT_WORKFLOW"],
                            locale=locale)
    db.session.commit()
    click.echo(_("Demo data loaded.") if created else _("Demo data already present; nothing changed."))


@scheduler_cli.command("run", help=N_("Run the scheduler process (production: exactly one per deployment)."))
def scheduler_run() -> None:
    _require_current_schema()
    from app.scheduling.runner import run_forever

    click.echo(_("Scheduler running: a sweep every %(seconds)s s. Ctrl-C stops.",
                 seconds=current_app.config["SCHEDULER_INTERVAL_SECONDS"]))
    run_forever(current_app._get_current_object())


@scheduler_cli.command("tick", help=N_(
    "Run one sweep synchronously: plan check-ins, mark due/overdue, send reminders."))
@option("--now", "now_text", metavar="ISO-8601",
        help=N_("The instant to sweep at (default: now), e.g. 2026-11-28T09:00:00Z."))
def scheduler_tick(now_text: str | None) -> None:
    _require_current_schema()
    import dataclasses
    import datetime as dt

    from app.scheduling.jobs import run_sweep

    now = utcnow()
    if now_text:
        try:
            now = dt.datetime.fromisoformat(now_text.replace("Z", "+00:00"))
        except ValueError:
            raise click.BadParameter(_("'%(value)s' is not an ISO-8601 instant", value=now_text),
                                     param_hint="--now") from None
        if now.tzinfo is None:
            raise click.BadParameter(_("give a time zone, e.g. 2026-11-28T09:00:00Z"), param_hint="--now")
    report = run_sweep(now)
    click.echo(" ".join(f"{k}={v}" for k, v in dataclasses.asdict(report).items()))


@data_cli.command("export", help=N_(
    "Write every record to FILE (JSON Lines, database-neutral), streamed row by row."))
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def data_export(file: Path) -> None:
    _require_current_schema()
    from app.core import portable

    try:  # before counting rows: a path that cannot be written is said at once, in a sentence
        out = file.open("w", encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(_("Cannot write %(file)s: %(error)s", file=file, error=exc.strerror)) from None
    with out, db.engine.connect() as connection:
        total = sum(portable.row_counts(connection, db.metadata).values())
        with _progressbar(total, _("Exporting")) as bar:
            counts = portable.export(connection, db.metadata, out, progress=_advance(bar))
    click.echo(_("Exported %(rows)s rows from %(tables)s tables to %(file)s.", rows=sum(counts.values()),
                 tables=len(counts), file=file))


@data_cli.command("import", help=N_(
    "Load FILE into this (migrated, empty) database; all or nothing (COPY on PostgreSQL)."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def data_import(file: Path) -> None:
    _require_current_schema()
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


@pipeline_cli.command("rebuild", help=N_(
    "Recompute the pipeline's read model from the projects, their history, check-ins and mentors."))
def pipeline_rebuild() -> None:
    _require_current_schema()
    _rebuild_pipeline()


def _rebuild_pipeline() -> None:
    from app.pipeline import readmodel

    projects = readmodel.rebuild(db.session, now=utcnow())
    db.session.commit()
    click.echo(_("Pipeline read model rebuilt from %(n)s projects.", n=projects))
