"""The command line (`flask --app wsgi …`): accounts, demo data, workflow checks and migrations."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from app import create_app
from app.auth import services as auth_services
from app.auth.models import User
from app.calls.demo import LABELLED_PROJECT
from app.core.errors import Conflict
from app.core.models import Base
from app.demo import DEMO_PROJECTS
from app.extensions import db as flask_db
from app.projects import queries
from app.projects import services
from app.projects.models import Project
from app.workflow.catalog import SESSION_KEY
from app.workflow.models import WorkflowVersion
from config import Config
from config import TestConfig

SHIPPED_DIR = Path(Config.WORKFLOWS_DIR)
PASSWORD = "a-long-enough-password"


def count_rows(session) -> dict[str, int]:
    """Rows in every table, by table name."""
    session.expire_all()
    return {
        table.name: session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def assert_clean_failure(result, code: int = 1) -> None:
    """The command failed with `code`, a message and no Python traceback."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.fixture
def create_user(runner):
    """Run `users create` with the password on standard input."""

    def run(email: str, *, role: str = "founder", name: str = "Ada Founder", password: str = PASSWORD):
        return runner.invoke(args=["users", "create", email, "--name", name, "--role", role, "--password-stdin"],
                             input=f"{password}\n")

    return run


@pytest.fixture
def workflows_dir(tmp_path) -> Path:
    """A private workflows directory holding a copy of the shipped innovation path, numbered version 1
    whatever the shipped file's number (the tests below write its versions 2 and more)."""
    directory = tmp_path / "workflows"
    directory.mkdir()
    text = (SHIPPED_DIR / "innovation_path.yaml").read_text(encoding="utf-8")
    (directory / "innovation_path.yaml").write_text(re.sub(r"(?m)^version: \d+.*$", "version: 1", text, count=1),
                                                    encoding="utf-8")
    return directory


@pytest.fixture
def start_app(database_url, workflows_dir, session):
    """(Re)start the app on this test's database with WORKFLOWS_DIR pointing at `workflows_dir`; the
    test's session then reads the workflows as that app does (its catalog)."""
    started = []

    def start():
        config = type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url,
                                                 "WORKFLOWS_DIR": str(workflows_dir)})
        started.append(create_app(config))
        session.info[SESSION_KEY] = started[-1].extensions["workflow_catalog"]
        return started[-1]

    yield start
    for app in started:
        with app.app_context():
            flask_db.session.remove()
            flask_db.engine.dispose()


@pytest.fixture
def write_innovation_path(workflows_dir):
    """Rewrite the private innovation path: `write_innovation_path(edit)` where `edit(document)` mutates it."""

    def write(edit) -> Path:
        path = workflows_dir / "innovation_path.yaml"
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        edit(document)
        path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path

    return write


def rename_project_stage_in_v2(document: dict) -> None:
    """Version 2 of the path calls the `project` stage `prototype`."""
    document["version"] = 2
    for state in document["states"]:
        if state["name"] == "project":
            state["name"] = "prototype"
    for transition in document["transitions"]:
        for key in ("source", "dest"):
            if transition[key] == "project":
                transition[key] = "prototype"


# users create


def test_users_create_makes_an_account_that_can_sign_in(create_user, session):
    result = create_user("Ada@Example.org", role="mentor")
    assert result.exit_code == 0, result.output
    user = session.scalar(sa.select(User).where(User.email == "ada@example.org"))
    assert user is not None and user.role == "mentor" and user.name == "Ada Founder"
    assert f"Created mentor ada@example.org (id {user.id})." in result.output
    assert auth_services.authenticate(session, "ada@example.org", PASSWORD) == user


def test_users_create_prompts_for_the_password_twice_without_stdin(runner, session):
    result = runner.invoke(args=["users", "create", "bo@example.org", "--name", "Bo", "--role", "manager"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert auth_services.authenticate(session, "bo@example.org", PASSWORD) is not None


def test_users_create_refuses_a_duplicate_email(create_user, make_user, session):
    make_user("founder", email="taken@example.org")
    before = count_rows(session)
    result = create_user("TAKEN@example.org")
    assert_clean_failure(result)
    assert "An account with email taken@example.org already exists." in result.output
    assert count_rows(session) == before


def test_users_create_refuses_an_unknown_role(create_user, session):
    before = count_rows(session)
    result = create_user("eve@example.org", role="investor")
    assert_clean_failure(result, code=2)
    assert "Invalid value for '--role'" in result.output
    assert count_rows(session) == before


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("short@example.org", "tiny", "password: At least 10 characters."),
        ("not-an-email", PASSWORD, "email: An email address must have an @-sign."),
    ],
    ids=["short-password", "bad-email"],
)
def test_users_create_refuses_invalid_fields(create_user, session, email, password, message):
    before = count_rows(session)
    result = create_user(email, password=password)
    assert_clean_failure(result)
    assert message in result.output
    assert count_rows(session) == before


# demo


def test_demo_loads_the_demo_cluster_once(runner, session):
    """`--if-empty` loads it into an empty database; loading again changes nothing (one load: it is slow)."""
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded." in result.output
    projects = {p.name: p for p in session.scalars(sa.select(Project))}
    assert {(p.name, p.stage, p.status) for p in projects.values()} == {
        (name, stage, status) for name, _pole, _workflow, stage, _founder, _mentor, status in DEMO_PROJECTS
    } | {LABELLED_PROJECT}
    after_first = count_rows(session)

    result = runner.invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    assert "already present; nothing changed" in result.output
    assert count_rows(session) == after_first
    assert after_first["users"] > 0 and after_first["projects"] == len(DEMO_PROJECTS) + 1  # + the labelled one


def test_demo_if_empty_leaves_a_database_with_accounts_alone(runner, session, make_user):
    make_user("admin")
    before = count_rows(session)
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "The database has accounts; demo data not loaded." in result.output
    assert count_rows(session) == before


# workflows check


def test_workflows_check_accepts_the_shipped_files(runner):
    result = runner.invoke(args=["workflows", "check"])
    assert result.exit_code == 0, result.output
    shipped = sorted(SHIPPED_DIR.glob("*.y*ml"))
    assert shipped
    for path in shipped:
        assert f"ok: {path}" in result.output


def test_workflows_check_reports_each_error_with_file_and_key(runner, tmp_path):
    document = yaml.safe_load((SHIPPED_DIR / "innovation_path.yaml").read_text(encoding="utf-8"))
    document["transitions"][2]["dest"] = "moon"
    document["events"]["advance"]["gates"].append("moon_is_full")
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result = runner.invoke(args=["workflows", "check", str(broken)])
    assert_clean_failure(result)
    assert f"error: {broken}: transitions[2].dest: 'moon' is not one of the states" in result.output
    assert f"error: {broken}: events.advance.gates: unknown guard 'moon_is_full'" in result.output
    assert "2 error(s) in 1 file(s)." in result.output
    assert "ok:" not in result.output


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("name: x\nstates: [idea,\n", "line ", "not valid YAML"),
        ("name: x\nversion: 1\nstates: [idea]\ntransitions:\n  - {trigger: go, source: [[idea]], dest: idea}\n"
         "events: {go: {roles: [manager]}}\n", "transitions[0].source", "is not one of the states"),
    ],
    ids=["bad-yaml", "nested-source"],
)
def test_workflows_check_never_shows_a_traceback(runner, tmp_path, text, key, message):
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["workflows", "check", str(broken)])
    assert_clean_failure(result)
    assert f"error: {broken}: {key}" in result.output
    assert message in result.output


def test_workflows_check_names_only_the_broken_file(runner, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\n", encoding="utf-8")
    good = SHIPPED_DIR / "innovation_path.yaml"
    result = runner.invoke(args=["workflows", "check", str(good), str(broken)])
    assert_clean_failure(result)
    assert f"error: {broken}: " in result.output
    assert f"error: {good}" not in result.output


def test_workflows_check_reports_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["workflows", "check", str(tmp_path / "nowhere.yaml")])
    assert_clean_failure(result)
    assert f"error: {tmp_path / 'nowhere.yaml'}: (file): cannot be read" in result.output


def test_workflows_check_refuses_two_files_with_one_name(runner, tmp_path):
    copy = tmp_path / "copy.yaml"
    shutil.copy(SHIPPED_DIR / "innovation_path.yaml", copy)
    result = runner.invoke(args=["workflows", "check", str(SHIPPED_DIR / "innovation_path.yaml"), str(copy)])
    assert_clean_failure(result)
    assert f"error: {copy}: name: 'innovation_path' is already defined in" in result.output


def test_workflows_check_fails_on_an_empty_directory(start_app, workflows_dir):
    (workflows_dir / "innovation_path.yaml").unlink()
    result = start_app().test_cli_runner().invoke(args=["workflows", "check"])
    assert_clean_failure(result)
    assert "No workflow file found." in result.output


# workflows migrate


@pytest.fixture
def projects_on_v1(start_app, make_project, manager, session, now):
    """Projects on version 1 of the private innovation path: at idea, at project, and one abandoned."""
    start_app()
    at_idea = make_project(name="At idea")
    at_project = make_project(name="At project", stage="project")
    closed = make_project(name="Closed", stage="project")
    services.fire_event(session, closed, "abandon", actor=manager, now=now, version=closed.version, comment="Stop.")
    session.commit()
    return at_idea, at_project, closed


def test_workflows_migrate_moves_open_projects_through_the_map(start_app, write_innovation_path, projects_on_v1,
                                                               session, manager, now):
    at_idea, at_project, closed = projects_on_v1
    write_innovation_path(rename_project_stage_in_v2)
    runner = start_app().test_cli_runner()
    result = runner.invoke(args=["workflows", "migrate", "innovation_path", "--to", "2", "--map", "project=prototype"])
    assert result.exit_code == 0, result.output
    assert "Moved 2 projects of innovation_path to version 2." in result.output
    session.expire_all()
    assert (at_idea.workflow_version, at_idea.stage) == (2, "idea")
    assert (at_project.workflow_version, at_project.stage) == (2, "prototype")
    assert (closed.workflow_version, closed.stage) == (1, "project")
    last = queries.list_history(session, at_project)[-1]
    assert (last.event, last.from_stage, last.to_stage) == ("migrate_workflow", "project", "prototype")
    versions = session.scalars(sa.select(WorkflowVersion.version).where(WorkflowVersion.key == "innovation_path"))
    assert sorted(versions) == [1, 2]
    # The moved project now follows version 2; the closed one keeps the rules of version 1.
    assert services.definition_of(session, at_project).has_stage("prototype")
    assert services.definition_of(session, closed).has_stage("project")
    services.fire_event(session, at_project, "advance", actor=manager, now=now, version=at_project.version,
                        comment="On to production.", override=True)
    assert at_project.stage == "industrialisation"


@pytest.mark.parametrize("mapping", [[], ["--map", "project=nowhere"]], ids=["no-map", "map-to-unknown-stage"])
def test_workflows_migrate_refuses_an_unmapped_stage_and_moves_nothing(start_app, write_innovation_path,
                                                                      projects_on_v1, session, mapping):
    write_innovation_path(rename_project_stage_in_v2)
    runner = start_app().test_cli_runner()
    before = count_rows(session)
    result = runner.invoke(args=["workflows", "migrate", "innovation_path", "--to", "2", *mapping])
    assert_clean_failure(result)
    assert "No stage of innovation_path version 2 for: project. Map each one with --map OLD=NEW." in result.output
    assert count_rows(session) == before
    assert {p.workflow_version for p in projects_on_v1} == {1}


def test_workflows_migrate_refuses_a_malformed_map(start_app, write_innovation_path, projects_on_v1):
    write_innovation_path(rename_project_stage_in_v2)
    result = start_app().test_cli_runner().invoke(
        args=["workflows", "migrate", "innovation_path", "--to", "2", "--map", "project"])
    assert_clean_failure(result, code=2)
    assert "'project' is not OLD=NEW" in result.output


def test_workflows_migrate_refuses_an_unknown_version(start_app, projects_on_v1, session):
    before = count_rows(session)
    result = start_app().test_cli_runner().invoke(args=["workflows", "migrate", "innovation_path", "--to", "7"])
    assert_clean_failure(result)
    assert "Workflow “innovation_path” has no version 7." in result.output
    assert count_rows(session) == before


def test_edited_workflow_keeping_its_version_is_refused_when_a_project_is_created(
    start_app, write_innovation_path, make_project, founder, session, now
):
    start_app()
    make_project(name="Recorded v1")
    write_innovation_path(lambda document: document["states"][0].update(expected_days=30))
    start_app()
    before = count_rows(session)
    with pytest.raises(Conflict) as caught:
        services.create_project(session, name="After the edit", summary="", pole="multimedia", workflow=None,
                                default_workflow="innovation_path", actor=founder, now=now)
    session.rollback()
    assert "changed but its version is still 1" in caught.value.message
    assert count_rows(session) == before


def test_reworded_workflow_keeping_its_version_is_taken_with_its_new_texts(
    start_app, write_innovation_path, make_project, session
):
    start_app()
    make_project(name="Recorded v1")
    row = session.scalars(sa.select(WorkflowVersion).where(WorkflowVersion.key == "innovation_path")).one()
    row.checksum = "0" * 64  # as stored before labels left the checksum: the rules are compared afresh
    session.commit()
    write_innovation_path(lambda document: document["states"][0]["label"].update(en="Raw idea", ar="فكرة أولية"))
    start_app()
    project = make_project(name="After the rewording")
    assert project.workflow_version == 1
    session.expire_all()
    row = session.scalars(sa.select(WorkflowVersion).where(WorkflowVersion.key == "innovation_path")).one()
    assert row.document["states"][0]["label"]["ar"] == "فكرة أولية"
    assert row.checksum == services.definition_of(session, project).checksum


def test_edited_workflow_with_a_new_version_is_taken_by_new_projects(
    start_app, write_innovation_path, make_project, session
):
    start_app()
    old = make_project(name="On v1")
    write_innovation_path(lambda document: document.update(version=2))
    start_app()
    new = make_project(name="On v2")
    assert (old.workflow_version, new.workflow_version) == (1, 2)


def test_demo_speaks_french_by_default_and_english_on_request(runner, session):
    from app.calls.models import Call
    from app.mentoring.models import AdviceSession

    assert runner.invoke(args=["demo"]).exit_code == 0
    call = session.scalars(sa.select(Call)).first()
    assert call.title.startswith("Appel à projets 2026")
    assert "Quel problème résolvez-vous, et pour qui ?" in str(call.questions)
    assert session.scalars(sa.select(AdviceSession.summary)).first().startswith("Point sur les livrables")


def test_demo_in_english(runner, session):
    from app.calls.models import Call

    result = runner.invoke(args=["demo", "--locale", "en"])
    assert result.exit_code == 0, result.output
    assert session.scalars(sa.select(Call.title)).first().startswith("Call for projects 2026")
    assert session.scalars(sa.select(Project.summary).where(Project.name == "AtlasTV")).one() == \
        "AtlasTV: a demo project of the cluster."
    assert runner.invoke(args=["demo", "--locale", "de"]).exit_code == 2


def test_demo_in_arabic(session):
    """The demo's words exist in Arabic (`flask demo --locale ar` passes the locale to `load_demo`)."""
    from app.calls.models import Call
    from app.core.time import utcnow
    from app.demo import DEMO_TEXTS
    from app.demo import load_demo
    from app.mentoring.models import AdviceSession
    from app.projects.models import Cohort

    assert set(DEMO_TEXTS["ar"]) == set(DEMO_TEXTS["fr"])
    assert load_demo(session, now=utcnow(), default_workflow="innovation_path", locale="ar")
    session.commit()
    assert session.scalars(sa.select(Call.title)).first().startswith("طلب مشاريع 2026")
    assert "ما الإشكالية التي تحلونها، ولمن؟" in str(session.scalars(sa.select(Call.questions)).first())
    assert session.scalars(sa.select(AdviceSession.summary)).first().startswith("مراجعة تقدم")
    assert set(session.scalars(sa.select(Cohort.name))) == {"فوج ربيع 2026", "فوج خريف 2026"}
    admin = session.scalars(sa.select(User).where(User.email == "admin@example.org")).one()
    assert admin.locale == "ar"


def _without(document, language: str):
    """The document with every text in `language` taken out."""
    if isinstance(document, dict):
        if document and all(isinstance(k, str) and len(k) == 2 and isinstance(v, str) for k, v in document.items()):
            return {k: v for k, v in document.items() if k != language}
        return {k: _without(v, language) for k, v in document.items()}
    if isinstance(document, list):
        return [_without(v, language) for v in document]
    return document


def test_workflows_check_warns_about_a_text_without_a_shipped_language(runner, tmp_path):
    document = yaml.safe_load((SHIPPED_DIR / "innovation_path.yaml").read_text(encoding="utf-8"))
    document = _without(document, "ar")
    document["states"][0]["label"] = {"en": "Idea"}
    path = tmp_path / "innovation_path.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")

    result = runner.invoke(args=["workflows", "check", str(path)])

    assert result.exit_code == 0, result.output  # a warning, not an error
    assert f"ok: {path}" in result.output
    assert f"warning: {path}: states.idea.label: no fr, ar text (shown in English instead)" in result.output
    assert f"warning: {path}: events.advance.label: no ar text (shown in French instead)" in result.output
    assert f"warning: {path}: readiness.dimensions.technology.label: no ar text" in result.output
    assert "error:" not in result.output


@pytest.mark.parametrize("lang, words", [
    ("ar_MA.UTF-8", ("إدارة الحسابات.", "إنشاء حساب بالعنوان EMAIL")),
    ("fr_FR.UTF-8", ("Gérer les comptes.", "Créer un compte avec EMAIL")),
    ("C.UTF-8", ("Manage accounts.", "Create an account with EMAIL")),
])
def test_help_speaks_the_terminal_s_language(runner, lang, words):
    env = {"LANG": lang, "LC_ALL": None, "LC_MESSAGES": None}

    group = runner.invoke(args=["users", "--help"], env=env)
    command = runner.invoke(args=["users", "create", "--help"], env=env)

    assert group.exit_code == command.exit_code == 0
    assert words[0] in group.output and words[1] in group.output  # the group's text, its commands' short help
    assert words[1] in command.output
    option = {"ar_MA.UTF-8": "الاسم الكامل للشخص.", "fr_FR.UTF-8": "Le nom complet de la personne.",
              "C.UTF-8": "The person's full name."}[lang]
    assert option in command.output


ENGLISH_TERMINAL = {"LANG": "C.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}
FRENCH_TERMINAL = {"LANG": "fr_FR.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}


def test_demo_writes_the_labelled_project_s_history_in_the_demo_s_language(runner, session):
    """The labelling service writes its comment as it goes: French demo, French comment, whatever the terminal."""
    from app.projects.models import ProjectEvent

    assert runner.invoke(args=["demo"], env=ENGLISH_TERMINAL).exit_code == 0

    project = session.scalars(sa.select(Project).where(Project.name == LABELLED_PROJECT[0])).one()
    comments = list(session.scalars(sa.select(ProjectEvent.comment).where(ProjectEvent.project_id == project.id)))
    assert any(c.startswith("Candidature à l'appel «\u00a0Appel à projets 2026") for c in comments), comments
    assert not any("Application to" in c for c in comments)


def test_data_export_to_a_path_that_cannot_be_written_says_so(runner, tmp_path):
    result = runner.invoke(args=["data", "export", str(tmp_path / "no-such-folder" / "parcours.jsonl")],
                           env=ENGLISH_TERMINAL)

    assert_clean_failure(result)
    assert "Cannot write" in result.output and "No such file or directory" in result.output


@pytest.mark.parametrize("args, message", [
    (["scheduler", "tick", "--now", "yesterday"], "«\u00a0yesterday\u00a0» n'est pas un instant ISO-8601"),
    (["scheduler", "tick", "--now", "2026-11-28T09:00:00"], "donnez un fuseau horaire"),
    (["workflows", "migrate", "innovation_path", "--to", "2", "--map", "idea"],
     "«\u00a0idea\u00a0» n'est pas de la forme OLD=NEW"),
])
def test_bad_values_are_explained_in_the_terminal_s_language(runner, args, message):
    result = runner.invoke(args=args, env=FRENCH_TERMINAL)

    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert message in result.output


def test_click_s_own_words_speak_the_terminal_s_language(runner):
    """Not only our help texts: click's headings, `[required]` and its errors are translated too."""
    french = runner.invoke(args=["users", "create", "--help"], env=FRENCH_TERMINAL)
    arabic = runner.invoke(args=["users", "create", "--help"], env={**FRENCH_TERMINAL, "LANG": "ar_MA.UTF-8"})
    refused = runner.invoke(args=["users", "create", "a@example.org", "--name", "A", "--role", "boss"],
                            env=FRENCH_TERMINAL)
    english = runner.invoke(args=["users", "create", "--help"], env=ENGLISH_TERMINAL)

    assert "Afficher cette aide et quitter." in french.output and "[obligatoire]" in french.output
    assert "عرض هذه المساعدة والخروج." in arabic.output and "[إلزامي]" in arabic.output
    assert refused.exit_code == 2 and "Valeur invalide pour '--role'" in refused.output
    assert "Show this message and exit." in english.output and "[required]" in english.output


@pytest.mark.parametrize("args", [["demo"], ["scheduler", "tick"], ["pipeline", "rebuild"],
                                  ["users", "create", "a@example.org", "--name", "A", "--role", "founder",
                                   "--password-stdin"]])
def test_commands_on_a_database_without_its_schema_say_to_upgrade_it(tmp_path, args):
    """A newcomer who skips `db upgrade` reads what to do, not SQLAlchemy's "no such table"."""
    config = type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}"})
    app = create_app(config)
    try:
        result = app.test_cli_runner().invoke(args=args, input=f"{PASSWORD}\n", env=ENGLISH_TERMINAL)
    finally:
        with app.app_context():
            flask_db.engine.dispose()

    assert_clean_failure(result)
    assert "run `flask --app wsgi db upgrade` first" in result.output
