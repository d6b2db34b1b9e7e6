"""Staff accounts that hold: lockout per account and per address, two-factor sign-in, sessions that
expire, and a security log of sign-ins, failures and permission changes."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"


def try_password(username, password, address="203.0.113.5", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    client = Client(**extra)
    response = client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})
    return client, response


@pytest.fixture
def editor(build):
    return build.user(username="editor", is_staff=True, perms=["prisoners.view_withheld"])


def test_sixty_wrong_passwords_meet_a_lockout_with_a_clear_message(editor):
    codes = [try_password("editor", f"guess-{n}")[1].status_code for n in range(60)]

    assert codes[:4] == [200] * 4  # the form again, with its error
    assert set(codes[5:]) == {429}
    _client, response = try_password("editor", "pw")
    assert response.status_code == 429
    assert b"locked" in response.content.lower()


def test_the_account_is_locked_whatever_address_the_guesses_come_from(editor):
    for n in range(6):
        try_password("editor", f"guess-{n}", address=f"198.51.100.{n + 1}")
    _client, response = try_password("editor", "pw", address="192.0.2.200")
    assert response.status_code == 429


def test_the_address_is_locked_whatever_accounts_it_tries(build):
    build.user(username="victim", is_staff=True)
    for n in range(6):
        try_password(f"someone-{n}", "guess", address="198.51.100.99")
    _client, response = try_password("victim", "pw", address="198.51.100.99")
    assert response.status_code == 429


def test_a_forged_forwarded_for_header_does_not_make_a_new_address(build):
    build.user(username="victim", is_staff=True)
    for n in range(6):
        try_password(f"someone-{n}", "guess", forwarded=f"10.0.0.{n}")
    _client, response = try_password("victim", "pw", forwarded="10.9.9.9")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(build, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    build.user(username="victim", is_staff=True)
    for n in range(6):
        try_password(f"someone-{n}", "guess", address="10.0.0.1", forwarded="198.51.100.50")
    # Another client behind the same proxy is not locked out; the guesser is.
    assert try_password("victim", "pw", address="10.0.0.1", forwarded="198.51.100.51")[1].status_code == 302
    assert try_password("victim", "pw", address="10.0.0.1", forwarded="198.51.100.50")[1].status_code == 429


def test_fifty_wrong_api_tokens_meet_a_lockout(build):
    api = APIClient(REMOTE_ADDR="203.0.113.77")
    codes = []
    for n in range(50):
        api.credentials(HTTP_AUTHORIZATION=f"Token wrong-{n}")
        codes.append(api.get("/api/v1/prisoners/").status_code)

    assert set(codes[:5]) <= {401, 403}  # refused (403 where session auth is asked first)
    assert set(codes[5:]) == {429}
    assert "invalid API tokens" in api.get("/api/v1/prisoners/").json()["detail"]
    assert APIClient(REMOTE_ADDR="203.0.113.78").get("/api/v1/prisoners/").status_code == 200


# --- Two-factor sign-in --------------------------------------------------------------------------


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_with_two_factor_required_a_sensitive_user_enrols_before_reaching_the_admin(editor, settings):
    settings.TWO_FACTOR_REQUIRED = True
    client, response = try_password("editor", "pw")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302
    setup = client.get("/admin/login/?next=/admin/")
    assert setup.status_code == 302 and setup["Location"] == "/account/two-factor/"

    page = client.get("/account/two-factor/")
    assert page.status_code == 200 and b"otpauth://totp/" in page.content
    device = TOTPDevice.objects.get(user=editor)
    assert client.post("/account/two-factor/", {"otp_token": "000000"}).status_code == 200
    device.refresh_from_db()
    device.throttle_reset()  # django-otp delays the next try after a wrong code
    assert client.post("/account/two-factor/", {"otp_token": current_code(device)}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_a_device_the_password_alone_does_not_open_the_admin(editor, settings):
    settings.TWO_FACTOR_REQUIRED = True
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)

    client, response = try_password("editor", "pw")
    assert response.status_code == 200 and b"otp_token" in response.content
    assert client.get("/admin/").status_code == 302

    response = client.post(
        LOGIN,
        {"username": "editor", "password": "pw", "otp_device": device.persistent_id, "otp_token": current_code(device)},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_two_factor_is_asked_only_of_sensitive_users_and_only_when_required(build, editor, settings):
    build.user(username="clerk", is_staff=True, perms=["prisoners.change_source"])
    settings.TWO_FACTOR_REQUIRED = True
    clerk, _response = try_password("clerk", "pw")
    assert clerk.get("/admin/").status_code == 200

    settings.TWO_FACTOR_REQUIRED = False
    client, _response = try_password("editor", "pw")
    assert client.get("/admin/").status_code == 200


def test_a_password_alone_never_shows_a_withheld_name_anywhere(editor, build, settings):
    settings.TWO_FACTOR_REQUIRED = True
    hidden = build.prisoner(full_name="Synthetic Hidden Name", visibility="anonymized")
    client, _response = try_password("editor", "pw")

    api = client.get(f"/api/v1/prisoners/{hidden.pk}/").json()
    page = client.get(f"/prisoners/{hidden.pk}/")
    assert api["full_name"] == "Name withheld"
    assert b"Synthetic Hidden Name" not in page.content

    settings.TWO_FACTOR_REQUIRED = False
    assert client.get(f"/api/v1/prisoners/{hidden.pk}/").json()["full_name"] == "Synthetic Hidden Name"


# --- Sessions ------------------------------------------------------------------------------------


def test_a_session_expires(editor, settings):
    settings.SESSION_COOKIE_AGE = 3600
    client, response = try_password("editor", "pw")
    assert response.cookies["sessionid"]["max-age"] == 3600
    assert client.get("/admin/").status_code == 200

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/admin/").status_code == 302


# --- The security log ----------------------------------------------------------------------------


def test_the_security_log_records_sign_ins_failures_lockouts_and_permission_changes(editor, caplog):
    with caplog.at_level(logging.INFO, logger="tracker.security"):
        try_password("editor", "pw")
        for n in range(6):
            try_password("editor", f"guess-{n}", address="198.51.100.20")
        editor.user_permissions.add(Permission.objects.get(codename="import_records"))
        editor.is_superuser = True
        editor.save()

    lines = [record.getMessage() for record in caplog.records if record.name == "tracker.security"]
    assert any(line.startswith("sign-in user='editor' ip='203.0.113.5'") for line in lines), lines
    assert any(line.startswith("sign-in-failed user='editor' ip='198.51.100.20'") for line in lines)
    assert any(line.startswith("locked-out user='editor'") for line in lines)
    assert any(line.startswith("permissions-add who='editor'") and "import" in line for line in lines)
    assert any(line.startswith("user-flags-changed user='editor' is_superuser=True") for line in lines)
    assert not any("guess-" in line for line in lines)  # passwords are never written
