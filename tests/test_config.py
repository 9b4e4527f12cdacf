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
