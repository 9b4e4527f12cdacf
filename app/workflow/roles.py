"""The role vocabulary a workflow may use in `roles:` and `override_roles:`.

A user holds relations to a project (computed by the projects service) and these names are
what a definition refers to. `admin` users count as managers everywhere.
"""

from __future__ import annotations

#: member: a founder on the project's team; assigned_mentor: a mentor assigned for the
#: project's current stage; manager: a cluster manager (or an admin).
ROLE_NAMES = frozenset({"member", "assigned_mentor", "manager"})
