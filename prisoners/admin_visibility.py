"""Admin for staff without `prisoners.view_withheld`: withheld people and what names them are absent.

Which people are withheld is `prisoners.visibility`'s answer (`nameable_prisoners`); this module only
applies it to admin querysets, history pages, the recent-actions list and the labels of source pickers.
"""

from django.contrib.admin.utils import unquote
from django.http import Http404

from prisoners.models import Prisoner, ReportedValue, Source
from prisoners.visibility import (
    can_view_withheld,
    is_withheld_for,
    nameable_prisoners,
    source_label,
    visible_reported_values,
    withheld_name,
)


def withheld_prisoners(user):
    """People whose names `user` may not see (none for a user with the permission)."""
    return Prisoner.objects.exclude(pk__in=nameable_prisoners(user).values("pk"))


def person_named_by(obj):
    """The person a record names: the person itself, the person of a release or detention, or of a
    reported value's record; None when it names no one."""
    if obj is None:
        return None
    if isinstance(obj, Prisoner):
        return obj
    if isinstance(obj, ReportedValue):
        model = obj.content_type.model_class()
        return person_named_by(model._default_manager.filter(pk=obj.object_id).first()) if model else None
    if getattr(obj, "prisoner_id", None) is not None:
        return obj.prisoner
    return None


# Models whose rows name a person, whether or not the row still exists.
NAMING_MODELS = {"prisoner", "detention", "release", "namevariant", "externalid", "reportedvalue"}


def log_entry_repr(entry, user):
    """What the recent-actions list may show of a log entry: the record's name, or "Name withheld"."""
    if can_view_withheld(user) or entry.content_type is None or entry.content_type.model not in NAMING_MODELS:
        return entry.object_repr
    try:
        obj = entry.get_edited_object()
    except Exception:  # deleted since: whom it named can no longer be told
        return withheld_name()
    person = person_named_by(obj)
    if person is not None and is_withheld_for(user, person):
        return withheld_name()
    return entry.object_repr


class HidesWithheldAdminMixin:
    """Leave out the rows that name a withheld person; `withheld_person_path` leads from a row to its person
    ("" for people themselves, "prisoner" for releases...)."""

    withheld_person_path = None

    def get_queryset(self, request):
        return self.hide_withheld(request, super().get_queryset(request))

    def hide_withheld(self, request, queryset):
        if self.withheld_person_path is None or can_view_withheld(request.user):
            return queryset
        if self.withheld_person_path == "":
            return nameable_prisoners(request.user, queryset)
        return queryset.filter(**{f"{self.withheld_person_path}__in": nameable_prisoners(request.user)})

    def _refuse_hidden(self, request, object_id):
        # History pages fall back to the stored versions of a row the queryset leaves out: not for these rows.
        if (
            not can_view_withheld(request.user)
            and not self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        ):
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._refuse_hidden(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._refuse_hidden(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def hide_values_about_withheld(user, queryset):
    """Reported values leave out those about a withheld person (or their records) and those citing hidden sources."""
    return visible_reported_values(user, queryset)


def with_source_labels(form_class, user):
    """`form_class` whose source fields (pickers of sources, single or many) label each source as
    `prisoners.visibility.source_label` says: a hidden source already attached stays chosen, untitled."""
    if can_view_withheld(user):
        return form_class

    class SourceLabelledForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            label = source_label(user)
            for field in self.fields.values():
                queryset = getattr(field, "queryset", None)
                if queryset is not None and queryset.model is Source:
                    field.label_from_instance = label

    SourceLabelledForm.__name__ = form_class.__name__
    SourceLabelledForm.__qualname__ = form_class.__qualname__
    return SourceLabelledForm


def with_source_labelled_forms(formset_class, user):
    """`formset_class` whose rows are `with_source_labels` forms."""
    if can_view_withheld(user):
        return formset_class
    return type(formset_class.__name__, (formset_class,), {"form": with_source_labels(formset_class.form, user)})
