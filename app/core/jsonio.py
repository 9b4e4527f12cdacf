"""Reading JSON bodies: every `request.get_json()` (the API, Flask-WTF, the sign-in throttle) goes
through `app.json.loads`, so its limits hold everywhere at once."""

from __future__ import annotations

import re

from flask.json.provider import DefaultJSONProvider

#: UTF-16 surrogates cannot be stored or encoded as text (`"\\ud800"` is valid JSON, though); NUL is
#: refused by PostgreSQL's text columns.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with bodies refused (`ValueError`, hence 400) when they nest too deeply to
    parse or carry strings that are not storable text."""

    def loads(self, s: str | bytes, **kwargs):
        try:
            data = super().loads(s, **kwargs)
        except RecursionError:
            # `[` × 50,000 exhausts the parser's stack; Flask only turns a ValueError into a 400.
            raise ValueError("The JSON document is nested too deeply.") from None
        check_text(data)
        return data


def check_text(data) -> None:
    """Raise `ValueError` if a string (value or key) anywhere in `data` holds a surrogate or NUL."""
    pending = [data]
    while pending:  # a loop, not recursion: the depth is the client's choice
        item = pending.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                raise ValueError("Strings must be Unicode text without NUL characters or lone surrogates.")
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
