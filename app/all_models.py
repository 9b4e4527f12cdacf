"""Import every model module so the metadata is complete (for Alembic and mappers)."""

from app.auth import models as auth_models  # noqa: F401
from app.calls import models as calls_models  # noqa: F401
from app.checkins import models as checkins_models  # noqa: F401
from app.cluster import models as cluster_models  # noqa: F401
from app.kpis import models as kpis_models  # noqa: F401
from app.mentoring import models as mentoring_models  # noqa: F401
from app.notifications import models as notifications_models  # noqa: F401
from app.officehours import models as officehours_models  # noqa: F401
from app.people import models as people_models  # noqa: F401
from app.privacy import models as privacy_models  # noqa: F401
from app.projects import models as projects_models  # noqa: F401
from app.readiness import models as readiness_models  # noqa: F401
from app.workflow import models as workflow_models  # noqa: F401
