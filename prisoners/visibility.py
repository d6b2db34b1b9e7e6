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


# Most restrictive first.
_VISIBILITY_RANK = {Visibility.PRIVATE: 0, Visibility.ANONYMIZED: 1, Visibility.PUBLIC: 2}


def may_change_visibility(user, old, new) -> bool:
    """Whether `user` may change a record's visibility from `old` to `new`.

    Making a record more visible (private -> anonymized/public, anonymized -> public) needs the
    permission to see withheld records; `user` None is the system (commands, tasks), which may.
    """
    if _VISIBILITY_RANK.get(new, 0) <= _VISIBILITY_RANK.get(old, 0):
        return True
    return user is None or can_view_withheld(user)
