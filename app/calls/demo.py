"""Demo data of the calls area: an open call, two applications, one of them labelled onto the path.

Made through the services, like the rest of the demo, so it obeys every rule.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.calls import evaluation
from app.calls import services
from app.cluster.models import CommissionMember
from app.cluster.models import Organisation
from app.projects.models import Cohort

#: The call's words in each language the demo loads in (`app.demo.DEMO_TEXTS` has the rest).
TEXTS = {
    "en": {
        "criteria": [
            services.CriterionInput("innovation", "Innovation", 3, (
                "Copy of an existing offer", "Minor improvement", "Clear novelty", "Strong novelty", "Breakthrough")),
            services.CriterionInput("market", "Market and customers", 3),
            services.CriterionInput("team", "Team", 2),
            services.CriterionInput("cooperation", "Cooperation with cluster members", 2),
        ],
        "questions": [
            services.QuestionInput("problem", "Which problem do you solve, and for whom?"),
            services.QuestionInput("market", "Who pays, and how much?"),
            services.QuestionInput("cooperation", "Which cluster members will you work with?"),
        ],
        "title": "Call for projects 2026: digital content and mobile services",
        "description": "The cluster labels cooperative projects in multimedia and mobile services. Labelled "
                       "projects enter the path at the project stage, with mentoring and access to the "
                       "cluster's partners.",
        "summary": "%(title)s: a cooperative project answering the cluster's call.",
        "answers": {"problem": "Families and clinics lack trusted local digital services.",
                    "market": "Operators and broadcasters pay per subscriber.",
                    "cooperation": "An operator for distribution, a school for research."},
        "review": "Convincing pilot with a broadcaster; the team needs a sales lead.",
        "decision": "Labelled by the multimedia commission. Welcome to the path!",
    },
    "fr": {
        "criteria": [
            services.CriterionInput("innovation", "Innovation", 3, (
                "Copie d'une offre existante", "Amélioration mineure", "Nouveauté claire", "Forte nouveauté",
                "Rupture")),
            services.CriterionInput("market", "Marché et clients", 3),
            services.CriterionInput("team", "Équipe", 2),
            services.CriterionInput("cooperation", "Coopération avec les membres du cluster", 2),
        ],
        "questions": [
            services.QuestionInput("problem", "Quel problème résolvez-vous, et pour qui ?"),
            services.QuestionInput("market", "Qui paie, et combien ?"),
            services.QuestionInput("cooperation", "Avec quels membres du cluster travaillerez-vous ?"),
        ],
        "title": "Appel à projets 2026 : contenus numériques et services mobiles",
        "description": "Le cluster labellise des projets coopératifs en multimédia et services mobiles. Les "
                       "projets labellisés entrent dans le parcours à l'étape projet, avec un mentorat et "
                       "l'accès aux partenaires du cluster.",
        "summary": "%(title)s : un projet coopératif qui répond à l'appel du cluster.",
        "answers": {"problem": "Les familles et les cliniques manquent de services numériques locaux de confiance.",
                    "market": "Les opérateurs et les diffuseurs paient par abonné.",
                    "cooperation": "Un opérateur pour la diffusion, une école pour la recherche."},
        "review": "Pilote convaincant avec un diffuseur ; l'équipe a besoin d'un responsable commercial.",
        "decision": "Labellisé par la commission multimédia. Bienvenue dans le parcours !",
    },
    "ar": {
        "criteria": [
            services.CriterionInput("innovation", "الابتكار", 3, (
                "نسخة من عرض موجود", "تحسين طفيف", "جدة واضحة", "جدة قوية", "قطيعة تكنولوجية")),
            services.CriterionInput("market", "السوق والزبناء", 3),
            services.CriterionInput("team", "الفريق", 2),
            services.CriterionInput("cooperation", "التعاون مع أعضاء التجمع", 2),
        ],
        "questions": [
            services.QuestionInput("problem", "ما الإشكالية التي تحلونها، ولمن؟"),
            services.QuestionInput("market", "من يدفع، وكم؟"),
            services.QuestionInput("cooperation", "مع أي أعضاء التجمع ستعملون؟"),
        ],
        "title": "طلب مشاريع 2026: المحتويات الرقمية والخدمات المتنقلة",
        "description": "يمنح التجمع علامته لمشاريع تعاونية في مجالي الوسائط المتعددة والخدمات المتنقلة. تدخل "
                       "المشاريع الحاصلة على العلامة المسار في مرحلة المشروع، مع الاستفادة من الإرشاد ومن "
                       "شركاء التجمع بالدار البيضاء والرباط وطنجة.",
        "summary": "%(title)s: مشروع تعاوني يستجيب لطلب المشاريع الذي أطلقه التجمع.",
        "answers": {"problem": "تفتقر الأسر والمصحات إلى خدمات رقمية محلية موثوقة.",
                    "market": "يدفع المشغلون والقنوات التلفزية حسب عدد المشتركين.",
                    "cooperation": "مشغل اتصالات للتوزيع، والمدرسة الوطنية العليا للمعلوميات وتحليل النظم "
                                   "(ENSIAS) بالرباط للبحث."},
        "review": "تجربة مقنعة مع قناة تلفزية؛ يحتاج الفريق إلى مسؤول تجاري.",
        "decision": "منحت لجنة الوسائط المتعددة العلامة للمشروع. مرحبا بكم في المسار!",
    },
}
#: The project the demo call labels: (name, stage, status), as `app.demo.DEMO_PROJECTS` lists its own.
LABELLED_PROJECT = ("StreamKids", "project", "active")


def load_calls_demo(session: Session, users: dict[str, User], now: dt.datetime, cohort: Cohort | None = None,
                    locale: str = "fr") -> None:
    """An open call of the multimedia and mobile poles closing within the week, feeding `cohort`; StreamKids
    labelled (so in the cohort), MobiHealth awaiting a decision. Its words are in `locale`."""
    text = TEXTS.get(locale, TEXTS["fr"])
    manager, reviewer = users["manager"], users["mentor2"]
    if session.get(CommissionMember, ("multimedia", reviewer.id)) is None:
        session.add(CommissionMember(pole_key="multimedia", user_id=reviewer.id))
    opened = now - dt.timedelta(days=20)
    call = services.create_call(
        session, actor=manager, now=opened, title=text["title"], description=text["description"],
        poles=["multimedia", "mobile_services"], opens_on=opened.date(), closes_on=(now + dt.timedelta(days=5)).date(),
        criteria=text["criteria"], questions=text["questions"], workflow="innovation_path", stage="project",
        timezone="Africa/Casablanca", requires_deck=False, cohort_id=cohort.id if cohort else None)
    partners = {o.name: o for o in session.scalars(select(Organisation).where(
        Organisation.name.in_(("Tanger Media", "ENSIAS", "inwi"))))}
    kids = _submitted(session, call, users["founder"], "StreamKids", "multimedia", now - dt.timedelta(days=12), text,
                      [services.PartnerInput(partners["Tanger Media"].id, "industrial_partner"),
                       services.PartnerInput(partners["ENSIAS"].id, "research_partner")] if len(partners) == 3 else [])
    _submitted(session, call, users["applicant"], "MobiHealth", "mobile_services", now - dt.timedelta(days=6), text,
               [services.PartnerInput(partners["inwi"].id, "customer_pilot")] if len(partners) == 3 else [])
    for person, scores in ((reviewer, (5, 4, 4, 5)), (manager, (4, 4, 3, 4))):
        evaluation.submit_review(session, kids, actor=person, now=now - dt.timedelta(days=5),
                                 scores=dict(zip([c.key for c in text["criteria"]], scores, strict=True)),
                                 comment=text["review"])
    evaluation.decide(session, kids, "labelled", actor=manager, now=now - dt.timedelta(days=2),
                      comment=text["decision"])


def _submitted(session: Session, call, founder: User, title: str, pole: str, when: dt.datetime, text: dict,
               partners: list[services.PartnerInput]):
    application = services.create_application(
        session, call, actor=founder, now=when, title=title, pole=pole, partners=partners,
        summary=text["summary"] % {"title": title}, answers=dict(text["answers"]))
    return services.submit_application(session, application, actor=founder, now=when)
