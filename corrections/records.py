"""Which public records a reader may report on, found the way their pages find them (`prisoners.visibility`)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404

from prisoners.models import Prisoner
from prisoners.visibility import can_view_withheld, display_name, nameable_prisoners, visible_events, visible_prisoners
from releases.models import Destination, ReleaseEvent, SanctionsDeal

# kind in the address -> the model; the key is the record's address key (pk, slug or country code).
KINDS = {
    "person": Prisoner,
    "event": ReleaseEvent,
    "deal": SanctionsDeal,
    "destination": Destination,
}


def record_for(user, kind, key):
    """The record as the reader may see it on its page, or 404 (a private person, a draft: as if missing)."""
    try:
        if kind == "person":
            return visible_prisoners(user).get(pk=int(key))
        if kind == "event":
            return visible_events(user).get(slug=key)
        if kind == "deal":
            return SanctionsDeal.objects.get(slug=key)
        if kind == "destination":
            return Destination.objects.get(country=str(key).upper())
    except (ValueError, Prisoner.DoesNotExist, ReleaseEvent.DoesNotExist, SanctionsDeal.DoesNotExist):
        raise Http404 from None
    except Destination.DoesNotExist:
        raise Http404 from None
    raise Http404


def record_label(user, record):
    """How a record is named to this reader: a withheld person is "Name withheld"."""
    if isinstance(record, Prisoner):
        return display_name(user, record)
    return str(record)


def readable_record_ids(user, content_type_id, ids):
    """Of these record ids (one content type), those the reader may read about in full (named, published)."""
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is Prisoner:
        return set(nameable_prisoners(user, Prisoner.objects.filter(pk__in=ids)).values_list("pk", flat=True))
    if model is ReleaseEvent:
        return set(visible_events(user, ReleaseEvent.objects.filter(pk__in=ids)).values_list("pk", flat=True))
    return set(ids)


def reports_for(user, queryset):
    """Reports (or corrections) a staff member may read: none about a person whose name is withheld from them."""
    if can_view_withheld(user):
        return queryset
    person = ContentType.objects.get_for_model(Prisoner)
    return queryset.exclude(Q(content_type=person) & ~Q(object_id__in=nameable_prisoners(user).values("pk")))
