"""Request and response shapes of a person's notification preferences (`/me/notification-preferences`)."""

from __future__ import annotations

from pydantic import BaseModel
from pydantic import Field
from pydantic import StrictBool

from app.api.schemas import Strict


class ChannelsOut(BaseModel):
    in_app: bool
    email: bool
    #: The kind's name in the reader's language.
    label: str


class NotificationPreferencesOut(BaseModel):
    """Every kind a person may switch, with its channels, and whether emails wait for a daily digest."""

    kinds: dict[str, ChannelsOut]
    digest: bool


class ChannelsIn(Strict):
    in_app: StrictBool | None = None
    email: StrictBool | None = None


class NotificationPreferencesIn(Strict):
    """A partial update: kinds and channels left out keep their value; an unknown kind is refused (422)."""

    kinds: dict[str, ChannelsIn] = Field(default_factory=dict, max_length=100)
    digest: StrictBool | None = None
