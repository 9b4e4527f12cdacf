"""The history is append-only: no code path updates or deletes it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.projects.queries import list_history

APP = Path(__file__).resolve().parents[2] / "app"
PROTECTED = {"ProjectEvent", "GateDecision"}


def _writes_to_protected(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("update", "delete"):
            for arg in node.args:
                if isinstance(arg, ast.Name) and arg.id in PROTECTED:
                    found.append(f"{node.func.id}({arg.id}) at line {node.lineno}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "delete":
            for arg in node.args:
                if isinstance(arg, ast.Name) and arg.id in {"record", "event", "decision"}:
                    found.append(f"session.delete({arg.id}) at line {node.lineno}")
    return found


def test_no_code_path_updates_or_deletes_history():
    offenders = []
    for path in APP.rglob("*.py"):
        for finding in _writes_to_protected(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(f"{path.relative_to(APP.parent)}: {finding}")
    assert offenders == []


def test_changing_a_history_row_through_the_orm_is_refused(session, make_project):
    project = make_project()
    record = list_history(session, project)[0]
    record.comment = "rewritten"

    with pytest.raises(RuntimeError, match="append-only"):
        session.flush()
    session.rollback()
