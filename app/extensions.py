"""Flask extensions, created unbound and initialised in `create_app`."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from app.core.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
#: Throttles sign-in and token creation (per address and per account); RATELIMIT_STORAGE_URI
#: points it at shared storage (redis://…) when several processes serve the app.
limiter = Limiter(key_func=get_remote_address)
