"""The Parcours application factory."""

from __future__ import annotations

import os

from flask import Flask
from flask.cli import NoAppException


def create_app(config: object | None = None) -> Flask:
    """Build the app: configuration, extensions, workflows, blueprints, commands."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_path=os.path.join(os.path.dirname(os.path.dirname(__file__)), "instance"))
    app.config.from_object(config or _default_config())
    _require_secret_key(app)
    os.makedirs(app.instance_path, exist_ok=True)
    register_logging(app)
    register_proxy_fix(app)
    register_extensions(app)
    register_workflows(app)
    register_postman(app)
    register_request_parsing(app)
    register_areas(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    register_scheduler(app)
    register_bench_route(app)
    return app


def _default_config() -> object:
    import config

    debug = os.environ.get("FLASK_DEBUG", "").lower() in {"1", "true", "yes"}
    return config.dev_config() if debug else config.Config


def register_logging(app: Flask) -> None:
    """One line per request on stderr (gunicorn and systemd collect it), INFO and above."""
    import logging

    if app.testing or logging.getLogger().handlers:
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # transitions narrates every callback at INFO (three lines per event): the history table and
    # the request log already say what happened.
    logging.getLogger("transitions").setLevel(logging.WARNING)


def register_proxy_fix(app: Flask) -> None:
    """Read the client's address and scheme from the trusted proxies' headers (`PROXY_FIX_*`)."""
    x_for, x_proto = app.config.get("PROXY_FIX_X_FOR", 0), app.config.get("PROXY_FIX_X_PROTO", 0)
    if not (x_for or x_proto):
        return  # no proxy is trusted: a forged X-Forwarded-For must not choose the throttle's key
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=x_for, x_proto=x_proto, x_host=0, x_port=0, x_prefix=0)


class MissingSecretKey(NoAppException, RuntimeError):
    """No SECRET_KEY: a RuntimeError to gunicorn, and to `flask` an app that cannot load, which it reports
    in a sentence (any other exception while loading the app, it prints as a traceback)."""


def _require_secret_key(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        from app.cli import N_
        from app.cli import help_text

        raise MissingSecretKey(help_text(N_(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random value "
            "(python3 -c 'import secrets; print(secrets.token_hex(32))'), or run `make run` once on a "
            "development machine: it writes instance/secret_key, which the commands then read.")))


def register_extensions(app: Flask) -> None:
    from app import all_models  # noqa: F401  (every mapper known before the first query)
    from app.core import sqlite

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    from app.auth.session import load_user
    from app.core.locale import select_babel_locale
    from app.core.locale import select_timezone
    from app.extensions import babel
    from app.extensions import csrf
    from app.extensions import db
    from app.extensions import limiter
    from app.extensions import login_manager
    from app.extensions import migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_babel_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.user_loader(load_user)
    from app.auth import passwords

    passwords.use_method(app.config["PASSWORD_HASH_METHOD"])
    login_manager.login_message_category = "info"


def register_workflows(app: Flask) -> None:
    """The app's own catalog of workflows, attached to its database engine (see app.workflow.catalog)."""
    from app.extensions import db
    from app.workflow.catalog import Catalog
    from app.workflow.catalog import attach

    catalog = Catalog.from_directory(app.config["WORKFLOWS_DIR"])
    for problem in catalog.problems:
        app.logger.error("workflow definition left out: %s", problem)
    app.extensions["workflow_catalog"] = catalog
    with app.app_context():
        attach(db.engine, catalog)


def register_postman(app: Flask) -> None:
    """How the services' messages become emails: rendered in each reader's language, linked to BASE_URL."""
    from app.extensions import db
    from app.notifications.render import renderer_for
    from app.notifications.services import Postman
    from app.notifications.services import attach_postman

    with app.app_context():
        attach_postman(db.engine, Postman(render=renderer_for(app),
                                            base_url=lambda: app.config["BASE_URL"].rstrip("/")))


def register_request_parsing(app: Flask) -> None:
    """Bound what a request can make the app parse: ids in URLs and JSON bodies (before the routes)."""
    from app.core.bounds import IdConverter
    from app.core.jsonio import GuardedJSONProvider

    app.url_map.converters["int"] = IdConverter
    app.json = GuardedJSONProvider(app)


def register_areas(app: Flask) -> None:
    """The areas' parts of a project's rules (visibility, roles, mentors, event follow-ups)."""
    from app import areas

    areas.connect()


def register_blueprints(app: Flask) -> None:
    from app.account.views import bp as account_bp
    from app.api import bp as api_bp
    from app.attention.views import bp as attention_bp
    from app.auth.views import bp as auth_bp
    from app.calls.evaluation_views import bp as evaluation_bp
    from app.calls.views import bp as calls_bp
    from app.checkins.views import bp as checkins_bp
    from app.cluster.views import bp as cluster_bp
    from app.cohorts.views import bp as cohorts_bp
    from app.core.views import bp as core_bp
    from app.extensions import csrf
    from app.impact.views import bp as impact_bp
    from app.kpis.views import bp as kpis_bp
    from app.mentoring.views import bp as mentoring_bp
    from app.notifications.views import bp as notifications_bp
    from app.officehours.views import bp as officehours_bp
    from app.people.views import bp as people_bp
    from app.pipeline.views import bp as pipeline_bp
    from app.privacy.views import bp as privacy_bp
    from app.projects.views import bp as projects_bp
    from app.readiness.views import bp as readiness_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(calls_bp)
    app.register_blueprint(evaluation_bp)
    app.register_blueprint(projects_bp)
    app.register_blueprint(mentoring_bp)
    app.register_blueprint(checkins_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(pipeline_bp)
    app.register_blueprint(cluster_bp)
    app.register_blueprint(readiness_bp)
    app.register_blueprint(kpis_bp)
    app.register_blueprint(impact_bp)
    app.register_blueprint(cohorts_bp)
    app.register_blueprint(attention_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(officehours_bp)
    app.register_blueprint(privacy_bp)
    # The API authenticates with bearer tokens, never cookies, so CSRF cannot apply to it.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)


def register_errorhandlers(app: Flask) -> None:
    from app.core import security
    from app.core.views import register_error_pages

    register_error_pages(app)
    security.register(app)


def register_template_helpers(app: Flask) -> None:
    """Core's helpers, then each area's words (areas own their vocabulary; core knows none)."""
    from app.checkins import templating as checkins
    from app.cluster import templating as cluster
    from app.core import templating as core
    from app.notifications import templating as notifications
    from app.projects import templating as projects

    for area in (core, projects, checkins, cluster, notifications):
        area.register(app)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)


def register_scheduler(app: Flask) -> None:
    if app.config["SCHEDULER_ENABLED"]:
        from app.scheduling.runner import start_in_process

        start_in_process(app)


def register_bench_route(app: Flask) -> None:
    """`PARCOURS_BENCH=1` (set by `make bench` only): `/_bench/hello` answers a fixed string, the
    baseline the HTTP figures are compared with, served by the same app and server. Never otherwise."""
    if os.environ.get("PARCOURS_BENCH") != "1":
        return
    app.add_url_rule("/_bench/hello", "bench_hello", lambda: "ok")
