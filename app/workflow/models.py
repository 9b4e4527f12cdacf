"""Stored workflow versions: the exact definition each project follows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.core.models import Base
from app.core.time import utcnow


class WorkflowVersion(Base):
    """A snapshot of one version of a workflow file, kept while projects may follow it."""

    __tablename__ = "workflow_versions"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    #: sha256 of the canonical document: the same version number must mean the same content.
    checksum: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
