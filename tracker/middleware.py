"""Middleware of the project: two-factor enforcement, the page throttle, the security headers, and an API answer
let go of as soon as it is sent.

PageThrottleMiddleware limits how fast one client (tracker.client_ip) may fetch the HTML pages and
feeds (PAGE_THROTTLE_RATE, e.g. "120/minute"; empty: off). The API has its own throttles (DRF);
static files, /health/ and signed-in staff are not counted. Counts live in the cache, which
falls back to a per-process cache while Redis is down.
"""

import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse

from tracker.cache import count_and_get_many
from tracker.client_ip import client_ip
from tracker.read_cache import cached_page_keys, remember_prefetched

NOT_THROTTLED = ("/api/", "/static/", "/media/", "/health/")
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """ "120/minute" -> (120, 60); None or "" -> None."""
    if not rate:
        return None
    count, _slash, period = str(rate).partition("/")
    return int(count), PERIODS[period.strip()[0]]


class TwoFactorMiddleware:
    """A signed-in user who must use two-factor (TWO_FACTOR_REQUIRED) but has not is anonymous everywhere
    except the admin's login and logout and the enrolment page: a password alone never shows a withheld
    name, on a page, in the admin or through the API's session auth. (API tokens are their own credential.)"""

    OPEN = ("/admin/login/", "/admin/logout/", "/account/two-factor/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(settings, "TWO_FACTOR_REQUIRED", False) and not request.path.startswith(self.OPEN):
            from tracker.two_factor import two_factor_satisfied

            if not two_factor_satisfied(request):
                request.user = AnonymousUser()
        return self.get_response(request)


class PageThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limited = self.too_many(request)
        if limited is not None:
            return limited
        return self.get_response(request)

    def too_many(self, request):
        rate = parse_rate(getattr(settings, "PAGE_THROTTLE_RATE", None))
        if rate is None or request.path.startswith(NOT_THROTTLED):
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return None
        limit, period = rate
        now = time.time()
        window = int(now // period)
        key = f"page-throttle:{client_ip(request)}:{window}"
        # The read cache's keys for this request come in the same trip as the count (a cached page: one trip).
        wanted = cached_page_keys(request)
        (count,), found = count_and_get_many(cache, [(key, period)], wanted or ())
        if wanted:
            remember_prefetched(request, wanted, found)
        if count <= limit:
            return None
        wait = max(1, int((window + 1) * period - now))
        response = HttpResponse(
            "Too many requests from your address; please wait a moment and try again.\n",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(wait)
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy (the site's own assets only) and Permissions-Policy on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", content_security_policy())
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), xr-spatial-tracking=()"
)


def content_security_policy():
    from tracker.csp import style_attribute_hashes

    styles = " ".join(f"'{digest}'" for digest in style_attribute_hashes())
    style_src = f"style-src 'self' 'unsafe-hashes' {styles}" if styles else "style-src 'self'"
    return (
        "default-src 'self'; script-src 'self'; "
        f"{style_src}; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


class ReleaseRenderedMiddleware:
    """Break the reference cycles DRF leaves around a rendered response, so the page's rows are freed the moment
    the response is, not by the garbage collector.

    A DRF response keeps itself in its renderer context (`context["response"] = self`, when rendered) and the view
    keeps the response (`view.response`) while the context keeps the view: two cycles holding the whole page's
    data (a list of 50 people: ~550 objects). Python frees cycles only in a collection, which then fell on one
    request in ten or twenty and took ~1 ms of it (the lists' 95th percentile). Once rendered, neither reference
    is needed. Innermost in MIDDLEWARE: it sees the response as the view made it, rendered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        context = getattr(response, "renderer_context", None)
        if context is not None and getattr(response, "is_rendered", False):
            context.pop("response", None)
            view = context.get("view")
            if getattr(view, "response", None) is response:
                view.response = None
        return response
