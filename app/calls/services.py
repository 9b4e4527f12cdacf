"""Writes on calls and applications: open a call, write, attach a deck, submit.

Reviews and decisions are in `app.calls.evaluation`. Services check permissions themselves,
add and flush, and never commit: the boundary commits once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User
from app.calls import decks
from app.calls import permissions
from app.calls import queries
from app.calls.models import QUESTION_KINDS
from app.calls.models import Application
from app.calls.models import ApplicationPartner
from app.calls.models import Call
from app.calls.models import CallCriterion
from app.calls.models import CallPole
from app.calls.models import PitchDeck
from app.cluster.models import PARTNER_ROLES
from app.cluster.models import Organisation
from app.core.errors import ConcurrentEdit
from app.core.errors import Forbidden
from app.core.errors import NotFound
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.core.i18n import lazy_pgettext
from app.notifications import services as notifications
from app.notifications.services import Message
from app.projects import queries as project_queries
from app.workflow.catalog import catalog_of

TITLE_MAX = 200
TEXT_MAX = 10_000
SUMMARY_MAX = 5000
ANSWER_MAX = 5000
CRITERIA_MAX = 20
QUESTIONS_MAX = 20
PARTNERS_MAX = 20
WEIGHT_MIN, WEIGHT_MAX = 1, 5
HELP_MAX = 1000
QUESTION_MAX = 1000
OPTIONS_MAX = 20
OPTION_MAX = 200
#: The longest answer to a `short_text` question.
SHORT_ANSWER_MAX = 200
KEY = re.compile(r"[a-z0-9_]{1,64}")
#: A number as people type it: `12`, `-3.5`, `1 200,50`.
NUMBER = re.compile(r"-?\d[\d \u00a0\u202f]*([.,]\d+)?")


@dataclass(frozen=True)
class CriterionInput:
    key: str
    title: str
    weight: int
    #: Five texts, what 1 … 5 mean; empty for the plain scale.
    descriptors: tuple[str, ...] = ()
    #: What the reviewer should look at.
    help: str = ""


@dataclass(frozen=True)
class QuestionInput:
    key: str
    #: The question's title, as the applicant reads it.
    text: str
    kind: str = "long_text"
    help: str = ""
    #: The choices of a `choice` question.
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class PartnerInput:
    organisation_id: int
    role: str


def slug(text: str) -> str:
    """A key from a title: `Market & customers` → `market_customers`."""
    return re.sub(r"[^a-z0-9]+", "_", (text or "").lower()).strip("_")[:64]


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def start_of(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)


def _criterion_errors(number: int, c: CriterionInput, keys: list[str]) -> list[str]:
    errors = []
    if not c.title.strip() or len(c.title) > TITLE_MAX:
        errors.append(_l("Criterion %(n)s: a title of 1 to %(max)s characters is required.", n=number, max=TITLE_MAX))
    elif not KEY.fullmatch(c.key) or keys.count(c.key) > 1:
        errors.append(_l("Criterion %(n)s: another criterion has the same title.", n=number))
    if isinstance(c.weight, bool) or not isinstance(c.weight, int) or not WEIGHT_MIN <= c.weight <= WEIGHT_MAX:
        errors.append(_l("Criterion %(n)s: weight must be between %(min)s and %(max)s.", n=number, min=WEIGHT_MIN,
                         max=WEIGHT_MAX))
    if len(c.help) > HELP_MAX:
        errors.append(_l("Criterion %(n)s: the help text has at most %(max)s characters.", n=number, max=HELP_MAX))
    if c.descriptors and (len(c.descriptors) != 5 or any(len(d) > 300 for d in c.descriptors)):
        errors.append(_l("Criterion %(n)s: describe the scale with five texts (1 to 5), or not at all.", n=number))
    return errors


def _question_errors(number: int, q: QuestionInput, keys: list[str]) -> list[str]:
    errors = []
    if not q.text.strip() or len(q.text) > QUESTION_MAX:
        errors.append(_l("Question %(n)s: a title of 1 to %(max)s characters is required.", n=number,
                         max=QUESTION_MAX))
    if not KEY.fullmatch(q.key) or keys.count(q.key) > 1:
        errors.append(_l("Question %(n)s: its key must be unique (lower case letters, digits and _).", n=number))
    if q.kind not in QUESTION_KINDS:
        errors.append(_l("Question %(n)s: choose a kind of answer.", n=number))
    elif q.kind == "choice" and not (2 <= len(q.options) <= OPTIONS_MAX and all(
            o.strip() and len(o) <= OPTION_MAX for o in q.options) and len(set(q.options)) == len(q.options)):
        errors.append(_l("Question %(n)s: a choice needs %(min)s to %(max)s different options, one per line.",
                         n=number, min=2, max=OPTIONS_MAX))
    if len(q.help) > HELP_MAX:
        errors.append(_l("Question %(n)s: the help text has at most %(max)s characters.", n=number, max=HELP_MAX))
    return errors


def check_grid(criteria: list[CriterionInput], questions: list[QuestionInput]) -> dict[str, list[str]]:
    """Check the grid and the questions row by row: each message names its row ("Criterion 2: …")."""
    errors: dict[str, list[str]] = {}
    keys = [c.key for c in criteria]
    criteria_errors = [] if 1 <= len(criteria) <= CRITERIA_MAX else [
        _l("Give 1 to %(n)s criteria.", n=CRITERIA_MAX)]
    for number, criterion in enumerate(criteria, start=1):
        criteria_errors += _criterion_errors(number, criterion, keys)
    question_keys = [q.key for q in questions]
    question_errors = [] if len(questions) <= QUESTIONS_MAX else [
        _l("At most %(n)s questions.", n=QUESTIONS_MAX)]
    for number, question in enumerate(questions, start=1):
        question_errors += _question_errors(number, question, question_keys)
    if criteria_errors:
        errors["criteria"] = criteria_errors
    if question_errors:
        errors["questions"] = question_errors
    return errors


def question_rows(questions: list[QuestionInput]) -> list[dict]:
    """The JSON of a call's questions."""
    return [{"key": q.key, "text": q.text.strip(), "kind": q.kind, "help": q.help.strip(),
             "options": [o.strip() for o in q.options] if q.kind == "choice" else []} for q in questions]


def criterion_rows(call: Call, criteria: list[CriterionInput]) -> list[CallCriterion]:
    """The grid's rows, reusing the call's rows of the same key (a key stays unique while rows change)."""
    existing = {c.key: c for c in call.criteria}
    rows = []
    for position, c in enumerate(criteria):
        row = existing.get(c.key) or CallCriterion(key=c.key)
        row.title, row.weight, row.position = c.title.strip(), c.weight, position
        row.help_text, row.descriptors = c.help.strip(), [d.strip() for d in c.descriptors]
        rows.append(row)
    return rows


def _check_call(session: Session, *, title: str, description: str, poles: list[str], opens_on: dt.date,
                closes_on: dt.date, workflow: str, stage: str, timezone: str, today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip() or len(title) > TITLE_MAX:
        errors["title"] = [_l("A title of 1 to %(n)s characters is required.", n=TITLE_MAX)]
    if len(description) > TEXT_MAX:
        errors["description"] = [_l("At most %(n)s characters.", n=TEXT_MAX)]
    unknown = [p for p in poles if project_queries.get_pole(session, p) is None]
    if not poles or unknown:
        errors["poles"] = [_l("Choose one or more known poles.")]
    if closes_on < opens_on:
        errors["closes_on"] = [_l("The call cannot close before it opens.")]
    elif closes_on < today:
        errors["closes_on"] = [_l("The closing date is already past.")]
    try:
        definition = catalog_of(session).latest(workflow)
    except NotFound as exc:
        errors["workflow"] = [exc.message]
    else:
        if not definition.has_stage(stage):
            errors["stage"] = [_l("The path “%(workflow)s” has no stage “%(stage)s”.", workflow=workflow,
                                  stage=stage)]
    if _zone(timezone) is None:
        errors["timezone"] = [_l("Unknown time zone “%(zone)s”.", zone=timezone)]
    return errors


def check_call_fields(session: Session, *, criteria: list[CriterionInput], questions: list[QuestionInput],
                      **fields) -> dict[str, list[str]]:
    """Every error of a call's fields at once (creating or editing it)."""
    return {**_check_call(session, **fields), **check_grid(criteria, questions)}


def create_call(session: Session, *, actor: User, now: dt.datetime, title: str, description: str, poles: list[str],
                opens_on: dt.date, closes_on: dt.date, criteria: list[CriterionInput], questions: list[QuestionInput],
                workflow: str, stage: str, timezone: str, requires_deck: bool = True,
                cohort_id: int | None = None) -> Call:
    """Open a call for projects (managers): its poles, dates, grid, questions and where labelled projects go
    (a stage of a workflow, and the cohort they join, if any)."""
    if not permissions.can_manage_calls(actor):
        raise Forbidden(_l("Only managers open calls for projects."))
    zone = _zone(timezone)
    today = now.astimezone(zone).date() if zone else now.date()
    errors = check_call_fields(session, title=title, description=description, poles=poles, opens_on=opens_on,
                               closes_on=closes_on, workflow=workflow, stage=stage, timezone=timezone, today=today,
                               criteria=criteria, questions=questions)
    errors.update(_check_cohort(session, cohort_id, workflow))
    if errors:
        raise ValidationFailed(_l("The call has invalid fields."), **errors)
    call = Call(title=title.strip(), description=description.strip(), opens_on=opens_on, closes_on=closes_on,
                timezone=timezone, opens_at=start_of(opens_on, zone),
                closes_at=start_of(closes_on + dt.timedelta(days=1), zone),
                questions=question_rows(questions), requires_deck=requires_deck,
                workflow_key=workflow, stage=stage, cohort_id=cohort_id, created_by_id=actor.id, created_at=now)
    call.poles = [CallPole(pole_key=p) for p in dict.fromkeys(poles)]
    call.criteria = criterion_rows(call, criteria)
    session.add(call)
    session.flush()
    return call


def _check_cohort(session: Session, cohort_id: int | None, workflow: str) -> dict[str, list[str]]:
    """A call feeds a cohort of the path its labelled projects enter (or none)."""
    if cohort_id is None:
        return {}
    cohort = project_queries.get_cohort(session, cohort_id)
    if cohort is None:
        return {"cohort_id": [_l("No such cohort.")]}
    if cohort.workflow_key != workflow:
        return {"cohort_id": [_l("The cohort “%(cohort)s” follows another path than the call's projects.",
                                 cohort=cohort.name)]}
    return {}


def set_call_cohort(session: Session, call: Call, cohort_id: int | None, *, actor: User) -> Call:
    """Change the cohort a call's next labelled projects join (managers); projects labelled already stay."""
    if not permissions.can_manage_calls(actor):
        raise Forbidden(_l("Only managers change calls for projects."))
    errors = _check_cohort(session, cohort_id, call.workflow_key)
    if errors:
        raise ValidationFailed(_l("The call has invalid fields."), **errors)
    call.cohort = project_queries.get_cohort(session, cohort_id) if cohort_id is not None else None
    session.flush()
    return call


# Applications -----------------------------------------------------------------------------------


def _closed_error(call: Call) -> ValidationFailed:
    message = str(_l("The call closed on %(date)s: applications can no longer be submitted or changed. "
                     "Your draft stays readable.", date=call.closes_on.isoformat()))
    return ValidationFailed(message, call=[message])


def _withdrawn_error() -> ValidationFailed:
    message = str(_l("The call was withdrawn: applications can no longer be submitted or changed."))
    return ValidationFailed(message, call=[message])


def _check_fields(session: Session, call: Call, *, title: str, summary: str, pole: str, answers: dict,
                  partners: list[PartnerInput] | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if len(title) > TITLE_MAX:
        errors["title"] = [_l("At most %(n)s characters.", n=TITLE_MAX)]
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = [_l("At most %(n)s characters.", n=SUMMARY_MAX)]
    if pole not in call.pole_keys:
        errors["pole"] = [_l("Choose one of the call's poles: %(poles)s.", poles=", ".join(call.pole_keys))]
    known = {q["key"] for q in call.questions}
    if set(answers) - known:
        errors["answers"] = [_l("Unknown questions: %(keys)s.", keys=", ".join(sorted(set(answers) - known)))]
    elif any(not isinstance(v, str) for v in answers.values()):
        errors["answers"] = [_l("Each answer is a text of at most %(n)s characters.", n=ANSWER_MAX)]
    elif wrong := [m for q in call.questions if (m := answer_error(q, answers.get(q["key"], "")))]:
        errors["answers"] = wrong
    if partners is not None:
        ids = [p.organisation_id for p in partners]
        if (len(partners) > PARTNERS_MAX or len(set(ids)) != len(ids)
                or any(p.role not in PARTNER_ROLES for p in partners) or sum(p.role == "lead" for p in partners) > 1):
            errors["partners"] = [_l("At most %(n)s different organisations, one lead at most, known roles.",
                                     n=PARTNERS_MAX)]
        elif any(session.get(Organisation, i) is None for i in ids):
            errors["partners"] = [_l("Choose organisations registered with the cluster.")]
    return errors


def answer_error(question: dict, answer: str):
    """Why `answer` does not fit `question` (its kind, its length), naming the question; None when it does."""
    answer, title = (answer or "").strip(), question["text"]
    kind = question.get("kind", "long_text")
    limit = SHORT_ANSWER_MAX if kind == "short_text" else ANSWER_MAX
    if len(answer) > limit:
        return _l("“%(question)s”: at most %(n)s characters (%(length)s now).", question=title, n=limit,
                  length=len(answer))
    if answer and kind == "number" and not NUMBER.fullmatch(answer):
        return _l("“%(question)s”: give a number.", question=title)
    if answer and kind == "choice" and answer not in question.get("options", []):
        return _l("“%(question)s”: choose one of the options.", question=title)
    return None


def _set_fields(application: Application, *, title: str, summary: str, pole: str, answers: dict,
                partners: list[PartnerInput] | None) -> None:
    application.title, application.summary, application.pole_key = title.strip(), summary.strip(), pole
    application.answers = {k: v.strip() for k, v in answers.items()}
    if partners is not None:
        application.partners = [ApplicationPartner(organisation_id=p.organisation_id, role=p.role) for p in partners]


def ensure_can_apply(actor: User) -> None:
    """Refuse someone who may not apply to calls (the API asks before reading a body)."""
    if not permissions.can_apply(actor):
        raise Forbidden(_l("Only founders with a confirmed email address apply to calls."))


def create_application(session: Session, call: Call, *, actor: User, now: dt.datetime, title: str, summary: str = "",
                       pole: str | None = None, answers: dict | None = None,
                       partners: list[PartnerInput] | None = None) -> Application:
    """Start a draft application to an open call (founders with a confirmed address)."""
    ensure_can_apply(actor)
    if call.withdrawn_at is not None:
        raise _withdrawn_error()
    if not call.is_open(now):
        raise _closed_error(call) if now >= call.closes_at else ValidationFailed(_l("This call is not open yet."))
    pole = pole or call.pole_keys[0]
    answers = answers or {}
    errors = _check_fields(session, call, title=title, summary=summary, pole=pole, answers=answers, partners=partners)
    if not title.strip():
        errors["title"] = [_l("A title is required.")]
    if errors:
        raise ValidationFailed(_l("The application has invalid fields."), **errors)
    application = Application(call_id=call.id, applicant_id=actor.id, status="draft", created_at=now, updated_at=now)
    _set_fields(application, title=title, summary=summary, pole=pole, answers=answers, partners=partners)
    session.add(application)
    session.flush()
    return application


def _require_editable(session: Session, application: Application, actor: User, now: dt.datetime,
                      version: int | None) -> None:
    relations = queries.relations(session, application, actor)
    if "applicant" not in relations:
        raise Forbidden(_l("Only the applicant changes an application."))
    if application.status == "draft" and application.call.withdrawn_at is not None:
        raise _withdrawn_error()
    if application.status == "draft" and now >= application.call.closes_at:
        raise _closed_error(application.call)
    if not permissions.can_edit(relations, application, now):
        raise ValidationFailed(_l("This application was submitted: it can no longer be changed."),
                               status=[application.status])
    check_version(application, version)


def check_version(application: Application, version: int | None) -> None:
    if version is not None and version != application.version:
        raise ConcurrentEdit(_l("This application was changed elsewhere (version %(current)s, yours %(yours)s). "
                                "Reload it and try again.", current=application.version, yours=version))


def flush_application(session: Session) -> None:
    """Flush, turning a lost optimistic-lock race into `ConcurrentEdit`."""
    try:
        session.flush()
    except StaleDataError:
        raise ConcurrentEdit(_l("This application was changed elsewhere. Reload it and try again.")) from None


def update_application(session: Session, application: Application, *, actor: User, now: dt.datetime,
                       version: int | None, title: str | None = None, summary: str | None = None,
                       pole: str | None = None, answers: dict | None = None,
                       partners: list[PartnerInput] | None = None) -> Application:
    """Save the applicant's changes to a draft (or to an application sent back for more information)."""
    _require_editable(session, application, actor, now, version)
    fields = {"title": application.title if title is None else title,
              "summary": application.summary if summary is None else summary,
              "pole": application.pole_key if pole is None else pole,
              "answers": {**application.answers, **(answers or {})}}
    errors = _check_fields(session, application.call, partners=partners, **fields)
    if not fields["title"].strip():
        errors["title"] = [_l("A title is required.")]
    if errors:
        raise ValidationFailed(_l("The application has invalid fields."), **errors)
    _set_fields(application, partners=partners, **fields)
    application.updated_at = now
    flush_application(session)
    return application


def attach_deck(session: Session, application: Application, deck: decks.CheckedDeck, *, actor: User,
                now: dt.datetime, directory: Path) -> str | None:
    """Store a checked PDF as the application's pitch deck; return the replaced file's name to delete
    after the commit (deleting it now would lose it if the transaction rolls back)."""
    _require_editable(session, application, actor, now, None)
    replaced = application.deck.storage_name if application.deck else None
    if application.deck is None:
        application.deck = PitchDeck(application_id=application.id)
    row = application.deck
    row.storage_name = decks.store(directory, deck.data)
    row.filename, row.size_bytes, row.sha256 = deck.filename, len(deck.data), deck.sha256
    row.uploaded_at, row.uploaded_by_id = now, actor.id
    application.updated_at = now
    flush_application(session)
    return replaced


def submit_application(session: Session, application: Application, *, actor: User, now: dt.datetime,
                       version: int | None = None) -> Application:
    """Send the application to the commission: complete, before the deadline (or once, after more info was asked)."""
    _require_editable(session, application, actor, now, version)
    errors: dict[str, list[str]] = {}
    if not application.summary.strip():
        errors["summary"] = [lazy_pgettext("application", "A summary is required.")]
    unanswered = [q["text"] for q in application.call.questions if not application.answers.get(q["key"], "").strip()]
    if unanswered:
        errors["answers"] = [_l("Answer every question (missing: %(questions)s).",
                                questions="; ".join(f"“{t}”" for t in unanswered))]
    if application.call.requires_deck and application.deck is None:
        errors["deck"] = [_l("Attach your pitch deck (PDF).")]
    if errors:
        raise ValidationFailed(_l("The application is not complete."), **errors)
    application.status, application.submitted_at, application.updated_at = "submitted", now, now
    flush_application(session)
    _tell_submission(session, application, now=now)
    return application


def _tell_submission(session: Session, application: Application, *, now: dt.datetime) -> None:
    """A receipt to the applicant (each submission), and a review request to each commission member (once)."""
    params = {"application_id": application.id, "title": application.title, "call": application.call.title}
    receipt = Message(user=application.applicant, kind="application_received", params=params,
                      link=f"/applications/{application.id}",
                      dedupe_key=f"application:{application.id}:received:{now.isoformat()}")
    reviewers = queries.list_commission_reviewers(session, application)
    notifications.queue(session, [receipt, *review_requests(application, reviewers)], now=now)


def review_requests(application: Application, reviewers: list[User]) -> list[Message]:
    """`review_requested` to each reviewer of the application (once per reviewer, whatever asks again)."""
    params = {"application_id": application.id, "title": application.title, "call": application.call.title}
    return [Message(user=reviewer, kind="review_requested", params=params,
                    link=f"/applications/{application.id}/review",
                    dedupe_key=f"application:{application.id}:review:{reviewer.id}") for reviewer in reviewers]
