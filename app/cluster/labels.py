"""Human names of the cluster's vocabularies, translated when rendered."""

from __future__ import annotations

from app.core.i18n import _l
from app.core.i18n import lazy_pgettext

KINDS = {
    "telecom_operator": _l("Telecom operator"), "company": _l("Company"), "startup": _l("Start-up"),
    "university_rd": _l("University / R&D"), "training_institution": _l("Training institution"),
    "association": _l("Association"),
}
#: The contexts keep these words apart from the same English words elsewhere: in French an organisation
#: is "candidate" (feminine) where a person applying is "candidat", a support request is "ouverte".
MEMBERSHIP = {"applicant": lazy_pgettext("membership status", "Applicant"),
              "member": lazy_pgettext("membership status", "Member"),
              "lapsed": lazy_pgettext("membership status", "Lapsed")}
PARTNER_ROLES = {"lead": _l("Lead organisation"), "industrial_partner": _l("Industrial partner"),
                 "research_partner": _l("Research partner"), "customer_pilot": _l("Customer pilot"),
                 "other": _l("Other")}
SUPPORT_KINDS = {"support": lazy_pgettext("support request kind", "Support"), "advice": _l("Advice"),
                 "accompaniment": _l("Accompaniment")}
SUPPORT_STATUSES = {"open": lazy_pgettext("support request status", "open"),
                    "assigned": lazy_pgettext("support request status", "assigned"),
                    "closed": lazy_pgettext("support request status", "closed")}
FUNDING_SOURCES = {
    "business_angel": _l("Business angels"), "innovation_fund": _l("Innovation fund"),
    "national_fund": _l("National fund"), "bank_loan": _l("Bank loan"), "grant": _l("Grant"), "other": _l("Other"),
}
FUNDING_STATUSES = {"planned": _l("planned"), "applied": _l("applied"), "granted": _l("granted"),
                    "refused": _l("refused")}


def label(vocabulary: dict, key: str) -> str:
    return str(vocabulary.get(key, key))
