"""Token authentication that locks out an address after repeated invalid tokens.

A wrong token names no account, so the count is per client address (tracker.client_ip), with the
login lockout's limit and cool-off (LOGIN_FAILURE_LIMIT, LOGIN_LOCKOUT_HOURS). A locked address
gets 429 with Retry-After, even for a valid token, until the cool-off ends.
"""

from django.conf import settings
from django.core.cache import cache
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled

from tracker.client_ip import client_ip
from tracker.security_log import log_event


def _cooloff_seconds():
    return int(float(settings.AXES_COOLOFF_TIME) * 3600)


class LockoutTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None  # no token offered: nothing to count or refuse
        key = f"token-failures:{client_ip(request)}"
        limit = settings.AXES_FAILURE_LIMIT
        if (cache.get(key) or 0) >= limit:
            raise Throttled(
                wait=_cooloff_seconds(),
                detail="Too many invalid API tokens from this address; it is locked out for a while.",
            )
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            cache.add(key, 0, _cooloff_seconds())
            try:
                failures = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, _cooloff_seconds())
                failures = 1
            log_event("token-failed", request._request, failures=failures)
            raise
