"""Who may call what: the declared policy of every route, checked by test_authorization_matrix.

Each entry is an endpoint of the URL map; per method it lists the expected outcome for each
persona, in this order:

    anon  founder_a  founder_b  mentor_m  mentor_x  manager  admin  applicant

founder_a owns the project (and the application, funding line, support request… of the world),
founder_b owns another project; mentor_m is assigned to founder_a's project, mentor_x to nothing;
applicant signed up on its own (an `applicant` account: it applies to calls, creates no project).
Outcomes: "ok" — 2xx, or 3xx anywhere but the sign-in page; for a state-changing method called
with an empty body also 400/409/413/415/422 (refused on content, not on who asks); "login" — a
302 to /login; a number — exactly that status.

Rights come before the body everywhere: a persona without the right gets 403 (or 404), never a
422 for an empty body.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field


@dataclass(frozen=True)
class Route:
    GET: str = ""
    POST: str = ""
    PUT: str = ""
    PATCH: str = ""
    DELETE: str = ""
    #: URL argument → world key, where the argument's name alone does not say (`key`, `token`).
    args: dict[str, str] = field(default_factory=dict)

    def expected(self, method: str) -> list[str]:
        return getattr(self, method).split()


POLICY: dict[str, Route] = {
    "account.change_password": Route(GET="login ok ok ok ok ok ok ok", POST="login ok ok ok ok ok ok ok"),
    "account.regenerate_calendar": Route(POST="login ok ok ok ok ok ok ok"),
    "account.settings": Route(GET="login ok ok ok ok ok ok ok", POST="login ok ok ok ok ok ok ok"),
    "api.add_partner": Route(POST="401 403 403 403 403 ok ok 403"),
    "api.assign_mentor": Route(POST="401 403 403 403 403 ok ok 403"),
    "api.call_event": Route(POST="401 403 403 403 403 ok ok 403"),
    "api.create_application": Route(POST="401 ok ok 403 403 403 403 ok"),
    "api.create_assessment": Route(POST="401 ok 404 ok 404 ok ok 404"),
    "api.create_call": Route(POST="401 403 403 403 403 ok ok 403"),
    "api.create_funding": Route(POST="401 ok 404 403 404 ok ok 404"),
    "api.create_organisation": Route(POST="401 403 403 403 403 ok ok 403"),
    "api.create_project": Route(POST="401 ok ok 403 403 ok ok 403"),
    "api.create_review": Route(POST="401 403 404 404 404 ok ok 404"),
    "api.create_support": Route(POST="401 ok 404 403 404 403 403 404"),
    "api.create_token": Route(POST="ok ok ok ok ok ok ok ok"),
    "api.create_user": Route(POST="401 403 403 403 403 ok ok 403"),
    "api.decide": Route(POST="401 403 403 403 403 ok ok 403"),
    "api.delete_partner": Route(DELETE="401 403 403 403 403 ok ok 403"),
    "api.download_deck": Route(GET="401 ok 404 404 404 ok ok 404"),
    "api.end_assignment": Route(DELETE="401 403 403 403 403 ok ok 403"),
    "api.fire_event": Route(POST="401 ok 404 ok 404 ok ok 404"),
    "api.funders": Route(GET="401 403 403 403 403 ok ok 403"),
    "api.get_application": Route(GET="401 ok 404 404 404 ok ok 404"),
    "api.get_call": Route(GET="ok ok ok ok ok ok ok ok"),
    "api.get_organisation": Route(GET="401 ok ok ok ok ok ok ok"),
    "api.get_pipeline": Route(GET="401 403 403 403 403 ok ok 403"),
    "api.get_project": Route(GET="401 ok 404 ok 404 ok ok 404"),
    "api.get_report": Route(GET="401 ok 404 ok 404 ok ok 404"),
    "api.get_workflow": Route(GET="401 ok ok ok ok ok ok ok", args={"key": "workflow"}),
    "api.list_applications": Route(GET="401 ok ok ok ok ok ok ok"),
    "api.list_assessments": Route(GET="401 ok 404 ok 404 ok ok 404"),
    "api.list_assignments": Route(GET="401 ok 404 ok 404 ok ok 404"),
    "api.list_calls": Route(GET="ok ok ok ok ok ok ok ok"),
    "api.list_checkins": Route(GET="401 ok ok ok ok ok ok ok"),
    "api.list_funding": Route(GET="401 ok 404 ok 404 ok ok 404"),
    "api.list_mentors": Route(GET="401 403 403 ok ok ok ok 403"),
    "api.list_open_reports": Route(GET="401 403 403 403 403 ok ok 403"),
    "api.list_organisations": Route(GET="401 ok ok ok ok ok ok ok"),
    "api.list_partners": Route(GET="401 ok 404 ok 404 ok ok 404"),
    "api.list_poles": Route(GET="401 ok ok ok ok ok ok ok"),
    "api.list_project_reports": Route(GET="401 ok 404 ok 404 ok ok 404"),
    "api.list_project_support": Route(GET="401 ok 404 ok 404 ok ok 404"),
    "api.list_projects": Route(GET="401 ok ok ok ok ok ok ok"),
    "api.list_reviews": Route(GET="401 403 404 404 404 ok ok 404"),
    "api.list_sessions": Route(GET="401 ok 404 ok 404 ok ok 404"),
    "api.list_users": Route(GET="401 403 403 403 403 ok ok 403"),
    "api.list_workflows": Route(GET="401 ok ok ok ok ok ok ok"),
    "api.log_session": Route(POST="401 403 404 ok 404 403 403 404"),
    "api.me": Route(GET="401 ok ok ok ok ok ok ok"),
    "api.mentor_suggestions": Route(GET="401 403 403 403 403 ok ok 403"),
    "api.openapi": Route(GET="ok ok ok ok ok ok ok ok"),
    "api.password_reset": Route(POST="ok ok ok ok ok ok ok ok"),
    "api.patch_action_item": Route(PATCH="401 ok 404 ok 404 ok ok 404"),
    "api.patch_application": Route(PATCH="401 ok 404 404 404 ok ok 404"),
    "api.patch_call": Route(PATCH="401 403 403 403 403 ok ok 403"),
    "api.patch_funding": Route(PATCH="401 ok 404 403 404 ok ok 404"),
    "api.patch_mentor": Route(PATCH="401 403 403 ok 403 ok ok 403"),
    "api.patch_project": Route(PATCH="401 ok 404 ok 404 ok ok 404"),
    "api.patch_support": Route(PATCH="401 403 403 403 403 ok ok 403"),
    "api.project_history": Route(GET="401 ok 404 ok 404 ok ok 404"),
    "api.put_commission": Route(PUT="401 403 403 403 403 ok ok 403", args={"key": "pole"}),
    "api.put_deliverable": Route(PUT="401 ok 404 ok 404 ok ok 404", args={"key": "deliverable"}),
    "api.put_organisation": Route(PUT="401 403 403 403 403 ok ok 403"),
    "api.put_report": Route(PUT="401 ok 404 403 404 ok ok 404"),
    "api.ranking": Route(GET="401 403 403 403 403 ok ok 403"),
    "api.rate_session": Route(POST="401 ok 404 ok 404 ok ok 404"),
    "api.revoke_current_token": Route(DELETE="401 ok ok ok ok ok ok ok"),
    "api.signup": Route(POST="ok ok ok ok ok ok ok ok"),
    "api.submit_application": Route(POST="401 ok 404 404 404 403 403 404"),
    "api.support_queue": Route(GET="401 403 403 403 403 ok ok 403"),
    "api.upload_deck": Route(PUT="401 ok 404 404 404 ok ok 404"),
    "auth.login": Route(GET="ok ok ok ok ok ok ok ok", POST="ok ok ok ok ok ok ok ok"),
    "auth.logout": Route(POST="login login login login login login login login"),
    "auth.logout_page": Route(GET="ok ok ok ok ok ok ok ok"),
    "auth.request_reset": Route(GET="ok ok ok ok ok ok ok ok", POST="ok ok ok ok ok ok ok ok"),
    "auth.reset_password": Route(GET="ok ok ok ok ok ok ok ok", POST="ok ok ok ok ok ok ok ok"),
    "auth.signup": Route(GET="ok ok ok ok ok ok ok ok", POST="ok ok ok ok ok ok ok ok"),
    "auth.verify": Route(GET="ok ok ok ok ok ok ok ok"),
    "calls.application": Route(GET="login ok 404 404 404 ok ok 404", POST="login ok 404 404 404 ok ok 404"),
    "calls.apply": Route(POST="login ok ok ok ok ok ok ok"),
    "calls.change": Route(POST="login 403 403 403 403 ok ok 403"),
    "calls.create": Route(GET="login 403 403 403 403 ok ok 403", POST="login 403 403 403 403 ok ok 403"),
    "calls.detail": Route(GET="ok ok ok ok ok ok ok ok"),
    "calls.download_deck": Route(GET="login ok 404 404 404 ok ok 404"),
    "calls.edit": Route(GET="login 403 403 403 403 ok ok 403", POST="login 403 403 403 403 ok ok 403"),
    "calls.index": Route(GET="ok ok ok ok ok ok ok ok"),
    "calls.mine": Route(GET="login ok ok ok ok ok ok ok"),
    "calls.partners": Route(POST="login ok 404 404 404 ok ok 404"),
    "calls.submit": Route(POST="login ok 404 404 404 403 403 404"),
    "calls.upload_deck": Route(POST="login ok 404 404 404 ok ok 404"),
    "checkins.feed": Route(GET="ok ok ok ok ok ok ok ok", args={"token": "calendar_token"}),
    "checkins.index": Route(GET="login ok ok ok ok ok ok ok"),
    "cluster.add_partner": Route(POST="login 403 403 403 403 ok ok 403"),
    "cluster.commissions": Route(GET="login 403 403 403 403 ok ok 403", POST="login 403 403 403 403 ok ok 403"),
    "cluster.edit_funding": Route(GET="login ok 404 403 404 ok ok 404", POST="login ok 404 403 404 ok ok 404"),
    "cluster.edit_organisation": Route(GET="login 403 403 403 403 ok ok 403", POST="login 403 403 403 403 ok ok 403"),
    "cluster.handle_support": Route(POST="login 403 403 403 403 ok ok 403"),
    "cluster.link_person": Route(POST="login 403 403 403 403 ok ok 403"),
    "cluster.organisation": Route(GET="login ok ok ok ok ok ok ok"),
    "cluster.organisations": Route(GET="login ok ok ok ok ok ok ok"),
    "cluster.remove_partner": Route(POST="login 403 403 403 403 ok ok 403"),
    "cluster.request_support": Route(POST="login ok 404 ok 404 ok ok 404"),
    "cluster.support_queue": Route(GET="login 403 403 403 403 ok ok 403"),
    "core.healthz": Route(GET="ok ok ok ok ok ok ok ok"),
    "core.home": Route(GET="login ok ok ok ok ok ok ok"),
    "core.readyz": Route(GET="ok ok ok ok ok ok ok ok"),
    "evaluation.assign_reviewer": Route(POST="login 403 403 403 403 ok ok 403"),
    "evaluation.certificate": Route(GET="login ok 404 404 404 ok ok 404"),
    "evaluation.decide": Route(POST="login 403 403 403 403 ok ok 403"),
    "evaluation.ranking": Route(GET="login 403 403 403 403 ok ok 403"),
    "evaluation.review": Route(GET="login 403 404 404 404 ok ok 404", POST="login 403 404 404 404 ok ok 404"),
    "impact.funders": Route(GET="login 403 403 403 403 ok ok 403"),
    "impact.funders_pdf": Route(GET="login 403 403 403 403 ok ok 403"),
    "impact.funders_xlsx": Route(GET="login 403 403 403 403 ok ok 403"),
    "kpis.index": Route(GET="login 403 403 403 403 ok ok 403"),
    "kpis.report": Route(GET="login ok 404 ok 404 ok ok 404", POST="login ok 404 403 404 ok ok 404"),
    "mentoring.assign": Route(POST="login 403 403 403 403 ok ok 403"),
    "mentoring.edit_profile": Route(GET="login 403 403 ok 403 ok ok 403", POST="login 403 403 ok 403 ok ok 403"),
    "mentoring.end_assignment": Route(POST="login 403 403 403 403 ok ok 403"),
    "mentoring.log_session": Route(GET="login 403 404 ok 404 403 403 404", POST="login 403 404 ok 404 403 403 404"),
    "mentoring.mentees": Route(GET="login 403 403 ok ok 403 ok 403"),
    "mentoring.mentors": Route(GET="login 403 403 403 403 ok ok 403"),
    "mentoring.rate": Route(POST="login ok 404 ok 404 ok ok 404"),
    "mentoring.suggestions": Route(GET="login 403 403 403 403 ok ok 403"),
    "mentoring.toggle_action_item": Route(POST="login ok 404 ok 404 ok ok 404"),
    "notifications.index": Route(GET="login ok ok ok ok ok ok ok"),
    "notifications.mark_read": Route(POST="login ok ok ok ok ok ok ok"),
    "pipeline.export_csv": Route(GET="login 403 403 403 403 ok ok 403"),
    "pipeline.export_xlsx": Route(GET="login 403 403 403 403 ok ok 403"),
    "pipeline.index": Route(GET="login 403 403 403 403 ok ok 403"),
    "projects.create": Route(GET="login ok ok 403 403 ok ok 403", POST="login ok ok 403 403 ok ok 403"),
    "projects.detail": Route(GET="login ok 404 ok 404 ok ok 404"),
    "projects.edit": Route(GET="login ok 404 403 404 ok ok 404", POST="login ok 404 403 404 ok ok 404"),
    "projects.fire": Route(POST="login ok 404 ok 404 ok ok 404"),
    "projects.history": Route(GET="login ok 404 ok 404 ok ok 404"),
    "projects.index": Route(GET="login ok ok ok ok ok ok ok"),
    "projects.partners": Route(GET="login ok 404 ok 404 ok ok 404"),
    "projects.progress": Route(GET="login ok 404 ok 404 ok ok 404"),
    "projects.sessions": Route(GET="login ok 404 ok 404 ok ok 404"),
    "projects.tick": Route(POST="login ok 404 ok 404 ok ok 404", args={"key": "deliverable"}),
    "readiness.assess": Route(GET="login ok 404 ok 404 ok ok 404", POST="login ok 404 ok 404 ok ok 404"),
}
