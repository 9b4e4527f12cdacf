"""Password hashing: production keeps a strong KDF; the suite's cheap one is a test setting only."""

from __future__ import annotations

import pytest

import config
from app import create_app
from app.auth import passwords


@pytest.fixture
def restore_method():
    yield
    passwords.use_method(config.TestConfig.PASSWORD_HASH_METHOD)


def test_production_hashes_passwords_with_scrypt(restore_method, tmp_path):
    production = type("Production", (config.Config,), {
        "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    assert config.Config.PASSWORD_HASH_METHOD == passwords.STRONG_METHOD == "scrypt"
    create_app(production)
    stored = passwords.hash_password("correct-horse-battery")
    assert stored.startswith("scrypt:")
    assert passwords.check_password(stored, "correct-horse-battery")
    assert not passwords.check_password(stored, "wrong-horse-battery")


def test_only_the_test_configuration_uses_the_cheap_hash():
    cheap = config.TestConfig.PASSWORD_HASH_METHOD
    assert cheap.startswith("pbkdf2:")
    assert all(c.PASSWORD_HASH_METHOD == "scrypt" for c in (config.Config, config.DevConfig))


def test_a_hash_made_under_either_method_still_checks(restore_method):
    passwords.use_method("scrypt")
    strong = passwords.hash_password("correct-horse-battery")
    passwords.use_method(config.TestConfig.PASSWORD_HASH_METHOD)
    assert passwords.check_password(strong, "correct-horse-battery")


def test_an_unknown_method_fails_at_start_up(restore_method):
    with pytest.raises(ValueError):
        passwords.use_method("rot13")
