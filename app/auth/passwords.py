"""Password hashing: the one place that chooses the key-derivation function.

Production hashes with scrypt (Werkzeug's default: deliberately slow, memory-hard). The test
suite creates and signs in thousands of users, so `TestConfig` asks for a one-iteration PBKDF2;
`create_app` passes the configured method here once. Checking a password always uses the method
stored in its hash, so hashes made under either setting stay valid.
"""

from __future__ import annotations

from functools import lru_cache

from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

#: What production uses; a test asserts that `Config` keeps it.
STRONG_METHOD = "scrypt"

_method = STRONG_METHOD


def use_method(method: str) -> None:
    """Hash new passwords with `method` (a Werkzeug method string such as "scrypt")."""
    global _method
    generate_password_hash("probe", method=method)  # an unknown method fails at start-up, not at sign-up
    _method = method


def hash_password(password: str) -> str:
    """Return the hash to store for `password`."""
    return generate_password_hash(password, method=_method)


def check_password(stored_hash: str, password: str) -> bool:
    """Whether `password` matches `stored_hash`."""
    return check_password_hash(stored_hash, password or "")


def check_nothing(password: str) -> bool:
    """Do the work of a check against no account, so an unknown email costs as long as a known one."""
    check_password_hash(_dummy_hash(_method), password or "")
    return False


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash("parcours-timing-equaliser", method=method)
