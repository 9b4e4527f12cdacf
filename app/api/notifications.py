"""`/me/notification-preferences`: what each kind of notification tells the person, and how."""

from __future__ import annotations

from app.api import bp
from app.api import notification_schemas as schemas
from app.api.auth import authenticated
from app.api.auth import current_user
from app.api.auth import json_body
from app.api.spec import doc
from app.extensions import db
from app.notifications import kinds as registry
from app.notifications import services
from app.notifications.services import Preferences


def preferences_out(preferences: Preferences) -> dict:
    return schemas.NotificationPreferencesOut(
        kinds={key: schemas.ChannelsOut(in_app=c.in_app, email=c.email, label=str(registry.KINDS[key].label))
               for key, c in preferences.kinds.items()},
        digest=preferences.digest).model_dump(mode="json")


@bp.get("/me/notification-preferences")
@doc("The signed-in person's notification choices: every switchable kind with its in-app and email switches, "
     "and whether emails wait for one daily digest", response=schemas.NotificationPreferencesOut, tag="auth")
@authenticated
def get_notification_preferences():
    return preferences_out(services.get_preferences(db.session, current_user()))


@bp.put("/me/notification-preferences")
@doc("Change notification choices (partial: kinds and channels left out keep their value); "
     "an unknown kind answers 422 naming it", body=schemas.NotificationPreferencesIn,
     response=schemas.NotificationPreferencesOut, errors=(400, 422), tag="auth")
@authenticated
def put_notification_preferences():
    data = json_body(schemas.NotificationPreferencesIn)
    kinds = {key: channels.model_dump(exclude_none=True) for key, channels in data.kinds.items()}
    preferences = services.update_preferences(db.session, current_user(), kinds=kinds, digest=data.digest)
    db.session.commit()
    return preferences_out(preferences)
