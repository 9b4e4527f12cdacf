"""Where evidence files live and how large they may be: read from the configuration by the project
pages and the API alike (both boundaries, so it sits below them rather than in either)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from app.projects import evidence


def evidence_directory() -> Path:
    """The evidence folder: `evidence/` in the uploads folder, outside `static/`, never served directly."""
    uploads = current_app.config.get("UPLOADS_DIR") or Path(current_app.instance_path) / "uploads"
    return Path(uploads) / "evidence"


def evidence_max_bytes() -> int:
    return int(current_app.config.get("EVIDENCE_MAX_BYTES", evidence.DEFAULT_MAX_BYTES))
