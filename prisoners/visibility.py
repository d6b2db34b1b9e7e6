"""Who sees what: the one place that decides which people a reader may see, and how."""

from django.utils.translation import gettext_lazy as _

from prisoners.models import Prisoner, Visibility

WITHHELD_NAME = _("Name withheld")
VIEW_WITHHELD_PERMISSION = "prisoners.view_withheld"


def can_view_withheld(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(VIEW_WITHHELD_PERMISSION))


def visible_prisoners(user, queryset=None):
    """People the reader may see at all: private records are absent for the public."""
    queryset = Prisoner.objects.all() if queryset is None else queryset
    if can_view_withheld(user):
        return queryset
    return queryset.exclude(visibility=Visibility.PRIVATE)


def nameable_prisoners(user, queryset=None):
    """People whose names (and other identifying fields) the reader may see and search."""
    queryset = Prisoner.objects.all() if queryset is None else queryset
    if can_view_withheld(user):
        return queryset
    return queryset.filter(visibility=Visibility.PUBLIC)


def is_withheld_for(user, prisoner) -> bool:
    return prisoner.visibility != Visibility.PUBLIC and not can_view_withheld(user)


def display_name(user, prisoner) -> str:
    return str(WITHHELD_NAME) if is_withheld_for(user, prisoner) else prisoner.full_name
