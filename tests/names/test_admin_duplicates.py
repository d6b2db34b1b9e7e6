"""Admin: name search by any spelling, the likely-duplicates page and its merge action."""

from datetime import date

import pytest
from django.urls import reverse

from prisoners.models import Prisoner

DUPLICATES = "admin:prisoners_prisoner_duplicates"
MERGE = "admin:prisoners_prisoner_merge"


@pytest.fixture
def twins(build):
    first = build.prisoner("Maria Kalesnikava", birth_date=date(1982, 4, 24))
    second = build.prisoner("Мария Колесникова", name_variants=["Maryja Kalesnikawa"])
    build.detention(second, detained_on=date(2020, 9, 7))
    build.prisoner("Ales Bialiatski")
    return first, second


def staff_client(client, build, perms):
    user = build.user(is_staff=True, perms=perms)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_admin_search_finds_any_spelling_best_first(client, build, twins):
    client.force_login(build.user(superuser=True))
    response = client.get(reverse("admin:prisoners_prisoner_changelist"), {"q": "Kolesnikova"})
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert {person.pk for person in listed} == {twins[0].pk, twins[1].pk}


@pytest.mark.django_db
def test_duplicates_page_lists_people_sharing_a_name_key(client, build, twins):
    first, second = twins
    client.force_login(build.user(superuser=True))
    response = client.get(reverse(DUPLICATES))
    assert response.status_code == 200
    pairs = response.context["pairs"]
    assert [(pair.first.pk, pair.second.pk) for pair in pairs] == [(first.pk, second.pk)]
    assert b"Keep #" in response.content


@pytest.mark.django_db
def test_merge_keeps_the_chosen_record_and_moves_the_rest(client, build, twins):
    first, second = twins
    client.force_login(build.user(superuser=True))
    response = client.post(reverse(MERGE), {"first": first.pk, "second": second.pk, "survivor": first.pk})
    assert response.status_code == 302
    assert not Prisoner.objects.filter(pk=second.pk).exists()
    survivor = Prisoner.objects.get(pk=first.pk)
    assert survivor.detentions.count() == 1
    assert "Мария Колесникова" in set(survivor.name_variants.values_list("name", flat=True))
    assert Prisoner.history.filter(id=second.pk, history_type="-").exists()


@pytest.mark.django_db
def test_merge_needs_change_and_delete_permissions(client, build, twins):
    first, second = twins
    viewer = staff_client(client, build, ["prisoners.view_prisoner", "prisoners.change_prisoner"])
    response = viewer.get(reverse(DUPLICATES))
    assert response.status_code == 200
    assert b"Keep #" not in response.content
    response = viewer.post(reverse(MERGE), {"first": first.pk, "second": second.pk, "survivor": first.pk})
    assert response.status_code == 403
    assert Prisoner.objects.filter(pk=second.pk).exists()


@pytest.mark.django_db
def test_duplicates_page_is_for_staff_only(client, build, twins):
    client.force_login(build.user())
    response = client.get(reverse(DUPLICATES))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "form",
    [{"first": "x", "second": "1", "survivor": "1"}, {"first": "1", "second": "2", "survivor": "3"}, {}],
)
def test_a_bad_merge_form_changes_nothing(client, build, twins, form):
    client.force_login(build.user(superuser=True))
    response = client.post(reverse(MERGE), form)
    assert response.status_code == 302
    assert Prisoner.objects.count() == 3


@pytest.mark.django_db
def test_merge_is_post_only(client, build, twins):
    client.force_login(build.user(superuser=True))
    assert client.get(reverse(MERGE)).status_code == 405
