"""Configuration classes, driven by the environment, with an embedded SQLite default."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
#: The secret `make run` generates on first run and reuses; the CLI reads it too, so the README's
#: commands work without exporting SECRET_KEY. The environment's SECRET_KEY always wins.
SECRET_FILE = INSTANCE_DIR / "secret_key"


def read_secret_file(path: Path) -> str | None:
    """The secret kept in `path`, or None when there is none."""
    try:
        return path.read_text(encoding="ascii").strip() or None
    except FileNotFoundError:
        return None


def create_secret_file(path: Path) -> str:
    """Return the secret kept in `path`, writing a random one (readable by its owner only) first if
    there is none. Two processes starting at once agree: the file is created exclusively."""
    existing = read_secret_file(path)
    if existing:
        return existing
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it between our read and our write
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(32) + "\n")
    secret = read_secret_file(path)
    if not secret:
        raise RuntimeError(f"{path} is empty: delete it (a new secret is made) or set SECRET_KEY.")
    return secret


def debugger_allowed(host: str) -> bool:
    """Whether the interactive debugger may run for a server bound to `host`: only on loopback.

    The Werkzeug console runs any Python for whoever reaches it, so `make run HOST=0.0.0.0` (or any
    address another machine can reach) serves without it.
    """
    name = (host or "").strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def dev_mail_backend(env: dict[str, str]) -> str:
    """`make run` with no SMTP server named: email goes to files and the log instead of failing in the outbox."""
    return env.get("MAIL_BACKEND") or ("smtp" if env.get("SMTP_HOST") else "file")


def dev_base_url(env: dict[str, str]) -> str:
    """`make run`'s public URL: the address and port it serves on (the Makefile passes HOST and PORT)."""
    if env.get("BASE_URL"):
        return env["BASE_URL"]
    host = env.get("HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # listening everywhere: the links must still name an address to open
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{env.get('PORT') or '5000'}"


class Config:
    """Production-leaning defaults; every setting can come from the environment."""

    DEBUG = False
    TESTING = False
    SECRET_KEY = os.environ.get("SECRET_KEY") or read_secret_file(SECRET_FILE)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'parcours.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    WORKFLOWS_DIR = os.environ.get("WORKFLOWS_DIR", str(BASE_DIR / "workflows"))
    DEFAULT_WORKFLOW = os.environ.get("DEFAULT_WORKFLOW", "innovation_path")
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    SMTP_HOST = os.environ.get("SMTP_HOST", "127.0.0.1")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "parcours@localhost")
    #: How email leaves: "smtp" (to SMTP_HOST) or "file" (an .eml file in MAIL_DIR and a line in the server
    #: log, for development). `make run` picks "file" when SMTP_HOST is not set.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    #: Where the "file" backend writes (default: instance/mail).
    MAIL_DIR = os.environ.get("MAIL_DIR") or None
    #: Account emails (confirmation, reset) are sent right after the request that queued them; the outbox
    #: stays the record, and the sweep retries what could not go.
    MAIL_DELIVER_AFTER_REQUEST = _bool("MAIL_DELIVER_AFTER_REQUEST", True)
    #: Web sessions; API clients use bearer tokens instead.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_HTTPONLY = True
    API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", "24"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(2 * 1024 * 1024)))
    BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "fr")
    BABEL_DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE", "Africa/Casablanca")
    #: The shipped languages, in the order the switcher offers them (each has a catalogue under
    #: app/translations; Arabic is written right to left and formatted the Moroccan way, `ar_MA`).
    LANGUAGES = ("fr", "en", "ar")
    #: Start the scheduler inside the web process (only `make run` does; production runs
    #: `flask --app wsgi scheduler run` as its own process).
    SCHEDULER_ENABLED = _bool("SCHEDULER_ENABLED", False)
    SCHEDULER_INTERVAL_SECONDS = int(os.environ.get("SCHEDULER_INTERVAL_SECONDS", "60"))
    #: A check-in becomes overdue this long after its time.
    CHECKIN_GRACE_HOURS = int(os.environ.get("CHECKIN_GRACE_HOURS", "48"))
    #: Reminders go out this long before a check-in.
    REMINDER_LEAD_HOURS = int(os.environ.get("REMINDER_LEAD_HOURS", "24"))
    #: A KPI report is late this many days after its period ends (it opens, and founders are reminded, at the end).
    KPI_REPORT_GRACE_DAYS = int(os.environ.get("KPI_REPORT_GRACE_DAYS", "14"))
    #: The daily digest goes from this local hour (0–23), listing what was held since the last one.
    NOTIFICATION_DIGEST_HOUR = int(os.environ.get("NOTIFICATION_DIGEST_HOUR", "18"))
    #: Applicants with a draft hear that a call closes this many days before its last day.
    CALL_CLOSING_NOTICE_DAYS = int(os.environ.get("CALL_CLOSING_NOTICE_DAYS", "3"))
    WTF_CSRF_TIME_LIMIT = None
    #: The cluster's name and logo (a PNG, JPEG or SVG file) on the funders' report and the label
    #: certificate; without a logo the name stands alone.
    CLUSTER_NAME = os.environ.get("CLUSTER_NAME", "Parcours")
    CLUSTER_LOGO = os.environ.get("CLUSTER_LOGO") or None
    #: Who people write to about their personal data (law 09-08), shown on /privacy.
    PRIVACY_CONTACT = os.environ.get("PRIVACY_CONTACT", "privacy@localhost")
    #: The version of the privacy notice a sign-up accepts (recorded on the account); change it with the notice.
    PRIVACY_NOTICE_VERSION = os.environ.get("PRIVACY_NOTICE_VERSION", "2026-11")
    #: Sign-in throttling: failed attempts allowed per address and per account in the window.
    LOGIN_ATTEMPTS_LIMIT = os.environ.get("LOGIN_ATTEMPTS_LIMIT", "10 per 15 minutes")
    #: Sign-ups and password-reset requests per address (each sends an email).
    ACCOUNT_REQUESTS_LIMIT = os.environ.get("ACCOUNT_REQUESTS_LIMIT", "10 per hour")
    #: Reverse proxies trusted for the client's address (X-Forwarded-For) and scheme
    #: (X-Forwarded-Proto): how many sit in front of the app. 0 (the default) trusts no header, since
    #: anyone can send one; set 1 behind the documented nginx, or every client has the proxy's address
    #: and one client's failed sign-ins throttle everyone.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    PROXY_FIX_X_PROTO = int(os.environ.get("PROXY_FIX_X_PROTO", "0"))
    #: memory:// is per process; use redis://host:6379 when several processes serve the app.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    #: Pitch decks of applications: the largest accepted file, and where they are stored (never
    #: under static/; served only through a view that checks who asks). Default: instance/uploads.
    CALL_DECK_MAX_BYTES = int(os.environ.get("CALL_DECK_MAX_BYTES", str(10 * 1024 * 1024)))
    UPLOADS_DIR = os.environ.get("UPLOADS_DIR") or None
    #: The largest file of evidence attached to a deliverable (stored under UPLOADS_DIR/evidence).
    EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
    #: Lifetimes of the links sent by email: confirming an address, resetting a password.
    EMAIL_VERIFY_TTL_HOURS = int(os.environ.get("EMAIL_VERIFY_TTL_HOURS", "48"))
    PASSWORD_RESET_TTL_MINUTES = int(os.environ.get("PASSWORD_RESET_TTL_MINUTES", "60"))
    #: How many days an invitation's link works (re-sending it starts again).
    INVITATION_TTL_DAYS = int(os.environ.get("INVITATION_TTL_DAYS", "7"))
    #: How many member organisations the cluster aims for (the seed cluster: 40, then 200).
    MEMBERSHIP_TARGET = int(os.environ.get("MEMBERSHIP_TARGET", "40"))
    #: How new passwords are hashed (a Werkzeug method string). Keep scrypt in production.
    PASSWORD_HASH_METHOD = "scrypt"


class DevConfig(Config):
    """`make run`: debug on (on a loopback address only), cookies over plain HTTP, and a random
    secret kept in `instance/` (see `dev_config`); never a fixed one, which anyone could sign
    an admin's session cookie with."""

    DEBUG = debugger_allowed(os.environ.get("FLASK_RUN_HOST", "127.0.0.1"))
    SESSION_COOKIE_SECURE = False
    MAIL_BACKEND = dev_mail_backend(dict(os.environ))
    BASE_URL = dev_base_url(dict(os.environ))


def dev_config() -> type[DevConfig]:
    """DevConfig with its secret: the environment's, or the one in `instance/` (created on first run)."""
    if not DevConfig.SECRET_KEY:
        DevConfig.SECRET_KEY = create_secret_file(SECRET_FILE)
    return DevConfig


class TestConfig(Config):
    """The test suite: CSRF off (one test turns it back on), no scheduler, no secure cookies."""

    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    SESSION_COOKIE_SECURE = False
    SCHEDULER_ENABLED = False
    #: Thousands of users are created and signed in: one PBKDF2 round instead of scrypt (~0.1 s each).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"
    MAIL_BACKEND = "smtp"
    #: Tests that send email start their own SMTP server and turn this on; the others reach no server.
    MAIL_DELIVER_AFTER_REQUEST = False
