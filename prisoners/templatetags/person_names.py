"""A person's name as the reader may see it, in the reader's script: `{% person_name prisoner %}`.

Visibility is asked first (prisoners.visibility): a withheld person is "Name withheld" in the
reader's language and nothing else. Only a visible name is given its Cyrillic form
(prisoners.scripts) on Belarusian, Russian and Ukrainian pages, with the Latin form beside it.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from prisoners.scripts import script_name
from prisoners.visibility import display_name, is_withheld_for

register = template.Library()


def _reader(context):
    request = context.get("request")
    return getattr(request, "user", None)


def reader_name_parts(user, prisoner, language=None) -> tuple[str, str, str]:
    """(name to show, its language or "", Latin form beside it or ""); withheld names go before any choice."""
    if is_withheld_for(user, prisoner):
        return display_name(user, prisoner), "", ""
    latin = display_name(user, prisoner)
    cyrillic, cyrillic_language = script_name(prisoner, language or get_language())
    return (cyrillic, cyrillic_language, latin) if cyrillic else (latin, "", "")


@register.simple_tag(takes_context=True)
def person_name(context, prisoner, plain=False):
    """HTML: "Алесь Бяляцкі (Ales Bialiatski)" on a Cyrillic page; `plain=True` for <title> and meta."""
    shown, shown_language, latin = reader_name_parts(_reader(context), prisoner)
    if plain:
        return f"{shown} ({latin})" if latin else shown
    if not latin:
        return shown
    language = shown_language or get_language()
    html = '<span lang="{}">{}</span> <span class="latin-name" lang="en">({})</span>'
    return format_html(html, language, shown, latin)
