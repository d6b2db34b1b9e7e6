"""Small builders that write through the service layer, so tests exercise the real rules."""

import itertools
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from prisoners import services as prisoner_services
from prisoners.models import Source
from releases import services as release_services

_counter = itertools.count(1)


def source(link=None, **fields):
    link = link or f"https://example.org/synthetic/{next(_counter)}"
    obj, _created = Source.objects.get_or_create(link=link, defaults=fields)
    return obj


def prisoner(full_name=None, **fields):
    return prisoner_services.create_prisoner(full_name=full_name or f"Synthetic Person {next(_counter)}", **fields)


def detention(prisoner, detained_on=date(2021, 1, 1), **fields):
    return prisoner_services.add_detention(prisoner=prisoner, detained_on=detained_on, **fields)


def event(title=None, date=date(2025, 12, 13), **fields):
    fields.setdefault("releasing_countries", ["BY"])
    return release_services.create_release_event(
        title=title or f"Synthetic event {next(_counter)}", date=date, **fields
    )


def release(prisoner, event=None, **fields):
    return release_services.record_release(prisoner=prisoner, event=event, **fields)


def deal(title=None, **fields):
    return release_services.create_deal(title=title or f"Synthetic deal {next(_counter)}", **fields)


def user(username=None, perms=(), superuser=False, **fields):
    """A user with the given permissions, as 'app_label.codename' strings."""
    username = username or f"user{next(_counter)}"
    model = get_user_model()
    if superuser:
        return model.objects.create_superuser(username=username, password="pw", **fields)
    account = model.objects.create_user(username=username, password="pw", **fields)
    for perm in perms:
        app_label, codename = perm.split(".")
        account.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return model.objects.get(pk=account.pk)
