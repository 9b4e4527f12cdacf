"""Everything a project page or API answer shows about one project, read in one place."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.auth.models import User
from app.projects import hooks
from app.projects import permissions
from app.projects import queries
from app.projects import services
from app.projects.models import Project
from app.projects.models import ProjectEvent
from app.workflow.catalog import catalog_of
from app.workflow.definition import Deliverable
from app.workflow.definition import Stage
from app.workflow.definition import WorkflowDefinition
from app.workflow.engine import EventOption


@dataclass(frozen=True)
class DeliverableView:
    definition: Deliverable
    done: bool
    note: str
    #: Its evidence at the current stage (`DeliverableEvidence` rows), oldest first.
    evidence: tuple = ()


@dataclass(frozen=True)
class ProjectOverview:
    project: Project
    definition: WorkflowDefinition
    stage: Stage
    relations: frozenset[str]
    founders: list[User]
    #: The active mentor assignments (mentoring's `MentorAssignment` rows, through `hooks`).
    mentors: list
    deliverables: list[DeliverableView]
    options: list[EventOption]
    #: The reader may tick this stage's deliverables (`permissions.can_tick`).
    can_tick: bool = False
    #: The history row of the pending gate review request (who asked, when, their comment), if any.
    review_request: ProjectEvent | None = None
    #: The evidence ids the reader may remove (`permissions.can_remove_evidence`).
    removable_evidence: frozenset[int] = frozenset()

    @property
    def forward_options(self) -> list[EventOption]:
        """The events that move the project on (shown first, the primary action among them)."""
        return [o for o in self.options if not o.event.sets_aside]

    @property
    def set_aside_options(self) -> list[EventOption]:
        """Hold and abandon: behind a disclosure on the page."""
        return [o for o in self.options if o.event.sets_aside]

    @property
    def all_required_done(self) -> bool:
        return all(d.done for d in self.deliverables if d.definition.required)

    @property
    def stage_index(self) -> int:
        return self.definition.stage_index(self.project.stage)


def build_overview(session: Session, project: Project, user: User) -> ProjectOverview:
    """Gather the project's team, mentors, current deliverables and the user's possible events."""
    definition = services.definition_of(session, project)
    stage = definition.stage(project.stage)
    rows = queries.done_deliverables(session, project, project.stage)
    evidence = queries.list_evidence(session, project, project.stage)
    deliverables = [
        DeliverableView(d, bool(rows.get(d.key) and rows[d.key].is_done), rows[d.key].note if d.key in rows else "",
                        tuple(evidence.get(d.key, ())))
        for d in stage.deliverables
    ]
    relations = queries.relations(session, project, user)
    assignments = hooks.list_assignments(session, project)
    ctx = services.guard_context(session, project, definition, done=rows, assignments=assignments)
    options = catalog_of(session).engine(definition).options(ctx, relations)
    return ProjectOverview(
        project=project, definition=definition, stage=stage, relations=relations,
        founders=[m.user for m in project.members],
        mentors=assignments,
        deliverables=deliverables, options=options, can_tick=permissions.can_tick(relations, project.status),
        review_request=queries.get_review_request(session, project),
        removable_evidence=frozenset(e.id for rows in evidence.values() for e in rows
                                     if permissions.can_remove_evidence(relations, e.added_by_id, user.id)),
    )
