"""A person's status follows their timeline of detentions and releases.

Pure functions on plain values, so the import pipeline can use the same rule on rows it has
not stored yet, and the service layer on rows it has.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from prisoners.models import PrisonerStatus

# Held at home or under restrictions: not free, and counted with the held.
RESTRICTED = {PrisonerStatus.HOUSE_ARREST, PrisonerStatus.RESTRICTED_FREEDOM}
HELD = {PrisonerStatus.DETAINED, PrisonerStatus.SENTENCED, *RESTRICTED}
FREE = {PrisonerStatus.RELEASED, PrisonerStatus.RELEASED_CONDITIONALLY}
# Statuses the timeline cannot tell: kept as entered while the timeline allows them.
KEPT_WHILE_HELD = {PrisonerStatus.DIED_IN_CUSTODY, PrisonerStatus.DISAPPEARED}
# A detention's regime (prisoners.models.DetentionRegime) that is a status of its own while it lasts.
STATUS_OF_REGIME = {
    "house_arrest": PrisonerStatus.HOUSE_ARREST,
    "restricted_freedom": PrisonerStatus.RESTRICTED_FREEDOM,
}

OUTCOME_FREED = "freed"
OUTCOME_FREED_CONDITIONALLY = "freed_conditionally"
OUTCOME_RETURNED = "returned_to_custody"


@dataclass(frozen=True)
class DetentionSpan:
    detained_on: date | None
    ended_on: date | None = None
    sentenced: bool = False
    regime: str = "custody"


@dataclass(frozen=True)
class ReleaseStep:
    on: date | None
    outcome: str = OUTCOME_FREED


def status_from_timeline(detentions, releases):
    """The status the timeline shows, or None when there is no timeline at all."""
    steps = []
    for span in detentions:
        steps.append((span.detained_on or date.min, 0, "detained", span))
        if span.ended_on:
            steps.append((span.ended_on, 2, "ended", span))
    for release in releases:
        steps.append((release.on or date.min, 1, "release", release))
    if not steps:
        return None
    steps.sort(key=lambda step: (step[0], step[1]))

    status = None
    held_as = PrisonerStatus.DETAINED
    for _on, _order, what, item in steps:
        if what == "detained":
            held_as = STATUS_OF_REGIME.get(item.regime) or (
                PrisonerStatus.SENTENCED if item.sentenced else PrisonerStatus.DETAINED
            )
            status = held_as
        elif what == "ended":
            # A detention that ends with no release recorded on it: served or quashed.
            if status in HELD:
                status = PrisonerStatus.RELEASED
        elif item.outcome == OUTCOME_RETURNED:
            status = held_as
        elif item.outcome == OUTCOME_FREED_CONDITIONALLY:
            status = PrisonerStatus.RELEASED_CONDITIONALLY
        else:
            status = PrisonerStatus.RELEASED
    return status


def derive_status(detentions, releases, declared=None):
    """Combine the timeline with a declared status; raise ValidationError on a contradiction.

    `declared` is what a person typed or a file said (None: nothing said).
    """
    timeline = status_from_timeline(detentions, releases)
    if timeline is None:
        return declared or PrisonerStatus.UNKNOWN
    if not declared or declared == PrisonerStatus.UNKNOWN or declared == timeline:
        return timeline
    if declared in KEPT_WHILE_HELD and timeline in HELD:
        return declared
    if declared in RESTRICTED and timeline in HELD - RESTRICTED:
        # The detention's regime was not recorded: house arrest or restricted freedom is more precise.
        return declared
    if timeline in RESTRICTED and declared in HELD:
        # The recorded regime decides between the ways of being held.
        return timeline
    if declared in HELD and timeline in HELD:
        # Sentencing is not always recorded on the detention: the declared word is more precise.
        return PrisonerStatus.SENTENCED if PrisonerStatus.SENTENCED in (declared, timeline) else declared
    if declared in FREE and timeline in FREE:
        return declared
    raise ValidationError(
        {
            "status": _("Status '%(declared)s' contradicts the timeline, which shows '%(timeline)s'.")
            % {"declared": declared, "timeline": timeline}
        }
    )


def status_for(*, current, spans, steps, declared=None):
    """The status to store: the timeline's, or what was declared (or kept) where the timeline allows it.

    `current` is the stored status: one the timeline cannot tell (died in custody) is kept while the
    timeline allows it, and any status is kept while there is no timeline at all. `declared` is what an
    editor or a file says now (None: nothing said). Raises ValidationError on a contradiction.
    """
    if declared is None and (current in KEPT_WHILE_HELD or not (spans or steps)):
        declared = current
    return derive_status(spans, steps, declared)
