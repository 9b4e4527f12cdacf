"""Demo data: a small cluster with accounts of every role and projects along the path."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import services as auth_services
from app.auth.models import User
from app.calls.demo import load_calls_demo
from app.checkins import services as checkin_services
from app.checkins import sweep as checkin_sweep
from app.mentoring import queries as mentoring_queries
from app.mentoring import services as mentoring_services
from app.officehours import services as officehours_services
from app.people import services as people_services
from app.projects import evidence as project_evidence
from app.projects import queries as project_queries
from app.projects import services
from app.projects.models import Cohort
from app.projects.models import Project
from app.workflow.catalog import catalog_of

DEMO_PASSWORD = "parcours-demo"
DIMENSION_KEYS = ("technology", "customer", "business_model", "ip", "team", "funding")
DEMO_USERS = [
    ("admin@example.org", "Amina Admin", "admin"),
    ("manager@example.org", "Karim Manager", "manager"),
    ("mentor@example.org", "Salma Mentor", "mentor"),
    ("mentor2@example.org", "Youssef Mentor", "mentor"),
    ("founder@example.org", "Nadia Founder", "founder"),
    ("founder2@example.org", "Omar Founder", "founder"),
    # Signed up on /signup: applies to calls, creates no project until an application is labelled.
    ("applicant@example.org", "Leila Applicant", "applicant"),
]
#: (name, pole, workflow, stage reached, founder, mentor, status)
DEMO_PROJECTS = [
    ("PayMobile", "security_payment_digital_rights", "innovation_path", "idea", "founder", "mentor", "active"),
    ("AtlasTV", "multimedia", "innovation_path", "project", "founder", "mentor", "active"),
    ("SoukERP", "software_packages", "innovation_path", "industrialisation", "founder2", "mentor2", "active"),
    ("Darija Voice", "mobile_services", "innovation_path", "commercialisation", "founder2", "mentor", "active"),
    ("SecureID", "security_payment_digital_rights", "innovation_path", "internationalisation", "founder",
     "mentor2", "active"),
    ("AgriSMS", "mobile_services", "innovation_path", "project", "founder2", None, "on_hold"),
    ("EduStream", "multimedia", "accelerator_sprint", "build", "founder", "mentor", "active"),
]
#: name → (days in its stage, days since its mentor's last session), counted back from the day the demo
#: loads, so the portfolio looks alive that week: most projects entered their stage weeks ago, two stay
#: longer than their stage expects (PayMobile, SoukERP), AtlasTV's check-in is due (a session to log),
#: Darija Voice's is overdue and its latest KPI report late.
DEMO_TIMING = {
    "PayMobile": (100, 3), "AtlasTV": (35, 15), "SoukERP": (290, 5), "Darija Voice": (105, 40),
    "SecureID": (21, 6), "AgriSMS": (50, 0), "EduStream": (14, 3),
}
#: The days between two stage moves in the demo projects' past.
DAYS_PER_PAST_STAGE = 20
#: The demo's words, in each language it can be loaded in (`flask demo --locale fr|en|ar`): the cluster's
#: staff see a demo that speaks their language, not English content on French pages.
DEMO_TEXTS = {
    "en": {
        "summary": "%(name)s: a demo project of the cluster.",
        "review_request": "Everything for the project stage is done; the evidence is attached.",
        "evidence_plan": "The version reviewed with the bank.",
        "evidence_prototype": "A two-minute video of the prototype with a pilot channel.",
        "room": "Technopark, room B2",
        "topic": "Pricing of the first subscription",
        "gate_passed": "Gate review passed.",
        "advance": "Ready for the next stage.",
        "hold": "Waiting for funding.",
        "bio_mentor": "Former product lead at a telecom operator.",
        "bio_mentor2": "Serial founder; e-payment and export.",
        "session_summary": "Reviewed progress on the stage deliverables and the next customer meetings.",
        "session_notes": "Team is strong on tech, weaker on sales: push for a commercial co-founder.",
        "action_pitch": "Draft the one-page pitch",
        "action_interviews": "Book three customer interviews",
        "rating": "Concrete advice.",
        "support": "We need advice on protecting our payment protocol before showing it to operators.",
        "assessment": "Demo assessment.",
        "kpi_reason": "An invoice of the period was missing.",
        "cohorts": ("Spring 2026 cohort", "Autumn 2026 cohort"),
    },
    "fr": {
        "summary": "%(name)s : un projet de démonstration du cluster.",
        "review_request": "Tout est fait pour l'étape projet ; les justificatifs sont joints.",
        "evidence_plan": "La version revue avec la banque.",
        "evidence_prototype": "Une vidéo de deux minutes du prototype avec une chaîne pilote.",
        "room": "Technopark, salle B2",
        "topic": "Tarif du premier abonnement",
        "gate_passed": "Revue de jalon réussie.",
        "advance": "Prêt pour l'étape suivante.",
        "hold": "En attente de financement.",
        "bio_mentor": "Ancienne responsable produit chez un opérateur télécom.",
        "bio_mentor2": "Fondateur en série ; paiement électronique et export.",
        "session_summary": "Point sur les livrables de l'étape et les prochains rendez-vous clients.",
        "session_notes": "Équipe solide en technique, plus faible en vente : chercher un cofondateur commercial.",
        "action_pitch": "Rédiger le pitch d'une page",
        "action_interviews": "Organiser trois entretiens clients",
        "rating": "Des conseils concrets.",
        "support": "Nous avons besoin de conseils pour protéger notre protocole de paiement avant de le présenter "
                   "aux opérateurs.",
        "assessment": "Évaluation de démonstration.",
        "kpi_reason": "Une facture de la période manquait.",
        "cohorts": ("Cohorte printemps 2026", "Cohorte automne 2026"),
    },
    "ar": {
        "summary": "%(name)s: مشروع تجريبي يواكبه التجمع.",
        "review_request": "أُنجز كل ما تتطلبه مرحلة المشروع؛ والإثباتات مرفقة.",
        "evidence_plan": "النسخة التي رُوجعت مع البنك.",
        "evidence_prototype": "فيديو مدته دقيقتان للنموذج الأولي مع قناة تجريبية.",
        "room": "تكنوبارك الدار البيضاء، القاعة B2",
        "topic": "تسعير الاشتراك الأول",
        "gate_passed": "تم اجتياز مراجعة بوابة المرحلة.",
        "advance": "جاهز للمرحلة التالية.",
        "hold": "في انتظار التمويل.",
        "bio_mentor": "مسؤولة منتوج سابقة لدى مشغل اتصالات بالرباط.",
        "bio_mentor2": "مؤسس متعدد المقاولات؛ الأداء الإلكتروني والتصدير انطلاقا من طنجة.",
        "session_summary": "مراجعة تقدم مُخرَجات المرحلة والمواعيد المقبلة مع الزبناء.",
        "session_notes": "الفريق قوي تقنيا وأضعف تجاريا: يجب البحث عن مؤسس مشارك مكلف بالمبيعات.",
        "action_pitch": "تحرير عرض تقديمي من صفحة واحدة",
        "action_interviews": "تنظيم ثلاث مقابلات مع الزبناء",
        "rating": "نصائح عملية.",
        "support": "نحتاج إلى استشارة لحماية بروتوكول الأداء الخاص بنا قبل عرضه على المشغلين.",
        "assessment": "تقييم تجريبي.",
        "kpi_reason": "كانت إحدى فواتير الفترة ناقصة.",
        "cohorts": ("فوج ربيع 2026", "فوج خريف 2026"),
    },
}


def load_demo(session: Session, *, now: dt.datetime, default_workflow: str, locale: str = "fr") -> bool:
    """Create the demo cluster unless it exists; return whether anything was created.

    Histories lie in the past; each mentored project had a session a few days ago, so its
    next check-in falls in the coming weeks. Its words are in `locale` (see DEMO_TEXTS); its
    accounts follow their browser's language until they choose one.
    """
    text = DEMO_TEXTS.get(locale, DEMO_TEXTS["fr"])
    return _load(session, now=now, default_workflow=default_workflow, text=text, locale=locale)


def _load(session: Session, *, now: dt.datetime, default_workflow: str, text: dict, locale: str) -> bool:
    if session.scalar(select(User).where(User.email == DEMO_USERS[0][0])) is not None:
        return False
    users = {
        email.split("@")[0]: auth_services.create_user(session, email=email, name=name, role=role,
                                                       password=DEMO_PASSWORD, locale=locale)
        for email, name, role in DEMO_USERS
    }
    session.flush()
    _demo_profiles(session, users, now, text)
    projects = [
        _demo_project(session, users, name, pole, workflow, stage, founder, mentor, status,
                      _created_at(session, name, workflow, stage, now), default_workflow,
                      recent=now - dt.timedelta(days=DEMO_TIMING[name][1]), text=text)
        for name, pole, workflow, stage, founder, mentor, status in DEMO_PROJECTS
    ]
    _demo_cluster(session, users, projects, now, text)
    autumn = _demo_cohorts(session, users, projects, now, text)
    load_calls_demo(session, users, now, cohort=autumn, locale=locale)
    _demo_readiness(session, users, projects, now, text)
    _demo_kpis(session, projects, now, text)
    _demo_people(session, users, now, locale)
    _demo_gate_review(session, users, projects, now, text)
    _demo_office_hours(session, users, next(p for p in projects if p.name == "AtlasTV"), now, text)
    # The check-ins whose time came: due (a session to log) or, past the grace period, overdue.
    checkin_sweep.advance_statuses(session, now=now, grace=checkin_sweep.SweepSettings().grace)
    return True


def _created_at(session: Session, name: str, workflow: str, stage: str, now: dt.datetime) -> dt.datetime:
    """When a demo project was created, so that it entered `stage` DEMO_TIMING's days before `now`."""
    moves = catalog_of(session).latest(workflow).stage_index(stage)
    return now - dt.timedelta(days=DEMO_TIMING[name][0] + DAYS_PER_PAST_STAGE * moves)


def _demo_project(session: Session, users: dict[str, User], name: str, pole: str, workflow: str, stage: str,
                  founder: str, mentor: str | None, status: str, when: dt.datetime, default_workflow: str,
                  recent: dt.datetime, text: dict) -> Project:
    project = services.create_project(
        session, name=name, summary=text["summary"] % {"name": name}, pole=pole, workflow=workflow,
        default_workflow=default_workflow, actor=users[founder], now=when)
    definition = catalog_of(session).latest(workflow)
    manager = users["manager"]
    while project.stage != stage:
        when += dt.timedelta(days=DAYS_PER_PAST_STAGE)
        _complete_stage(session, project, users[founder], when)
        event = "approve_gate" if "approve_gate" in definition.events else None
        if event:
            services.fire_event(session, project, event, actor=manager, now=when, version=project.version,
                                comment=text["gate_passed"])
        services.fire_event(session, project, "advance", actor=manager, now=when, version=project.version,
                            comment=text["advance"], override=True)
    if mentor:
        mentoring_services.assign_mentor(session, project, users[mentor], actor=manager, now=when)
        _demo_session(session, project, users[mentor], users[founder], recent, text)
    if status == "on_hold":
        services.fire_event(session, project, "hold", actor=users[founder], now=when + dt.timedelta(days=1),
                            version=project.version, comment=text["hold"])
    session.flush()
    return project


def _complete_stage(session: Session, project: Project, founder: User, when: dt.datetime) -> None:
    definition = services.definition_of(session, project)
    for deliverable in definition.stage(project.stage).deliverables:
        services.set_deliverable(session, project, deliverable.key, done=True, actor=founder, now=when)


def _demo_profiles(session: Session, users: dict[str, User], now: dt.datetime, text: dict) -> None:
    known_poles = {"mobile_services", "security_payment_digital_rights", "multimedia", "software_packages"}
    known_stages = {s.name for d in catalog_of(session).all_latest() for s in d.stages}
    mentoring_services.update_profile(
        session, users["mentor"], actor=users["manager"], now=now, known_poles=known_poles, known_stages=known_stages,
        poles=["mobile_services", "multimedia"], stages=["idea", "project", "commercialisation", "build"],
        capacity=4, languages=["fr", "ar", "en"], bio=text["bio_mentor"],
        dimensions=["customer", "business_model"], known_dimensions=set(DIMENSION_KEYS))
    mentoring_services.update_profile(
        session, users["mentor2"], actor=users["manager"], now=now, known_poles=known_poles,
        known_stages=known_stages, poles=["security_payment_digital_rights", "software_packages"],
        stages=["industrialisation", "internationalisation"], capacity=3, languages=["fr", "en"],
        bio=text["bio_mentor2"], dimensions=["ip", "funding", "technology"],
        known_dimensions=set(DIMENSION_KEYS))


def _demo_session(session: Session, project: Project, mentor: User, founder: User, when: dt.datetime,
                  text: dict) -> None:
    checkin = checkin_services.open_checkin(session, project)
    record = mentoring_services.log_session(
        session, project, actor=mentor, now=when, held_at=when, duration_minutes=60,
        checkin_id=checkin.id if checkin else None,
        summary=text["session_summary"],
        notes=text["session_notes"],
        action_items=[
            mentoring_services.ActionItemInput(text["action_pitch"], founder.id,
                                               (when + dt.timedelta(days=7)).date()),
            mentoring_services.ActionItemInput(text["action_interviews"], founder.id,
                                               (when + dt.timedelta(days=21)).date()),
        ])
    relations = project_queries.relations(session, project, founder)
    mentoring_services.rate_session(session, record, actor=founder, relations=relations, usefulness=4,
                                    comment=text["rating"], now=when)


DEMO_ORGANISATIONS = [
    ("Maroc Telecom", "telecom_operator"), ("Orange Maroc", "telecom_operator"), ("inwi", "telecom_operator"),
    ("Atlas Software", "company"), ("Casablanca Systems", "company"), ("Medina Payments", "company"),
    ("Rabat Digital", "company"), ("Souss Data", "company"), ("Tanger Media", "company"),
    ("PayMobile SARL", "startup"), ("AtlasTV Labs", "startup"), ("Darija Voice", "startup"),
    ("SecureID Tech", "startup"), ("AgriSMS", "startup"), ("EduStream", "startup"),
    ("INPT", "university_rd"), ("ENSIAS", "university_rd"), ("Université Mohammed V", "university_rd"),
    ("MAScIR", "university_rd"), ("Université Cadi Ayyad", "university_rd"),
    ("OFPPT", "training_institution"), ("École 1337", "training_institution"),
    ("Institut des Télécoms", "training_institution"),
    ("APEBI", "association"), ("Réseau Entreprendre", "association"), ("Startup Maroc", "association"),
    ("Women in Tech Maroc", "association"), ("Club des Développeurs", "association"),
]
DEMO_FUNDING = [
    ("business_angel", "150000.00", "granted"), ("innovation_fund", "500000.00", "applied"),
    ("national_fund", "1200000.00", "granted"), ("bank_loan", "800000.00", "planned"),
    ("grant", "75000.00", "refused"), ("other", "20000.00", "granted"),
]


def _demo_cluster(session: Session, users: dict[str, User], projects: list[Project], now: dt.datetime,
                  text: dict) -> None:
    """Organisations of every kind, partners, commissions, financing of every source, a support request."""
    from app.cluster import services as cluster_services

    manager, today = users["manager"], now.date()
    organisations = []
    for i, (name, kind) in enumerate(DEMO_ORGANISATIONS):
        status = ("member", "member", "applicant", "lapsed")[i % 4] if i % 5 else "member"
        organisations.append(cluster_services.save_organisation(
            session, None, actor=manager, today=today, name=name, kind=kind, membership_status=status,
            joined_on=today - dt.timedelta(days=30 * (i + 1)) if status != "applicant" else None))
    startups = [o for o in organisations if o.kind == "startup"]
    partners = [o for o in organisations if o.kind != "startup"]
    for i, project in enumerate(projects):
        cluster_services.set_partner(session, project, startups[i % len(startups)], "lead", actor=manager)
        cluster_services.set_partner(session, project, partners[i % len(partners)],
                                     ("industrial_partner", "research_partner", "customer_pilot")[i % 3], actor=manager)
        source, amount, status = DEMO_FUNDING[i % len(DEMO_FUNDING)]
        founder = next(iter(project.members)).user
        cluster_services.save_funding(
            session, project, None, actor=founder, now=now, source=source, amount=amount, status=status,
            applied_on=today - dt.timedelta(days=60),
            decided_on=today - dt.timedelta(days=10) if status in ("granted", "refused") else None)
    for source, amount, status in DEMO_FUNDING:
        cluster_services.save_funding(session, projects[4], None, actor=manager, now=now, source=source,
                                      amount=amount, status=status, applied_on=today - dt.timedelta(days=90),
                                      decided_on=today - dt.timedelta(days=5) if status in ("granted", "refused")
                                      else None)
    cluster_services.link_user(session, organisations[0], users["mentor"], actor=manager)
    cluster_services.set_commission(session, "multimedia", chair=users["mentor2"], members=[], actor=manager)
    cluster_services.create_support_request(
        session, projects[0], actor=next(iter(projects[0].members)).user, now=now, kind="advice",
        description=text["support"])


#: (start, end, demo day) in days from today, and the demo projects (by name) in each; their names
#: are DEMO_TEXTS' "cohorts", in the same order.
DEMO_COHORTS = [
    (-240, -30, -45, ("SoukERP", "Darija Voice", "SecureID")),
    (-60, 90, 21, ("PayMobile", "AtlasTV", "AgriSMS")),
]


def _demo_cohorts(session: Session, users: dict[str, User], projects: list[Project], now: dt.datetime,
                  text: dict) -> Cohort:
    """Two cohorts of the innovation path: spring (over) and autumn (running, its demo day in three weeks),
    the demo projects spread across them; return the autumn one, which the demo call feeds."""
    from app.cohorts import services as cohort_services

    manager, today, by_name = users["manager"], now.date(), {p.name: p for p in projects}
    cohort = None
    for name, (start, end, demo_day, members) in zip(text["cohorts"], DEMO_COHORTS, strict=True):
        cohort = cohort_services.create_cohort(session, cohort_services.CohortInput(
            name, "innovation_path", today + dt.timedelta(days=start), today + dt.timedelta(days=end),
            today + dt.timedelta(days=demo_day)), actor=manager, now=now + dt.timedelta(days=start))
        for project in (by_name[m] for m in members):
            services.update_project(session, project, version=project.version, actor=manager, now=now,
                                    cohort_id=cohort.id)
    return cohort


def _demo_readiness(session: Session, users: dict[str, User], projects: list[Project], now: dt.datetime,
                    text: dict) -> None:
    """Four assessments a side over each project's life, rising, with one dimension lagging behind."""
    from app.readiness import services as readiness_services

    lagging = ("funding", "ip", "customer", "team")
    for i, project in enumerate(projects):
        founder = project.members[0].user
        mentors = [a.mentor for a in mentoring_queries.list_active_assignments(session, project)]
        expert = mentors[0] if mentors else users["manager"]
        stage = services.definition_of(session, project).stage_index(project.stage)
        life = now - project.created_at
        for step, share in enumerate((0.15, 0.45, 0.75, 0.97)):
            at = project.created_at + life * share
            for actor, optimism in ((founder, 1), (expert, 0)):
                scores = {key: max(1, min(9, 1 + stage + step + optimism - (2 if key == lagging[i % 4] else 0)
                                          - (j % 2))) for j, key in enumerate(DIMENSION_KEYS)}
                readiness_services.log_assessment(session, project, actor=actor, now=at, scores=scores,
                                                  comment=text["assessment"])


def _demo_kpis(session: Session, projects: list[Project], now: dt.datetime, text: dict) -> None:
    """Open every KPI period since projects entered a stage with KPIs; fill all but the latest (left late)."""
    from app.kpis import services as kpi_services
    from app.kpis import sweep as kpi_sweep
    from app.kpis.models import KpiReport

    for project in projects:
        stage = services.definition_of(session, project).stage(project.stage)
        if stage.kpis is None or project.status != "active":
            continue
        every = dt.timedelta(days=stage.kpis.every_days)
        k = 1
        while project.stage_entered_at + k * every <= now:
            kpi_sweep.open_due(session, now=project.stage_entered_at + k * every, grace=dt.timedelta(days=14))
            k += 1
    founder_of = {p.id: p.members[0].user for p in projects}
    reports = list(session.scalars(select(KpiReport).order_by(KpiReport.project_id, KpiReport.period_start)))
    for n, report in enumerate(reports):
        if report is reports[-1] or reports[n + 1].project_id != report.project_id:
            continue  # each project's latest report stays open (and late): the pipeline shows it
        values = {m["key"]: kpi_services.ValueInput(_demo_figure(m, n)) for m in report.metrics}
        kpi_services.submit_report(session, report, actor=founder_of[report.project_id],
                                   now=report.period_end + dt.timedelta(days=3), values=values)
    if len(reports) > 2:
        first = reports[0]
        kpi_services.submit_report(session, first, actor=founder_of[first.project_id],
                                   now=first.period_end + dt.timedelta(days=20),
                                   values={"revenue": kpi_services.ValueInput("48000.00")},
                                   reason=text["kpi_reason"])


def _demo_figure(metric: dict, n: int) -> str:
    if metric["type"] == "money":
        return f"{40000 + 6500 * n}.00" if metric["key"] != "money_raised" else ("250000.00" if n % 4 == 1 else "0")
    return str({"jobs": n % 3, "customers": 2 + n % 5, "countries": 1 + n % 2}.get(metric["key"], n % 4))


def _demo_people(session: Session, users: dict[str, User], now: dt.datetime, locale: str) -> None:
    """A mentor invited three days ago who has not answered yet, and a founder who left the cluster
    (deactivated: they cannot sign in, their history stays)."""
    people_services.create_invitation(session, actor=users["manager"], email="mentor3@example.org", role="mentor",
                                      locale=locale, now=now - dt.timedelta(days=3))
    former = auth_services.create_user(session, email="former@example.org", name="Rachid Former", role="founder",
                                       locale=locale,
                                       password=DEMO_PASSWORD, now=now - dt.timedelta(days=200))
    session.flush()
    people_services.update_account(session, former, actor=users["manager"], now=now, active=False)


def _demo_gate_review(session: Session, users: dict[str, User], projects: list[Project], now: dt.datetime,
                      text: dict) -> None:
    """AtlasTV's founder asked yesterday for the review of its gate: the stage's deliverables are
    done, two of them with evidence (links: the demo stores no file), and the request awaits Salma
    Mentor and the managers."""
    project = next(p for p in projects if p.name == "AtlasTV")
    founder, when = users["founder"], now - dt.timedelta(days=1)
    _complete_stage(session, project, founder, when - dt.timedelta(hours=2))
    project_evidence.add_link(session, project, "business_plan", url="https://example.org/atlastv/business-plan",
                              comment=text["evidence_plan"], actor=founder,
                              now=when - dt.timedelta(hours=1))
    project_evidence.add_link(session, project, "prototype", url="https://example.org/atlastv/prototype-demo",
                              comment=text["evidence_prototype"], actor=founder,
                              now=when - dt.timedelta(hours=1))
    services.fire_event(session, project, "request_review", actor=founder, now=when, version=project.version,
                        comment=text["review_request"])


def _demo_office_hours(session: Session, users: dict[str, User], project: Project, now: dt.datetime,
                       text: dict) -> None:
    """Both mentors publish office hours; AtlasTV's founder booked the first free slot of its mentor."""
    weekdays = [{"weekday": day, "start": "09:00", "end": "12:00", "place": text["room"]} for day in range(5)]
    officehours_services.update_availability(session, users["mentor"], officehours_services.AvailabilityInput(
        "Africa/Casablanca", slot_minutes=45, buffer_minutes=15, windows=weekdays, weekly_cap=6),
        actor=users["mentor"], now=now)
    video = [{"weekday": day, "start": "14:00", "end": "17:00", "place": "https://meet.example.org/youssef"}
             for day in (1, 3)]
    officehours_services.update_availability(session, users["mentor2"], officehours_services.AvailabilityInput(
        "Africa/Casablanca", slot_minutes=30, windows=video), actor=users["mentor2"], now=now)
    slot = officehours_services.free_slots(session, users["mentor"].id, now=now)[0]
    officehours_services.book_slot(session, actor=users["founder"], mentor=users["mentor"], project=project,
                                   starts_at=slot.starts_at, topic=text["topic"], now=now)
