"""One source list per page, with numbered references next to every figure and fact.

`{% refs sources %}` gives the sources their numbers on this page (first cited, first numbered) and shows
them as [1][2], the rest behind "+N more" (a <details>, no script). `{% page_sources extra %}` then lists
every source cited on the page once, by headline, outlet, date and kind, with the archived copy.
Only sources the reader may see are shown (`prisoners.visibility.shown_sources`, fail-closed).
"""

import re
from urllib.parse import unquote, urlsplit

from django import template
from django.template.loader import render_to_string

from prisoners.visibility import shown_reported_values, shown_sources, shown_value_source

register = template.Library()

SHOWN_REFS = 3  # references shown before "+N more"


def _registry(context):
    holder = context.get("request") or context
    registry = getattr(holder, "_source_refs", None)
    if registry is None:
        registry = {"order": [], "numbers": {}}
        holder._source_refs = registry
    return registry


def _number(registry, source):
    if source.pk not in registry["numbers"]:
        registry["order"].append(source)
        registry["numbers"][source.pk] = len(registry["order"])
    return registry["numbers"][source.pk]


@register.simple_tag(takes_context=True)
def refs(context, sources):
    """[1][2][3] +N more: links to the page's source list."""
    sources = shown_sources(sources or ())
    if not sources:
        return ""
    registry = _registry(context)
    numbered = [(_number(registry, source), source) for source in sources]
    return render_to_string(
        "pages/includes/refs.html",
        {"shown": numbered[:SHOWN_REFS], "more": numbered[SHOWN_REFS:], "more_count": len(numbered[SHOWN_REFS:])},
    )


@register.simple_tag(takes_context=True)
def page_sources(context, extra=None):
    """The page's one numbered list of sources (the cited ones, then `extra` not cited next to a figure)."""
    registry = _registry(context)
    for source in shown_sources(extra or ()):
        _number(registry, source)
    return render_to_string(
        "pages/includes/page_sources.html",
        {"sources": [(index, source) for index, source in enumerate(registry["order"], start=1)]},
        request=context.get("request"),
    )


@register.filter
def by_field(values):
    """Reported values grouped as a reader weighs them: per field, each distinct value once, with who reported it,
    its note (once) and all the sources that give it. Only the values the reader may see (fail-closed)."""
    fields = {}
    for item in shown_reported_values(values or ()):
        versions = fields.setdefault(item.field, {})
        version = versions.setdefault(item.value, {"value": item.value, "reported_by": [], "notes": [], "sources": []})
        if item.reported_by and item.reported_by not in version["reported_by"]:
            version["reported_by"].append(item.reported_by)
        if item.note and item.note not in version["notes"]:
            version["notes"].append(item.note)
        version["sources"].append(shown_value_source(item))
    return [{"field": field, "versions": list(versions.values())} for field, versions in fields.items()]


@register.filter
def address_label(link):
    """A readable label for an address without a recorded headline: the words of its last path segment
    ("belarus-frees-123-prisoners" -> "Belarus frees 123 prisoners"), else the address without its scheme."""
    path = urlsplit(link).path.rstrip("/")
    for segment in reversed(path.split("/")):
        words = [word for word in re.split(r"[-_+,]", unquote(segment).rsplit(".", 1)[0]) if word]
        while words and words[0].isdigit() and len(words[0]) > 4:
            words = words[1:]  # an article number before the headline's words
        if len(words) >= 3 and sum(word.isalpha() for word in words) >= 3:
            return " ".join(words).capitalize()
    return link.split("://", 1)[-1][:80]
