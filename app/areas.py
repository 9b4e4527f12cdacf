"""Wire the areas into the project's rules (`app.projects.hooks`): who else sees a project and
holds a role on it, its mentors, and what follows its workflow events. `create_app` calls
`connect()`; code that uses the services without the app calls it too."""

from __future__ import annotations


def connect() -> None:
    from app.checkins import calendar
    from app.checkins import services as checkins
    from app.cluster import queries as cluster
    from app.mentoring import queries as mentoring
    from app.mentoring import services as mentoring_services
    from app.officehours import calendar as officehours_calendar
    from app.pipeline import readmodel
    from app.projects import hooks

    hooks.see_also(mentoring.mentor_sees)
    hooks.see_also(cluster.commission_sees)
    hooks.holds_role("assigned_mentor", mentoring.is_assigned_mentor)
    hooks.holds_role("commission", cluster.is_on_commission)
    hooks.list_assignments_with(mentoring.list_active_assignments)
    hooks.end_assignments_with(mentoring_services.end_stage_assignments)
    # After the stage's assignments ended: a check-in follows the project's new stage or status.
    hooks.after_event(checkins.follow_event)
    # A user's calendar feed lists their office hours beside their check-ins.
    calendar.add_source(officehours_calendar.feed_events)
    # The pipeline's counters follow every write to projects, their history, check-ins and mentors.
    readmodel.connect()
