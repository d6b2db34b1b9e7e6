"""Who is asking: the one rule for the client's address, shared by the throttles and the login lockout.

Behind NUM_PROXIES trusted reverse proxies, the client is the address the outermost trusted proxy
appended to X-Forwarded-For (read from the right); anything to its left was written by the client
and is ignored. With NUM_PROXIES = 0 (no proxy) the header is ignored and REMOTE_ADDR counts.
"""

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return remote


def axes_client_ip(request, *args, **kwargs) -> str:
    """AXES_CLIENT_IP_CALLABLE: django-axes locks out the same address the throttles count."""
    return client_ip(request)
