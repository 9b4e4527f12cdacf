"""Template globals and filters."""

from __future__ import annotations

from flask import Flask
from flask import request
from flask import url_for
from flask_babel import format_datetime
from flask_babel import get_locale

from app.core.i18n import localized
from app.workflow.engine import status_label


def register(app: Flask) -> None:
    @app.template_filter("datetime")
    def _datetime(value, fmt: str = "medium") -> str:
        return format_datetime(value, fmt) if value else ""

    @app.template_global()
    def url_with(**changes) -> str:
        """The current URL with some query arguments changed (filters, sorting, pages)."""
        args = request.args.to_dict()
        args.update({k: v for k, v in changes.items() if v is not None})
        for key in [k for k, v in changes.items() if v is None]:
            args.pop(key, None)
        return url_for(request.endpoint, **(request.view_args or {}), **args)

    @app.context_processor
    def _globals() -> dict:
        locale = get_locale()
        language = locale.language if locale else "en"
        return {
            "status_label": status_label,
            "localized": localized,
            "lang": language,
            "text_dir": "rtl" if language in ("ar", "he", "fa") else "ltr",
        }
