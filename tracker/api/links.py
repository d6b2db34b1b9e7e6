"""Links in API rows built from plain values: one `reverse` per kind of link and page, not one per row.

The path of each kind of link (with a stand-in value) is reversed once per URLconf, script prefix and format, and
kept; each request makes it absolute as DRF's `reverse` does (`request.build_absolute_uri`, then the `?format=`
override kept). With a versioning scheme on the request, DRF's `reverse` is called each time, as before.
"""

from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from rest_framework.reverse import preserve_builtin_query_params, reverse

_PLACEHOLDER = {"pk": "0", "slug": "zzslugzz", "country": "ZZ"}
_PATHS = {}  # (view name, kwarg, format, URLconf, script prefix) -> the path with the stand-in
_MAX_PATHS = 1024


def _path(view_name, kwarg, format):
    key = (view_name, kwarg, format, get_urlconf(), get_script_prefix())
    path = _PATHS.get(key)
    if path is None:
        kwargs = {kwarg: _PLACEHOLDER[kwarg]}
        if format is not None:
            kwargs["format"] = format
        if len(_PATHS) >= _MAX_PATHS:
            _PATHS.clear()
        path = _PATHS[key] = django_reverse(view_name, kwargs=kwargs)
    return path


def url_maker(request, view_name, kwarg="pk", format=None):
    """A function value -> the absolute URL `HyperlinkedIdentityField` gives for it."""
    placeholder = _PLACEHOLDER[kwarg]
    if getattr(request, "versioning_scheme", None) is not None:
        url = reverse(view_name, kwargs={kwarg: placeholder}, request=request, format=format)
    else:
        url = preserve_builtin_query_params(request.build_absolute_uri(_path(view_name, kwarg, format)), request)
    head, _mark, tail = url.rpartition(f"/{placeholder}")
    return lambda value: f"{head}/{value}{tail}"
