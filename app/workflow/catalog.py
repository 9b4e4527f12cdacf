"""The catalog of workflow definitions: the files under `workflows/` and stored versions.

New projects follow the latest version of a file. Projects already on the path follow the
version they started with, read back from `workflow_versions`, until a manager migrates
them; so editing a file never changes the rules under a running project.

A catalog belongs to one database (it caches the versions stored there). Whoever opens the
database attaches one, and services find it from the session they are given:

    catalog = Catalog.from_directory("workflows")
    attach(engine, catalog)              # every session on this engine
    catalog_of(session).latest("innovation_path")

`create_app` does this for the app's engine; a script may instead put it in `session.info`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.errors import Conflict
from app.core.errors import NotFound
from app.core.i18n import _l
from app.workflow.definition import WorkflowDefinition
from app.workflow.engine import Engine
from app.workflow.labels import missing_languages
from app.workflow.loader import DefinitionInvalid
from app.workflow.loader import Problem
from app.workflow.loader import checksum
from app.workflow.loader import load_file
from app.workflow.loader import parse
from app.workflow.models import WorkflowVersion


def check_files(paths: list[Path]) -> list[Problem]:
    """Validate workflow files; return every problem found (none means all are valid)."""
    problems: list[Problem] = []
    keys: dict[str, Path] = {}
    for path in paths:
        try:
            definition = load_file(path)
        except DefinitionInvalid as exc:
            problems.extend(exc.problems)
            continue
        if definition.key in keys:
            problems.append(Problem(str(path), "name",
                                    f"'{definition.key}' is already defined in {keys[definition.key]}"))
        keys[definition.key] = path
    return problems


def label_warnings(paths: list[Path], languages: Iterable[str]) -> list[Problem]:
    """The texts of valid workflow files that lack a shipped language (a warning, not an error:
    they read in French, then English, until translated)."""
    warnings: list[Problem] = []
    for path in paths:
        try:
            definition = load_file(path)
        except DefinitionInvalid:
            continue  # check_files reports it
        warnings.extend(missing_languages(definition, languages, source=str(path)))
    return warnings


class Catalog:
    """Definitions by key and version, with one engine per definition."""

    @classmethod
    def from_directory(cls, directory: str | Path) -> Catalog:
        """A catalog of the valid files of `directory` (see `problems` for the others)."""
        catalog = cls()
        catalog.load_directory(directory)
        return catalog

    def __init__(self) -> None:
        self._latest: dict[str, WorkflowDefinition] = {}
        self._versions: dict[tuple[str, int], WorkflowDefinition] = {}
        self._engines: dict[str, Engine] = {}
        self.problems: list[Problem] = []
        self.directory: Path | None = None

    def load_directory(self, directory: str | Path) -> list[Problem]:
        """Load every `*.yaml` file; invalid files are reported in `problems` and left out."""
        self.directory = Path(directory)
        self._latest.clear()
        self._versions.clear()
        self.problems = []
        for path in sorted(self.directory.glob("*.y*ml")):
            try:
                definition = load_file(path)
            except DefinitionInvalid as exc:
                self.problems.extend(exc.problems)
                continue
            if definition.key in self._latest:
                self.problems.append(Problem(str(path), "name", f"'{definition.key}' is defined twice"))
                continue
            self.add(definition)
        return self.problems

    def add(self, definition: WorkflowDefinition) -> None:
        """Make `definition` the latest version of its key."""
        self._latest[definition.key] = definition
        self._versions[(definition.key, definition.version)] = definition

    def keys(self) -> list[str]:
        return sorted(self._latest)

    def all_latest(self) -> list[WorkflowDefinition]:
        return [self._latest[k] for k in self.keys()]

    def latest(self, key: str) -> WorkflowDefinition:
        """Return the current definition of workflow `key` from its file."""
        try:
            return self._latest[key]
        except KeyError:
            raise NotFound(_l("Unknown workflow “%(key)s”.", key=key)) from None

    def version(self, session: Session, key: str, version: int) -> WorkflowDefinition:
        """Return a definition by key and version, reading older versions from the database."""
        found = self._versions.get((key, version))
        if found is not None:
            return found
        stored = session.scalar(
            select(WorkflowVersion).where(WorkflowVersion.key == key, WorkflowVersion.version == version)
        )
        if stored is None:
            raise NotFound(_l("Workflow “%(key)s” has no version %(version)s.", key=key, version=version))
        definition = parse(stored.document, source=f"workflow_versions[{key} v{version}]")
        self._versions[(key, version)] = definition
        return definition

    def engine(self, definition: WorkflowDefinition) -> Engine:
        """Return the engine of a definition, built once."""
        engine = self._engines.get(definition.checksum)
        if engine is None:
            engine = self._engines[definition.checksum] = Engine(definition)
        return engine

    def record(self, session: Session, definition: WorkflowDefinition) -> None:
        """Store the definition's version if new; refuse an edited file that kept its number."""
        stored = session.scalar(
            select(WorkflowVersion).where(
                WorkflowVersion.key == definition.key, WorkflowVersion.version == definition.version
            )
        )
        if stored is None:
            # Concurrent first use of a version would collide on the unique key: take a savepoint
            # so the loser rolls back only this insert and re-reads.
            try:
                with session.begin_nested():
                    session.add(WorkflowVersion(key=definition.key, version=definition.version,
                                                checksum=definition.checksum, document=definition.document))
                return
            except IntegrityError:
                stored = session.scalar(
                    select(WorkflowVersion).where(
                        WorkflowVersion.key == definition.key, WorkflowVersion.version == definition.version
                    )
                )
        if stored is None:
            return
        # Compare the rules afresh: a row stored before the texts people read left the checksum
        # carries a checksum of the old kind, though its rules may be the file's.
        if checksum(stored.document) == definition.checksum:
            if stored.checksum != definition.checksum or stored.document != definition.document:
                # Same rules, other wording (e.g. a language added): keep the file's texts.
                stored.checksum, stored.document = definition.checksum, definition.document
            return
        raise Conflict(_l(
            "Workflow “%(key)s” changed but its version is still %(version)s: give the file a new "
            "version so projects already on version %(version)s keep their rules.",
            key=definition.key, version=definition.version))


#: The key under which a session may carry its own catalog (`session.info`).
SESSION_KEY = "workflow_catalog"

_attached: WeakKeyDictionary = WeakKeyDictionary()


def attach(bind, catalog: Catalog) -> None:
    """Make `catalog` the one of every session bound to `bind` (an Engine)."""
    _attached[bind] = catalog


def catalog_of(session: Session) -> Catalog:
    """The catalog of the session's database: `session.info`'s, else the one attached to its engine."""
    found = session.info.get(SESSION_KEY)
    if found is None:
        bind = session.get_bind()
        found = _attached.get(getattr(bind, "engine", bind))
    if found is None:
        raise LookupError("No workflow catalog is attached to this database: call app.workflow.catalog.attach "
                          "(create_app does) or set session.info['workflow_catalog'].")
    return found
