"""Headers and deployment settings: CSP allowing only the site's own assets (and every page keeping to
it), Permissions-Policy, and `check --deploy` clean with the settings of .env.example."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tracker.csp import style_hash

PROJECT = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.I)


def policy(response):
    header = response["Content-Security-Policy"]
    return dict((part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in header.split(";")) if part)


def assert_keeps_to_the_policy(response, url):
    rules = policy(response)
    assert rules["default-src"] == "'self'" and rules["script-src"] == "'self'", url
    assert rules["object-src"] == "'none'" and rules["frame-ancestors"] == "'none'", url
    assert "unsafe-inline" not in response["Content-Security-Policy"], url
    assert "camera=()" in response["Permissions-Policy"], url
    if not response["Content-Type"].startswith("text/html"):
        return
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group())
    assert not EVENT_HANDLER.search(html), url
    for value in STYLE_ATTRIBUTE.findall(html):
        assert f"'{style_hash(value)}'" in rules["style-src"], (url, value)


@pytest.fixture
def scenario(build):
    source = build.source("https://example.org/news/synthetic", title="Synthetic news")
    deal = build.deal("Synthetic deal", slug="synthetic-deal")
    event = build.event(title="Synthetic release", slug="synthetic-release", deal=deal)
    person = build.prisoner(full_name="Synthetic Person")
    person.sources.add(source)
    return {"event": event, "deal": deal, "person": person}


@pytest.mark.django_db
def test_every_page_admin_and_api_doc_keeps_to_the_content_security_policy(scenario, build):
    pages = [
        "/",
        "/prisoners/",
        f"/prisoners/{scenario['person'].pk}/",
        "/releases/",
        "/releases/synthetic-release/",
        "/deals/",
        "/deals/synthetic-deal/",
        "/destinations/",
        "/no-such-page/",
        "/admin/login/",
        "/api/docs/",
        "/api/v1/prisoners/?format=api",
        "/health/",
    ]
    reader = Client()
    for url in pages:
        assert_keeps_to_the_policy(reader.get(url), url)
    staff = Client()
    staff.force_login(build.user(superuser=True))
    for url in (
        "/admin/",
        "/admin/prisoners/prisoner/",
        f"/admin/prisoners/prisoner/{scenario['person'].pk}/change/",
        "/admin/imports/importjob/",
        "/admin/prisoners/prisoner/add/",
    ):
        response = staff.get(url)
        assert response.status_code == 200, url
        assert_keeps_to_the_policy(response, url)


def deploy_check(command):
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(["bash", "-c", command], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "command",
    [
        f"DJANGO_ENV_FILE=.env.example {sys.executable} manage.py check --deploy --fail-level WARNING",
        f"set -a; . ./.env.example; set +a; {sys.executable} manage.py check --deploy --fail-level WARNING",
    ],
)
def test_check_deploy_is_clean_with_the_example_environment(command):
    result = deploy_check(command)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_the_example_environment_check_deploy_names_what_is_missing():
    result = deploy_check(f"SECRET_KEY=x {sys.executable} manage.py check --deploy")
    for warning in ("security.W004", "security.W008", "security.W009", "security.W012", "security.W016"):
        assert warning in result.stdout + result.stderr
