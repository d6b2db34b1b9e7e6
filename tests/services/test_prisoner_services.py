"""The write services of people: names, ids, reported values, visibility, each validated and with history."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from prisoners import services
from prisoners.models import ExternalId, NameVariant, Prisoner, ReportedValue
from prisoners.search import search_prisoners
from prisoners.visibility import may_change_visibility

pytestmark = pytest.mark.django_db


def found(query):
    return [person.pk for person in search_prisoners(Prisoner.objects.all(), query, None)]


def test_add_update_delete_reported_value_with_history(build):
    editor = build.user("synthetic-editor")
    person, source, other = build.prisoner(), build.source(), build.source()
    row = services.add_reported_value(actor=editor, record=person, field="birth year", value="1980", source=source)
    assert list(person.reported_values.all()) == [row]
    assert row.history.get().history_user == editor

    services.update_reported_value(actor=editor, reported_value=row, value="1981", source=other.pk)
    row.refresh_from_db()
    assert (row.value, row.source) == ("1981", other)
    assert row.history.count() == 2

    services.delete_reported_value(actor=editor, reported_value=row)
    assert not ReportedValue.objects.exists()
    assert ReportedValue.history.filter(history_type="-").get().history_user == editor


def test_reported_value_refuses_a_duplicate_and_an_unknown_field(build):
    person, source = build.prisoner(), build.source()
    row = services.add_reported_value(record=person, field="date", value="2025-01-01", source=source)
    with pytest.raises(ValidationError):
        services.add_reported_value(record=person, field="date", value="2025-01-01", source=source)
    with pytest.raises(ValidationError) as error:
        services.update_reported_value(reported_value=row, colour="red")
    assert "colour" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.add_reported_value(record=person, field="date", value="x", source=999999)
    assert "source" in error.value.message_dict
    assert ReportedValue.objects.count() == 1


def test_set_reported_values_keeps_unchanged_rows_and_deletes_the_rest(build):
    event = build.event()
    a, b = build.source(), build.source()
    kept = services.add_reported_value(record=event, field="date", value="2025-01-01", source=a)
    gone = services.add_reported_value(record=event, field="date", value="2025-01-02", source=b)
    result = services.set_reported_values(
        record=event,
        values=[
            {"field": "date", "value": "2025-01-01", "source": a},
            {"field": "count", "value": "12", "source": b.pk, "reported_by": "Synthetic ministry"},
        ],
    )
    assert result[0].pk == kept.pk and kept.history.count() == 1  # unchanged: no new history row
    assert not ReportedValue.objects.filter(pk=gone.pk).exists()
    assert {(r.field, r.value) for r in event.reported_values.all()} == {("date", "2025-01-01"), ("count", "12")}
    assert result[1].reported_by == "Synthetic ministry"

    with pytest.raises(ValidationError):
        services.set_reported_values(record=event, values=[{"field": "date", "value": "", "source": a}])
    assert event.reported_values.count() == 2  # a refused set writes nothing


def test_external_ids(build):
    person, other = build.prisoner(), build.prisoner()
    row = services.add_external_id(prisoner=person, source_list="viasna", external_id=" 42 ")
    assert row.external_id == "42"
    with pytest.raises(ValidationError):
        services.add_external_id(prisoner=other, source_list="viasna", external_id="42")
    services.update_external_id(row=row, external_id="43")
    assert ExternalId.objects.get().external_id == "43"
    services.delete_external_id(external_id=row)
    assert not ExternalId.objects.exists()


def test_name_variants_refresh_the_search_keys(build):
    editor = build.user("synthetic-editor")
    person = build.prisoner("Maria Kalesnikava")
    variant = services.add_name_variant(actor=editor, prisoner=person, name="Synthetic Zzyzx")
    assert found("Zzyzx") == [person.pk]
    assert variant.history.get().history_user == editor

    services.update_name_variant(actor=editor, name_variant=variant, name="Synthetic Qwerty")
    assert found("Qwerty") == [person.pk] and found("Zzyzx") == []

    services.delete_name_variant(actor=editor, name_variant=variant)
    assert found("Qwerty") == [] and not NameVariant.objects.exists()
    with pytest.raises(ValidationError):
        services.add_name_variant(prisoner=person, name="")


@pytest.mark.parametrize(
    "old,new,allowed",
    [
        ("private", "anonymized", False),
        ("private", "public", False),
        ("anonymized", "public", False),
        ("public", "anonymized", True),
        ("anonymized", "private", True),
        ("private", "private", True),
    ],
)
def test_may_change_visibility(build, old, new, allowed):
    editor = build.user(perms=["prisoners.change_prisoner"])
    trusted = build.user(perms=["prisoners.change_prisoner", "prisoners.view_withheld"])
    assert may_change_visibility(editor, old, new) is allowed
    assert may_change_visibility(trusted, old, new) is True
    assert may_change_visibility(None, old, new) is True  # the system: commands and tasks


def test_publishing_a_withheld_record_needs_view_withheld(build):
    editor = build.user(perms=["prisoners.change_prisoner"])
    person = build.prisoner("Synthetic Withheld Person", visibility="anonymized")
    with pytest.raises(PermissionDenied):
        services.update_prisoner(actor=editor, prisoner=person, visibility="public", biography="changed")
    person.refresh_from_db()
    assert person.visibility == "anonymized" and person.biography == "" and person.history.count() == 1

    services.update_prisoner(actor=editor, prisoner=person, visibility="private")  # more restrictive: allowed
    trusted = build.user(perms=["prisoners.change_prisoner", "prisoners.view_withheld"])
    services.update_prisoner(actor=trusted, prisoner=person, visibility="public")
    person.refresh_from_db()
    assert person.visibility == "public"


def test_a_changed_instance_is_checked_against_the_stored_visibility(build):
    """Admin forms change the instance before the service sees it: the stored value decides."""
    editor = build.user(perms=["prisoners.change_prisoner"])
    person = build.prisoner(visibility="private")
    person.visibility = "public"
    with pytest.raises(PermissionDenied):
        services.update_prisoner(actor=editor, prisoner=person)
    assert Prisoner.objects.get(pk=person.pk).visibility == "private"


def test_update_prisoner_refuses_a_field_it_cannot_store(build):
    person = build.prisoner()
    with pytest.raises(ValidationError) as error:
        services.update_prisoner(prisoner=person, name_keys="x")
    assert "name_keys" in error.value.message_dict


def test_declare_status_and_withdraw_it(build):
    person = build.prisoner()
    build.detention(person, detained_on=date(2021, 1, 1))
    assert services.declare_status(prisoner=person, status="died_in_custody") == "died_in_custody"
    assert services.declare_status(prisoner=person, status="unknown") == "detained"
    with pytest.raises(ValidationError):
        services.declare_status(prisoner=person, status="asleep")


def test_moving_a_detention_refreshes_both_people(build):
    first, second = build.prisoner(), build.prisoner()
    build.detention(first, detained_on=date(2018, 1, 1), ended_on=date(2019, 1, 1))
    detention = build.detention(first, detained_on=date(2021, 1, 1))
    services.update_detention(detention=detention, prisoner=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("released", "detained")


def test_get_or_create_source(build):
    source, created = services.get_or_create_source(link=" https://example.org/synthetic/x ", title="X")
    again, created_again = services.get_or_create_source(link="https://example.org/synthetic/x")
    assert created and not created_again and again == source


def test_updating_a_stale_instance_keeps_the_name_keys(build):
    person = build.prisoner("Maria Kalesnikava")
    stale = Prisoner.objects.get(pk=person.pk)
    services.add_name_variant(prisoner=person, name="Synthetic Zzyzx")  # refreshes the keys in the database
    services.update_prisoner(prisoner=stale, biography="changed")
    assert found("Zzyzx") == [person.pk]
