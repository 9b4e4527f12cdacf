"""The calls area's extra domain modules follow the import rule too (the shared test checks files
named services/queries/permissions/overview)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_architecture import APP_DIR
from tests.test_architecture import imports_in
from tests.test_architecture import is_forbidden
from tests.test_architecture import module_name

EXTRA_DOMAIN_MODULES = [APP_DIR / "calls" / "evaluation.py", APP_DIR / "calls" / "decks.py",
                        APP_DIR / "calls" / "certificate.py", APP_DIR / "auth" / "links.py"]


@pytest.mark.parametrize("path", EXTRA_DOMAIN_MODULES, ids=lambda p: str(p.relative_to(APP_DIR)))
def test_extra_domain_modules_import_no_flask(path: Path):
    offending = [module for _, module in imports_in(path.read_text(encoding="utf-8"), module_name(path))
                 if is_forbidden(module)]

    assert not offending
