"""Fast choices: the site's name, a domain-first index, filters of values in use, autocompletes, links."""

from datetime import date

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, build):
    user = build.user("choices-editor", superuser=True)
    client.force_login(user)
    return user


def test_the_index_is_named_and_lists_the_domain_first(client, editor):
    page = client.get(reverse("admin:index"))
    body = page.content.decode()
    assert "Release Tracker administration" in body and "Django administration" not in body
    apps = [app["app_label"] for app in page.context["app_list"]]
    assert apps[:3] == ["prisoners", "releases", "imports"] and apps[-2:] == ["auth", "authtoken"]
    people = [model["object_name"] for model in page.context["app_list"][0]["models"]]
    assert people[0] == "Prisoner"
    events = [model["object_name"] for model in page.context["app_list"][1]["models"]]
    assert events[:3] == ["ReleaseEvent", "Release", "SanctionsDeal"]
    for url in (reverse("admin:prisoners_prisoner_review"), reverse("admin:prisoners_prisoner_duplicates")):
        assert url in body
    assert reverse("admin:imports_importjob_upload") in body


def test_held_in_lists_only_the_countries_in_use(client, editor, build):
    build.prisoner("Synthetic Held In Belarus", country="BY")
    build.prisoner("Synthetic Held In Russia", country="RU")
    page = client.get(reverse("admin:prisoners_prisoner_changelist"))
    held_in = next(
        spec for spec in page.context["cl"].filter_specs if getattr(spec, "parameter_name", None) == "country"
    )
    assert [code for code, _name in held_in.lookup_choices] == ["BY", "RU"]
    body = page.content.decode()
    assert reverse("admin:prisoners_prisoner_duplicates") in body  # the duplicates page is linked
    only = client.get(reverse("admin:prisoners_prisoner_changelist"), {"country": "RU"})
    assert [p.full_name for p in only.context["cl"].result_list] == ["Synthetic Held In Russia"]


def test_country_fields_are_autocompletes_and_records_link_to_their_public_page(client, editor, build):
    event = build.event("Synthetic choice event", date=date(2026, 1, 1))
    page = client.get(reverse("admin:releases_releaseevent_change", args=[event.pk])).content.decode()
    assert 'class="country-autocomplete"' in page and "select2" in page
    assert "View on site" in page and on_site(event) in page
    person = build.prisoner("Synthetic Choice Person")
    page = client.get(reverse("admin:prisoners_prisoner_change", args=[person.pk])).content.decode()
    assert page.count('class="country-autocomplete"') >= 2  # held in, citizenship
    assert on_site(person) in page
    assert client.get(on_site(person)).url.endswith(person.get_absolute_url())


def on_site(record):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(record)
    return reverse("admin:view_on_site", args=[content_type.pk, record.pk])


def test_default_orderings(client, editor, build):
    build.event("Synthetic older", date=date(2024, 1, 1))
    build.event("Synthetic newer", date=date(2026, 1, 1))
    page = client.get(reverse("admin:releases_releaseevent_changelist"))
    assert [e.title for e in page.context["cl"].result_list][:2] == ["Synthetic newer", "Synthetic older"]
