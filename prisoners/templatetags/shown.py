"""`{{ sources|shown }}`: only the sources the reader may see (asks prisoners.visibility; fail-closed)."""

from django import template

from prisoners.visibility import shown_sources

register = template.Library()


@register.filter
def shown(sources):
    """Only the sources the reader may see."""
    return shown_sources(sources or ())
