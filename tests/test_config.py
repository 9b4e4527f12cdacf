"""`make run`'s safety: a random secret kept in `instance/`, and the debugger on loopback only."""

from __future__ import annotations

import stat

import pytest

import config


def test_the_secret_is_random_private_and_reused(tmp_path):
    path = tmp_path / "instance" / "secret_key"

    first = config.create_secret_file(path)
    again = config.create_secret_file(path)

    assert len(first) == 64 and first != "dev-only-not-secret"
    assert again == first == config.read_secret_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert config.create_secret_file(tmp_path / "elsewhere") != first


def test_no_secret_file_reads_as_none(tmp_path):
    assert config.read_secret_file(tmp_path / "secret_key") is None


def test_an_empty_secret_file_is_refused(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("")

    with pytest.raises(RuntimeError, match="empty"):
        config.create_secret_file(path)


@pytest.mark.parametrize(("host", "allowed"), [
    ("127.0.0.1", True), ("127.0.1.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.10", False), ("10.0.0.5", False), ("example.org", False),
    ("", False),
])
def test_the_debugger_runs_only_on_loopback(host, allowed):
    assert config.debugger_allowed(host) is allowed


def test_the_development_config_has_no_fixed_secret(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "SECRET_FILE", tmp_path / "secret_key")
    monkeypatch.setattr(config.DevConfig, "SECRET_KEY", None)

    chosen = config.dev_config()

    assert chosen.SECRET_KEY == config.read_secret_file(tmp_path / "secret_key")


def test_the_command_line_explains_a_missing_secret_without_a_traceback(monkeypatch):
    """A fresh clone, before `make run` wrote instance/secret_key: `flask --app wsgi --help` says what to do."""
    import subprocess
    import sys
    from pathlib import Path

    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "FLASK_APP": "wsgi", "SECRET_KEY": "",
           "PYTHONDONTWRITEBYTECODE": "1"}
    code = ("import config; config.Config.SECRET_KEY = None; "
            "from flask.cli import main; import sys; sys.argv = ['flask', '--help']; main()")
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(config.__file__).parent, env=env,
                            capture_output=True, text=True, timeout=60)

    assert "Traceback" not in result.stderr
    assert "SECRET_KEY is not set" in result.stderr and "make run" in result.stderr


def test_a_missing_secret_is_still_a_runtime_error_to_gunicorn(monkeypatch):
    from app import create_app

    monkeypatch.setattr(config.Config, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app(config.Config)
