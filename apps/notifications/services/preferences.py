"""A person's notification e-mail settings in one organisation."""

from django.db import transaction

from apps.tenancy import audit

from ..models import Preference


def preference_for(*, organization, user) -> Preference:
    """The person's settings, or the defaults (every e-mail on) when they never saved any."""
    return Preference.objects.filter(user=user).first() or Preference(organization=organization, user=user)


@transaction.atomic
def preference_save(*, actor, membership, email_non_essential: bool) -> Preference:
    """Save the actor's own choice. Deadline reminders ignore it (models.ESSENTIAL_KINDS)."""
    organization = membership.organization
    preference = Preference.objects.select_for_update().filter(user=actor).first()
    before = preference.email_non_essential if preference is not None else True
    if preference is None:
        preference = Preference.objects.create(
            organization=organization, user=actor, email_non_essential=email_non_essential
        )
    elif before != email_non_essential:
        preference.email_non_essential = email_non_essential
        preference.save(update_fields=["email_non_essential", "updated_at"])
    if before != email_non_essential:
        # Audited: it decides whether someone can later say they were never told.
        audit.record(
            organization=organization,
            actor=actor,
            action="notifications.preference_save",
            obj=preference,
            summary="E-mail about events " + ("on" if email_non_essential else "off"),
            changes={"email_non_essential": [before, email_non_essential]},
        )
    return preference
