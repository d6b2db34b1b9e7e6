"""A filter's record named by its slug (`?release_event=`, `?deal=`) is read with SQL compiled once
(`tracker.filters.SlugChoiceField`): the same record, field for field, as Django's `queryset.get()`, and the same
errors; drafts stay unknown to the public's filters; another queryset gets its own SQL."""

from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.forms.models import model_to_dict

from people.filtersets import PrisonerFilterSet
from prisoners.visibility import published
from releases.filtersets import ReleaseFilterSet
from releases.models import ReleaseEvent, SanctionsDeal
from tracker.filters import SlugChoiceField

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"


def _fields(record):
    return {field.attname: getattr(record, field.attname) for field in type(record)._meta.concrete_fields}


@pytest.fixture
def records(build):
    editor = build.user(perms=["releases.add_releaseevent"])
    deal = build.deal("Slug deal", slug="slug-deal")
    event = build.event(
        "Slug event", slug="slug-event", date=date(2025, 12, 13), deal=deal, releasing_countries=["BY", "RU"]
    )
    ReleaseEvent.objects.filter(pk=event.pk).update(title_be="Вызваленне", envoy="John Coale")
    draft = build.event("Draft slug event", slug="draft-slug-event", actor=editor)
    return {"event": ReleaseEvent.objects.get(pk=event.pk), "draft": draft, "deal": deal}


@pytest.mark.parametrize(
    ("filterset", "name"),
    [(ReleaseFilterSet, "release_event"), (ReleaseFilterSet, "deal"), (PrisonerFilterSet, "release_event")],
)
def test_the_record_is_djangos_field_for_field(records, filterset, name):
    field = filterset.base_filters[name].field
    assert isinstance(field, SlugChoiceField)
    slug, model = ("slug-deal", SanctionsDeal) if name == "deal" else ("slug-event", ReleaseEvent)
    for _round in range(2):  # compiled, then run as compiled
        record = field.clean(slug)
        reference = forms.ModelChoiceField.to_python(field, slug)
        assert type(record) is model and _fields(record) == _fields(reference)
        assert model_to_dict(record) == model_to_dict(reference)
        assert str(record) == str(reference)
    assert (field.__dict__.get("_slug_lookup") is not None) is POSTGRES


@pytest.mark.parametrize("value", ["no-such-slug", "draft-slug-event", "Slug-Event", " ", "a\x00b", "%", "' OR 1=1"])
def test_an_unknown_slug_is_the_same_error(records, value):
    field = ReleaseFilterSet.base_filters["release_event"].field
    field.clean("slug-event")  # compiled first
    errors = []
    for clean in (field.clean, lambda v: forms.ModelChoiceField.clean(field, v)):
        try:
            clean(value)
        except ValidationError as error:
            errors.append([(e.message, e.code, e.params) for e in error.error_list])
        else:
            errors.append(None)
    assert errors[0] == errors[1]
    assert errors[0] is not None or value == " "  # " " is empty: no record, no error


def test_another_queryset_gets_its_own_sql(records):
    field = ReleaseFilterSet.base_filters["release_event"].field
    copied = SlugChoiceField(queryset=published(ReleaseEvent.objects.all()), to_field_name="slug")
    copied.clean("slug-event")
    with pytest.raises(ValidationError):
        copied.clean("draft-slug-event")
    copied.queryset = ReleaseEvent.objects.all()  # drafts included now
    assert copied.clean("draft-slug-event") == records["draft"]
    assert field.clean("slug-event") == records["event"]
