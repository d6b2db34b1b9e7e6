"""Reads that derive numbers: named counts and reconciliation of an event, never typed twice."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from releases.models import Destination, EventDestination, Release, ReleaseEvent, SanctionsDeal

# A person returned to custody was announced as freed but is not free: never counted as named freed.
FREED_OUTCOMES = (Release.Outcome.FREED, Release.Outcome.FREED_CONDITIONALLY)


def events_with_named_counts(queryset=None):
    """Annotate events with `named_count`: people we can identify as freed in the event.

    Counts every person, withheld or not: totals count every record, lists show none withheld.
    """
    queryset = ReleaseEvent.objects.all() if queryset is None else queryset
    return queryset.annotate(
        named_count=Count("releases", filter=Q(releases__outcome__in=FREED_OUTCOMES), distinct=True)
    )


@dataclass
class Reconciliation:
    reported_count: int | None
    qualifier: str
    named_count: int
    returned_count: int
    breakdown_total: int | None
    breakdown: dict = field(default_factory=dict)  # destination code -> reported count
    named_by_destination: dict = field(default_factory=dict)  # destination code or "" -> named count
    warnings: list = field(default_factory=list)

    @property
    def unnamed_count(self):
        if self.reported_count is None:
            return None
        return max(self.reported_count - self.named_count, 0)

    @property
    def ok(self):
        return not self.warnings


def reconcile_event(event) -> Reconciliation:
    """Named vs reported, and destination breakdown vs total, with a warning for each mismatch."""
    # Uses the caller's prefetch (admin and list pages prefetch these) instead of querying per event.
    if "releases" in getattr(event, "_prefetched_objects_cache", {}):
        releases = [(r.outcome, r.destination.country.code if r.destination_id else None) for r in event.releases.all()]
    else:
        releases = list(Release.objects.filter(event=event).values_list("outcome", "destination__country"))
    named = [dest for outcome, dest in releases if outcome in FREED_OUTCOMES]
    if "destination_counts" in getattr(event, "_prefetched_objects_cache", {}):
        rows = event.destination_counts.all()
    else:
        rows = event.destination_counts.select_related("destination")
    breakdown = {str(row.destination.country): row.reported_count for row in rows}
    result = Reconciliation(
        reported_count=event.reported_count,
        qualifier=event.reported_count_qualifier,
        named_count=len(named),
        returned_count=len(releases) - len(named),
        breakdown_total=sum(breakdown.values()) if breakdown else None,
        breakdown=breakdown,
        named_by_destination=dict(Counter(dest or "" for dest in named)),
    )
    exact = event.reported_count_qualifier == "exactly"
    if event.reported_count is not None:
        if result.named_count > event.reported_count and exact:
            result.warnings.append(
                _("%(named)d people are named but %(reported)d were reported.")
                % {"named": result.named_count, "reported": event.reported_count}
            )
        if result.breakdown_total is not None and result.breakdown_total != event.reported_count:
            result.warnings.append(
                _("The destination breakdown adds up to %(total)d, the reported count is %(reported)d.")
                % {"total": result.breakdown_total, "reported": event.reported_count}
            )
    for code, count in result.named_by_destination.items():
        if code and code in breakdown and count > breakdown[code]:
            result.warnings.append(
                _("%(count)d people are named as taken to %(code)s, more than the %(reported)d reported.")
                % {"count": count, "code": code, "reported": breakdown[code]}
            )
        elif code and breakdown and code not in breakdown:
            result.warnings.append(
                _("%(count)d named people were taken to %(code)s, which is not in the reported breakdown.")
                % {"count": count, "code": code}
            )
    return result


def deals_with_counts(queryset=None):
    """Deals with `reported_count` (sum over their events) and `named_count` (people freed under them)."""
    queryset = SanctionsDeal.objects.all() if queryset is None else queryset
    reported = (
        ReleaseEvent.objects.filter(deal=OuterRef("pk"))
        .order_by()
        .values("deal")
        .annotate(total=Sum("reported_count"))
        .values("total")
    )
    named = (
        Release.objects.filter(event__deal=OuterRef("pk"), outcome__in=FREED_OUTCOMES)
        .order_by()
        .values("event__deal")
        .annotate(total=Count("id"))
        .values("total")
    )
    return queryset.annotate(
        reported_count=Subquery(reported, output_field=IntegerField()),
        named_count=Coalesce(Subquery(named, output_field=IntegerField()), 0),
    )


def destinations_with_counts(queryset=None):
    """Destinations with `reported_count` (sum of the events' breakdowns) and `named_count` (named freed there)."""
    queryset = Destination.objects.all() if queryset is None else queryset
    reported = (
        EventDestination.objects.filter(destination=OuterRef("pk"))
        .order_by()
        .values("destination")
        .annotate(total=Sum("reported_count"))
        .values("total")
    )
    return queryset.annotate(
        reported_count=Subquery(reported, output_field=IntegerField()),
        named_count=Count("releases", filter=Q(releases__outcome__in=FREED_OUTCOMES), distinct=True),
    )
