"""`manage.py ensure_admin` (run by `make run`) gives a way into the admin, never a default in production."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db


def run(monkeypatch, **env):
    for name in ("ADMIN_USERNAME", "ADMIN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = StringIO()
    call_command("ensure_admin", "--url", "http://127.0.0.1:8000/admin/", stdout=out)
    return out.getvalue()


@override_settings(DEBUG=True)
def test_a_local_run_gets_admin_admin(monkeypatch):
    out = run(monkeypatch)
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password("admin")
    assert "http://127.0.0.1:8000/admin/" in out and "'admin'" in out
    run(monkeypatch)
    assert get_user_model().objects.filter(username="admin").count() == 1


@override_settings(DEBUG=False)
def test_production_creates_nothing_without_the_variables(monkeypatch):
    out = run(monkeypatch)
    assert not get_user_model().objects.exists()
    assert "ADMIN_USERNAME" in out


@override_settings(DEBUG=False)
def test_the_variables_create_and_update_the_superuser_without_printing_the_password(monkeypatch):
    run(monkeypatch, ADMIN_USERNAME="synthetic-editor", ADMIN_PASSWORD="first-Secret-1")
    out = run(monkeypatch, ADMIN_USERNAME="synthetic-editor", ADMIN_PASSWORD="second-Secret-2")
    user = get_user_model().objects.get(username="synthetic-editor")
    assert user.is_superuser and user.check_password("second-Secret-2")
    assert "second-Secret-2" not in out


def test_one_variable_without_the_other_is_an_error(monkeypatch):
    with pytest.raises(CommandError):
        run(monkeypatch, ADMIN_USERNAME="synthetic-editor")
