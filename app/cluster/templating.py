"""The cluster's vocabularies in templates, registered on the app by the cluster area."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_decimal

from app.cluster import labels


def register(app: Flask) -> None:
    for helper in (funding_source_label, funding_status_label, funding_labels, cluster_labels, rate_text):
        app.add_template_global(helper)


def funding_source_label(source: str) -> str:
    return labels.label(labels.FUNDING_SOURCES, source)


def funding_status_label(status: str) -> str:
    return labels.label(labels.FUNDING_STATUSES, status)


def funding_labels() -> tuple[dict[str, str], dict[str, str]]:
    """The names of financing sources and statuses in the reader's language, translated once for a
    table that repeats them."""
    return ({key: str(value) for key, value in labels.FUNDING_SOURCES.items()},
            {key: str(value) for key, value in labels.FUNDING_STATUSES.items()})


def cluster_labels():
    """The cluster vocabularies, for templates: `cluster_labels().KINDS[key]`."""
    return labels


def rate_text(value) -> str:
    """An exchange rate in the reader's locale, with its significant decimals (10,85 or 0,091234)."""
    return format_decimal(value, format="#,##0.00####")
