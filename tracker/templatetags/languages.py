"""The language switcher, hreflang alternates and the note on texts not yet translated (docs/i18n.md)."""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info, override
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """This very page (same record, same filters) in every language: code, own name, URL, absolute URL.

    A "not found" page (Django's 404 view puts `request_path` in its context) links each language's
    overview instead and is no alternate of anything: it never repeats the address that was asked for
    (a withheld or draft record's slug stays unsaid).
    """
    request = context.get("request")
    if request is None:  # the bare 500 page has no request
        return []
    current = get_language()
    not_found = "request_path" in context
    path = request.get_full_path()
    links = []
    for code, _english_name in settings.LANGUAGES:
        if not_found:
            with override(code):
                url = reverse("dashboard")
        else:
            url = translate_url(path, code)
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"].capitalize(),  # each language named in itself
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "current": code == current,
                "alternate": not not_found,
            }
        )
    return links


@register.filter
def falls_back(record, field) -> bool:
    """True where `record.<field>` has no text in the reader's language, so the English text shows."""
    language = get_language()
    if language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
        return False
    return not getattr(record, f"{field}_{language}", None) and bool(getattr(record, f"{field}_en", None))


@register.simple_tag
def untranslated_note(record, field):
    """A visible note next to a text shown in English because it has no translation yet."""
    if not falls_back(record, field):
        return ""
    return format_html('<span class="untranslated-note">{}</span>', _("Not yet translated; shown in English."))
