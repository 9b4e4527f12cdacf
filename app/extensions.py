"""Flask extensions, created unbound and initialised in `create_app`."""

from __future__ import annotations

from flask import abort
from flask import has_request_context
from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from app.core.bidi import Babel
from app.core.bounds import DB_INT_MAX
from app.core.models import Base


class Database(SQLAlchemy):
    """Flask-SQLAlchemy with page numbers bounded where every list pages: `?page=` past any real page
    is a 404 here, not an OFFSET that overflows SQLite's integers (a 500)."""

    def paginate(self, select, *, page: int | None = None, per_page: int | None = None, **kwargs):
        if page is None and has_request_context():
            page = request.args.get("page", 1, type=int)  # Flask-SQLAlchemy's own reading
        if page is not None and page > DB_INT_MAX:
            abort(404)
        return super().paginate(select, page=page, per_page=per_page, **kwargs)


db = Database(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
#: Throttles sign-in and token creation (per address and per account); RATELIMIT_STORAGE_URI
#: points it at shared storage (redis://…) when several processes serve the app.
limiter = Limiter(key_func=get_remote_address)
