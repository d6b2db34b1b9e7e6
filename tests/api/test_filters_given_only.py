"""Cleaning only the filters a request gives (`tracker.filters.FilterSet.clean_given_only`) gives exactly what the
whole form gives: the same cleaned values for every filter and the same errors, for every FilterSet of the API and
for good, bad and hostile values of each of its filters, alone and together."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.test import RequestFactory

from tracker.filters import FilterSet

pytestmark = pytest.mark.django_db


def _filtersets():
    import people.filtersets  # noqa: F401  (every FilterSet of the project registers as a subclass)
    import prisoners.filtersets  # noqa: F401
    import releases.filtersets  # noqa: F401

    found, pending = [], list(FilterSet.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(found, key=lambda cls: cls.__name__)


VALUES = [
    "",
    " ",
    "x",
    "true",
    "false",
    "1",
    "0",
    "-5",
    "99999999999999999999999",
    "2025-12-13",
    "2025-13-01",
    "13.12.2025",
    "BY",
    "by",
    "Belarus",
    "Atlantis",
    "released",
    "freed",
    "confirmed",
    "male",
    "anonymized",
    "id",
    "-id",
    "name,-id",
    "date",
    "nope,id",
    "scene-event",
    "scene-deal",
    "no-such-slug",
    "US",
    "EU",
    "%_",
    "Алесь",
    "' OR 1=1 --",
    "\x00",
]


def _errors(filterset):
    return {name: [(e.message, e.code, e.params) for e in errs.as_data()] for name, errs in filterset.errors.items()}


def _compare(cls, data, request):
    full = cls(data=data, queryset=cls._meta.model.objects.all(), request=request)
    given = cls(data=data, queryset=cls._meta.model.objects.all(), request=request)
    given.clean_given_only()
    assert hasattr(given, "_form") and not hasattr(given._form, "fields"), "the light path was not taken"
    assert given.is_valid() is full.is_valid(), (cls.__name__, dict(data))
    assert _errors(given) == _errors(full), (cls.__name__, dict(data))
    assert given.form.cleaned_data == full.form.cleaned_data, (cls.__name__, dict(data))
    return full.is_valid()


def test_each_filter_alone_cleans_as_the_whole_form(build):
    build.event("Scene event", slug="scene-event", date=date(2025, 12, 13))
    build.deal("Scene deal", slug="scene-deal")
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    outcomes = set()
    for cls in _filtersets():
        for name in cls.base_filters:
            for value in VALUES:
                outcomes.add(_compare(cls, QueryDict(mutable=True) | {name: value}, request))
    assert outcomes == {True, False}  # good and bad values both met


def test_filters_together_and_unknown_parameters_clean_as_the_whole_form(build):
    build.event("Scene event", slug="scene-event", date=date(2025, 12, 13))
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    for cls in _filtersets():
        names = list(cls.base_filters)
        for start in range(len(names)):
            together = {names[(start + k) % len(names)]: VALUES[(start * 7 + k * 3) % len(VALUES)] for k in range(4)}
            _compare(cls, QueryDict(mutable=True) | together | {"page": "2", "unknown": "x"}, request)
        repeated = QueryDict(mutable=True)
        repeated.setlist(names[0], ["a", "b"])  # a parameter given twice: the last value, as the form reads it
        _compare(cls, repeated, request)
