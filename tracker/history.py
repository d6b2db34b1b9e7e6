"""Change history for writes from every door: requests, commands and tasks.

django-simple-history takes the user from the current request; commands and tasks have none,
so they run inside `acting_as(user)`, which gives simple-history the same thread-local context.
"""

from contextlib import contextmanager
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from simple_history.models import HistoricalRecords

SYSTEM_USERNAME = "system"


def system_user():
    """The account that commands and tasks write as when no person is named."""
    user, created = get_user_model().objects.get_or_create(username=SYSTEM_USERNAME, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@contextmanager
def acting_as(user):
    """Attribute every history record written inside the block to `user`."""
    previous = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield user
    finally:
        if previous is None:
            del HistoricalRecords.context.request
        else:
            HistoricalRecords.context.request = previous
