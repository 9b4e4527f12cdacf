"""Pitch deck files: checked by their content, size-limited, stored outside the web root.

A deck is accepted when its bytes are a PDF (the `%PDF-` signature, then pypdf reads at
least one page), whatever its name says. It is stored as `<32 random hex>.pdf` in the
uploads folder: nothing the user sent ever becomes part of a path; their file name is kept
in the database for display only. Domain code: no Flask.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from app.core import stored_files
from app.core.errors import ValidationFailed
from app.core.i18n import _l

PDF_SIGNATURE = b"%PDF-"
FILENAME_MAX = stored_files.FILENAME_MAX
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class DeckTooLarge(stored_files.FileTooLarge):
    code = "deck_too_large"
    field = "deck"


@dataclass(frozen=True)
class CheckedDeck:
    data: bytes
    filename: str
    sha256: str


def clean_filename(name: str | None) -> str:
    """The user's file name made harmless for display: last path part, printable, `.pdf`."""
    base = stored_files.harmless_name(name)
    if not base:
        base = "deck.pdf"
    if not base.lower().endswith(".pdf"):
        base += ".pdf"
    return base[-FILENAME_MAX:]


def check_deck(data: bytes, filename: str | None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> CheckedDeck:
    """Accept a readable PDF of at most `max_bytes`.

    :raises DeckTooLarge: over the limit (413).
    :raises ValidationFailed: empty, or not a PDF by its content.
    """
    if len(data) > max_bytes:
        raise DeckTooLarge(max_bytes)
    not_pdf = str(_l("This file is not a PDF. Export your pitch deck as PDF and try again."))
    if not data:
        raise ValidationFailed(_l("The file is empty."), deck=[_l("The file is empty.")])
    if not data.startswith(PDF_SIGNATURE):
        raise ValidationFailed(not_pdf, deck=[not_pdf])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a sloppy but readable PDF is still a PDF
            pages = len(PdfReader(io.BytesIO(data), strict=False).pages)
    except Exception:  # noqa: BLE001 - whatever pypdf trips on, the file is not a usable PDF
        pages = 0
    if pages < 1:
        message = str(_l("This PDF cannot be read (damaged, or no page)."))
        raise ValidationFailed(message, deck=[message])
    return CheckedDeck(data=data, filename=clean_filename(filename), sha256=hashlib.sha256(data).hexdigest())


def store(directory: Path, data: bytes) -> str:
    """Write the bytes under a new random name in `directory`; return that name."""
    name = stored_files.new_storage_name(".pdf")
    stored_files.write(directory, name, data)
    return name


path_of = stored_files.path_of
discard = stored_files.discard
