"""The API's throttles, one rate per door (settings: ANON_, USER_, IMPORT_THROTTLE_RATE).

Every throttle counts the real client (tracker.client_ip: X-Forwarded-For only as far as NUM_PROXIES
trusted proxies vouch for it), so a forged header is not a new client.

`ReaderThrottle` is DRF's AnonRateThrottle and UserRateThrottle in one: an anonymous reader counts per address
under the `anon` rate and the `user` rate, a signed-in one per account under `user`. DRF's throttles each read
and wrote a list of timestamps (four trips to Redis a request, and a list of up to 1,200 floats pickled each
way); these count in fixed windows, all of a request's counters in one trip (`tracker.cache.count_many_in_window`,
as the page throttle does): a client may get up to twice its rate across the boundary of two windows. A refused
request is a 429 with Retry-After, the seconds left in the window.
"""

import time

from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from tracker.cache import count_many_in_window
from tracker.client_ip import client_ip


class ClientIdentMixin:
    def get_ident(self, request):
        return client_ip(request)


class ReaderThrottle(ClientIdentMixin, SimpleRateThrottle):
    """Readers and writers of the API: anonymous ones per address (`anon` and `user` rates), others per account."""

    cache_format = "throttle:%(scope)s:%(ident)s:%(window)s"

    def __init__(self):  # the rates are looked up per request (each scope has its own)
        self.wait_seconds = None

    def counters(self, request):
        user = request.user
        if user and user.is_authenticated:
            return [("user", user.pk)]
        ident = self.get_ident(request)
        return [("anon", ident), ("user", ident)]

    def allow_request(self, request, view):
        now = time.time()
        windows = []
        for scope, ident in self.counters(request):
            limit, period = self.parse_rate(self.THROTTLE_RATES.get(scope))
            if limit is None:
                continue
            window = int(now // period)
            key = self.cache_format % {"scope": scope, "ident": ident, "window": window}
            windows.append((key, period, limit, (window + 1) * period - now))
        if not windows:
            return True
        counts = count_many_in_window(cache, [(key, period) for key, period, _limit, _left in windows])
        waits = [left for (_key, _period, limit, left), count in zip(windows, counts, strict=True) if count > limit]
        self.wait_seconds = max(1, max(waits)) if waits else None
        return not waits

    def wait(self):
        return self.wait_seconds


class ImportUploadThrottle(ClientIdentMixin, SimpleRateThrottle):
    """Import uploads, per account: each stores a file and starts a job."""

    scope = "imports"

    def get_cache_key(self, request, view):
        if request.method != "POST":
            return None
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
