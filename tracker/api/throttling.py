"""The API's throttles, one rate per door (settings: ANON_, USER_, IMPORT_THROTTLE_RATE).

Every throttle counts the real client (tracker.client_ip: X-Forwarded-For only as far as NUM_PROXIES
trusted proxies vouch for it), so a forged header is not a new client.
"""

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from tracker.client_ip import client_ip


class ClientIdentMixin:
    def get_ident(self, request):
        return client_ip(request)


class AnonThrottle(ClientIdentMixin, AnonRateThrottle):
    """Anonymous readers, per address."""


class UserThrottle(ClientIdentMixin, UserRateThrottle):
    """Signed-in users (token or session), per account."""


class ImportUploadThrottle(ClientIdentMixin, SimpleRateThrottle):
    """Import uploads, per account: each stores a file and starts a job."""

    scope = "imports"

    def get_cache_key(self, request, view):
        if request.method != "POST":
            return None
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
