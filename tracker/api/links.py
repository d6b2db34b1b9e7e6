"""Links in API rows built from plain values: one `reverse` per kind of link and page, not one per row."""

from rest_framework.reverse import reverse

_PLACEHOLDER = {"pk": "0", "slug": "zzslugzz", "country": "ZZ"}


def url_maker(request, view_name, kwarg="pk", format=None):
    """A function value -> the absolute URL `HyperlinkedIdentityField` gives for it."""
    placeholder = _PLACEHOLDER[kwarg]
    url = reverse(view_name, kwargs={kwarg: placeholder}, request=request, format=format)
    head, _mark, tail = url.rpartition(f"/{placeholder}")
    return lambda value: f"{head}/{value}{tail}"
