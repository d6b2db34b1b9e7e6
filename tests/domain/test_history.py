"""Change history records who wrote what from every door, commands included."""

import pytest
from django.core.management import call_command

from prisoners.models import Prisoner
from releases.models import Release, ReleaseEvent, SanctionsDeal
from tracker.history import SYSTEM_USERNAME, acting_as

pytestmark = pytest.mark.django_db


def test_a_command_writes_history_as_the_system_user():
    call_command("load_demo", verbosity=0)
    for model in (ReleaseEvent, Prisoner, Release, SanctionsDeal):
        records = model.history.all()
        assert records.exists()
        assert {record.history_user.username for record in records} == {SYSTEM_USERNAME}, model


def test_a_service_call_inside_acting_as_records_the_actor(build):
    editor = build.user("synthetic-editor")
    with acting_as(editor):
        person = build.prisoner("Synthetic History Person")
    build.detention(person, actor=editor)
    person.refresh_from_db()
    latest = person.history.first()
    assert latest.history_user == editor
    assert latest.status == "detained" and latest.history_type == "~"
    created = person.history.last()
    assert created.history_type == "+" and created.history_user == editor


def test_history_outside_any_actor_has_no_user(build):
    person = build.prisoner("Synthetic Anonymous Write")
    assert person.history.get().history_user is None
