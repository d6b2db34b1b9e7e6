"""Staff without `prisoners.view_withheld` see no withheld person's name anywhere in admin.

Crawls every admin page such a user may open (changelists, searches, change pages, history pages
of every row, autocomplete, the index's recent actions, the duplicates page) and looks for every
string that would identify the withheld people: names, native names, variants, notes, ids.
"""

from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse

from prisoners import services as prisoner_services
from prisoners.models import Prisoner
from tests.admin.forms import submit

pytestmark = pytest.mark.django_db

SECRETS = [
    "Synthetic Zebulon Hidden",
    "Зебулон Скрыты",
    "Synthetic Zebulonis",
    "Secret note about Zebulon",
    "Synthetic Quillon Masked",
    "Квілон",
    "Synthetic Quillonas",
    "Secret note about Quillon",
    "zebulon-777",
    "Cell of Synthetic",
]
PERMS = [
    *(f"prisoners.view_{m}" for m in ("prisoner", "detention", "source", "reportedvalue")),
    *(f"releases.view_{m}" for m in ("release", "releaseevent", "destination", "sanctionsdeal", "reportedtotal")),
    "releases.change_release",
    "releases.add_release",
    "releases.change_releaseevent",
    "prisoners.change_detention",
]


@pytest.fixture
def withheld_world(build):
    event = build.event("Synthetic shared event", date=date(2025, 6, 1), reported_count=3)
    public = build.prisoner("Synthetic Public Person")
    build.release(public, event=event)
    people = []
    for name, native, variant, note in (
        ("Synthetic Zebulon Hidden", "Зебулон Скрыты", "Synthetic Zebulonis", "Secret note about Zebulon"),
        ("Synthetic Quillon Masked", "Квілон", "Synthetic Quillonas", "Secret note about Quillon"),
    ):
        person = build.prisoner(name, native_name=native, notes=note, name_variants=[variant])
        build.detention(person, detained_on=date(2021, 1, 1), place_of_detention=f"Cell of {name}")
        release = build.release(person, event=event, notes=f"{note} (release)")
        source = build.source(title="Synthetic neutral report")
        prisoner_services.add_reported_value(record=person, field="birth year", value=f"{name} 1980", source=source)
        prisoner_services.add_reported_value(record=release, field="date", value=f"{name} 2025", source=source)
        people.append(person)
    prisoner_services.add_external_id(prisoner=people[0], source_list="synthetic", external_id="zebulon-777")
    return event, people


def crawl_urls(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    urls = [
        reverse("admin:index"),
        reverse("admin:prisoners_prisoner_duplicates"),
        reverse("admin:prisoners_prisoner_review"),
    ]
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{name}_changelist"))
        urls += [f"{reverse(f'{name}_changelist')}?q={word}" for word in ("Zebulon", "Quillon", "Synthetic")]
        for pk in model.objects.values_list("pk", flat=True):  # every row, hidden ones included
            urls += [reverse(f"{name}_change", args=[pk]), reverse(f"{name}_history", args=[pk])]
            history = model.history.filter(id=pk).values_list("history_id", flat=True)
            urls += [reverse(f"{name}_simple_history", args=[pk, version]) for version in history]
            if model._meta.model_name == "releaseevent":  # its people's work list, searched, and the paste page
                people = reverse(f"{name}_people", args=[pk])
                urls += [people, f"{people}?q=Zebulon", f"{people}?q=Quillon", reverse(f"{name}_paste", args=[pk])]
    for term in ("Zebulon", "Quillon", "Synthetic", "Зебулон"):
        for field_name in ("prisoner",):
            query = f"app_label=releases&model_name=release&field_name={field_name}&term={term}"
            urls.append(f"{reverse('admin:autocomplete')}?{query}")
    return urls


def leaks(client, urls):
    found, opened = [], 0
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code in (200, 403, 404), (url, response.status_code)
        if response.status_code != 200:
            continue
        opened += 1
        content = response.content.decode()
        found += [(url, secret) for secret in SECRETS if secret in content]
    return found, opened


@pytest.mark.parametrize("visibility", ["private", "anonymized"])
def test_staff_without_view_withheld_see_no_withheld_string(client, build, withheld_world, visibility):
    event, people = withheld_world
    staff = build.user("synthetic-staff", is_staff=True, perms=PERMS)
    client.force_login(staff)
    # The staff member edited a release while the person was public: the recent actions name it.
    release = people[0].releases.get()
    response = submit(client, reverse("admin:releases_release_change", args=[release.pk]), {"confidence": "confirmed"})
    assert response.status_code == 302
    assert "Synthetic Zebulon Hidden" in client.get(reverse("admin:index")).content.decode()  # the test can see
    for person in people:
        prisoner_services.update_prisoner(prisoner=person, visibility=visibility)

    found, opened = leaks(client, crawl_urls(staff))
    assert not found
    assert opened > 40

    # Nothing of them, and the public person as before (in the event's work list).
    page = client.get(reverse("admin:releases_releaseevent_people", args=[event.pk])).content.decode()
    assert "Synthetic Public Person" in page
    # Pasting their names offers none of them as a candidate.
    paste = client.post(
        reverse("admin:releases_releaseevent_paste", args=[event.pk]),
        {
            "names": "Synthetic Zebulon Hidden\nЗебулон Скрыты\nSynthetic Quillonas",
            "confidence": "reported",
            "step": "preview",
        },
    )
    lines = paste.context["lines"]
    withheld_ids = {person.pk for person in people}
    assert not [person for line in lines for person in line.candidates if person.pk in withheld_ids]
    assert not [secret for secret in SECRETS[:4] if secret in "".join(str(o) for line in lines for o in line.options)]
    assert "Name withheld" in client.get(reverse("admin:index")).content.decode()


def test_staff_with_view_withheld_see_everyone(client, build, withheld_world):
    _event, people = withheld_world
    staff = build.user(is_staff=True, perms=[*PERMS, "prisoners.view_withheld"])
    client.force_login(staff)
    for person in people:
        prisoner_services.update_prisoner(prisoner=person, visibility="private")
    response = client.get(reverse("admin:prisoners_prisoner_changelist"))
    assert {p.pk for p in response.context["cl"].result_list} >= {p.pk for p in people}
    found, _opened = leaks(client, [reverse("admin:releases_release_changelist")])
    assert {secret for _url, secret in found} >= {"Synthetic Zebulon Hidden", "Synthetic Quillon Masked"}
    assert Prisoner.objects.filter(visibility="private").count() == 2


HIDDEN_SOURCE_TITLE = "Synthetic report naming Zebulon"


@pytest.fixture
def shared_hidden_source(build):
    """A source cited for a private person and also for an event, its deal and one of the deal's measures."""
    from releases import services as release_services

    hidden = build.source(title=HIDDEN_SOURCE_TITLE)
    visible = build.source(title="Synthetic neutral bulletin")
    person = build.prisoner("Synthetic Zebulon Hidden", visibility="private")
    deal = build.deal("Synthetic shared deal", sources=[hidden, visible])
    release_services.create_relief_measure(deal=deal, measure="Synthetic measure", sources=[hidden])
    event = build.event("Synthetic shared-source event", deal=deal, sources=[hidden, visible])
    build.release(person, event=build.event("Synthetic other event"), sources=[hidden])
    return event, deal, hidden, visible


@pytest.mark.parametrize("page", ["event", "deal"])
def test_source_pickers_mask_hidden_sources_and_keep_them_on_save(client, build, shared_hidden_source, page):
    event, deal, hidden, visible = shared_hidden_source
    perms = [*PERMS, "releases.change_sanctionsdeal", "releases.change_reliefmeasure"]
    client.force_login(build.user("synthetic-picker-staff", is_staff=True, perms=perms))
    record = event if page == "event" else deal
    url = reverse(f"admin:releases_{record._meta.model_name}_change", args=[record.pk])

    html = client.get(url).content.decode()
    assert HIDDEN_SOURCE_TITLE not in html
    assert "Source withheld" in html  # still attached, shown without its title
    assert "Synthetic neutral bulletin" in html

    assert submit(client, url).status_code == 302  # saved unchanged: nothing dropped
    record.refresh_from_db()
    assert set(record.sources.all()) == {hidden, visible}
    if page == "deal":
        assert set(deal.relief_measures.get().sources.all()) == {hidden}


def test_staff_with_view_withheld_see_the_source_title_in_the_picker(client, build, shared_hidden_source):
    event, _deal, _hidden, _visible = shared_hidden_source
    client.force_login(build.user("synthetic-picker-all", is_staff=True, perms=[*PERMS, "prisoners.view_withheld"]))
    html = client.get(reverse("admin:releases_releaseevent_change", args=[event.pk])).content.decode()
    assert HIDDEN_SOURCE_TITLE in html
    assert "Source withheld" not in html
