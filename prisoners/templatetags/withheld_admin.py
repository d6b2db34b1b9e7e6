"""Admin templates: a log entry's record name as the reader may see it (prisoners.admin_visibility)."""

from django import template

from prisoners.admin_visibility import log_entry_repr

register = template.Library()


@register.filter
def shown_repr(entry, user):
    return log_entry_repr(entry, user)
