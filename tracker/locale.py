"""Which language a request is answered in (docs/i18n.md).

Pages carry their language in the path (/be/, /ru/, /uk/; no prefix is English), so a link always
opens in the language it was shared in. A reader whose first visit lands on an unprefixed page
while their browser asks for Belarusian, Russian or Ukrainian is sent to that language's page once;
after that the path alone decides, so the switcher's English links stay English. The API (no
prefix) answers labels and error messages in the Accept-Language language, tokens unchanged; the
admin follows the reader's last page language, else Accept-Language.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import get_script_prefix, is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real

API_PREFIX = "/api/"
ADMIN_PREFIX = "/admin/"
UNPREFIXED = (API_PREFIX, ADMIN_PREFIX, "/health/", "/static/", "/media/")


def accept_language(request) -> str | None:
    """The first language of the Accept-Language header this site speaks, or None."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in trans_real.parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def _is_page(path: str) -> bool:
    return not path.startswith(UNPREFIXED)


class ReaderLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        path = request.path_info
        if path.startswith(API_PREFIX):
            language = accept_language(request) or settings.LANGUAGE_CODE
        elif path.startswith(ADMIN_PREFIX):
            language = translation.get_language_from_request(request, check_path=False)
        else:
            return super().process_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_view(self, request, view_func, view_args, view_kwargs):
        """First visit to an English (unprefixed) page by a browser asking for another language."""
        if request.method not in ("GET", "HEAD") or not _is_page(request.path_info):
            return None
        if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
            return None
        if translation.get_language_from_path(request.path_info):
            return None
        wanted = accept_language(request)
        if not wanted or wanted == settings.LANGUAGE_CODE:
            return None
        target = f"/{wanted}{request.path_info}"
        urlconf = getattr(request, "urlconf", None)
        with translation.override(wanted):  # the /be/ prefix resolves only in Belarusian
            if not is_valid_path(target, urlconf):
                return None
        query = request.META.get("QUERY_STRING", "")
        location = get_script_prefix().rstrip("/") + target + (f"?{query}" if query else "")
        response = HttpResponseRedirect(location)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if _is_page(request.path_info) and response.status_code == 200:
            language = translation.get_language()
            if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
                # Remembers the reader's page language: the next visit is no longer a first visit.
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                )
            patch_vary_headers(response, ("Cookie",))
        return response
