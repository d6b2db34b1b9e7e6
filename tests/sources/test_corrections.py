"""Issue 12, "corrections from readers": a report is stored for staff, spam is refused, nothing is shown publicly."""

import pytest
from django.test import Client, override_settings

from corrections.models import Correction, InaccuracyReport
from corrections.services import review_report
from tests.pages.scenario import ANONYMIZED_NAME


@pytest.fixture
def person(dec13):
    return dec13.bialiatski


def _report(client, url, **data):
    return client.post(url, {"what_is_wrong": "The arrest date is 14 July 2021.", **data})


def test_every_public_record_has_a_report_link(client, dec13):
    for record, kind, key in [
        (dec13.bialiatski, "person", dec13.bialiatski.pk),
        (dec13.event, "event", dec13.event.slug),
        (dec13.deal, "deal", dec13.deal.slug),
    ]:
        html = client.get(record.get_absolute_url()).content.decode()
        assert f'href="/report/{kind}/{key}/"' in html and "Report an inaccuracy" in html
    assert 'href="/report/destination/LT/"' in client.get("/destinations/LT/").content.decode()


def test_a_report_is_stored_for_staff_and_shown_to_nobody(client, person, django_assert_num_queries):
    url = f"/report/person/{person.pk}/"
    assert client.get(url).status_code == 200
    response = _report(client, url, source_link="https://example.org/a", contact="me@example.org")
    assert response.status_code == 302 and response["Location"].startswith("/report/thanks/")
    report = InaccuracyReport.objects.get()
    assert report.record == person and report.status == "new" and report.contact == "me@example.org"
    for page in [person.get_absolute_url(), "/corrections/", response["Location"], "/"]:
        html = client.get(page).content.decode()
        assert "The arrest date is 14 July 2021." not in html and "me@example.org" not in html
    assert client.get("/api/v1/").status_code == 200
    assert b"me@example.org" not in client.get("/api/v1/prisoners/").content


def test_the_honeypot_stores_nothing(client, person):
    response = _report(client, f"/report/person/{person.pk}/", website="http://spam.example")
    assert response.status_code == 302  # a bot is told nothing
    assert not InaccuracyReport.objects.exists()


def test_size_limits_refuse_long_reports(client, person):
    url = f"/report/person/{person.pk}/"
    response = client.post(url, {"what_is_wrong": "x" * 2001})
    assert response.status_code == 400 and "what_is_wrong" in response.content.decode()
    response = client.post(url, {"what_is_wrong": "x" * 1500, "contact": "y" * 5000, "website": "z" * 5000})
    assert response.status_code == 413
    assert client.post(url, {"what_is_wrong": ""}).status_code == 400
    assert not InaccuracyReport.objects.exists()


@override_settings(CORRECTIONS_PER_WINDOW=2)
def test_reports_are_throttled_per_address(person):
    url = f"/report/person/{person.pk}/"
    reader = Client(REMOTE_ADDR="203.0.113.7")
    assert [_report(reader, url).status_code for _ in range(3)] == [302, 302, 429]
    assert InaccuracyReport.objects.count() == 2
    assert _report(Client(REMOTE_ADDR="203.0.113.8"), url).status_code == 302  # another address


def test_a_private_person_cannot_be_reported_and_a_withheld_one_is_not_named(client, dec13, build):
    private = build.prisoner(full_name="Synthetic Private Reportee", visibility="private")
    assert client.get(f"/report/person/{private.pk}/").status_code == 404
    assert _report(client, f"/report/person/{private.pk}/").status_code == 404
    anonymized = dec13.anonymized
    html = client.get(f"/report/person/{anonymized.pk}/").content.decode()
    assert ANONYMIZED_NAME not in html and "Name withheld" in html
    assert client.get("/report/thing/1/").status_code == 404


def test_the_review_queue_respects_view_withheld_and_the_log_names_no_reporter(client, dec13, build):
    _report(client, f"/report/person/{dec13.anonymized.pk}/", contact="reader@example.org")
    _report(client, f"/report/event/{dec13.event.slug}/")
    staff = Client()
    staff.force_login(
        build.user(is_staff=True, perms=["corrections.view_inaccuracyreport", "corrections.change_inaccuracyreport"])
    )
    queue = staff.get("/admin/corrections/inaccuracyreport/").content.decode()
    assert queue.count("The arrest date is 14 July 2021.") == 1  # the event's; not the withheld person's
    assert ANONYMIZED_NAME not in queue
    trusted = Client()
    trusted.force_login(
        build.user(is_staff=True, perms=["corrections.view_inaccuracyreport", "prisoners.view_withheld"])
    )
    full = trusted.get("/admin/corrections/inaccuracyreport/").content.decode()
    assert full.count("The arrest date is 14 July 2021.") == 2 and ANONYMIZED_NAME in full

    event_report = InaccuracyReport.objects.get(object_id=dec13.event.pk)
    response = staff.post(
        f"/admin/corrections/inaccuracyreport/{event_report.pk}/change/",
        {"status": "corrected", "staff_note": "checked", "what_changed": "Corrected the date of the release."},
    )
    assert response.status_code == 302
    assert Correction.objects.get().report == event_report
    log = client.get("/corrections/").content.decode()
    assert "Corrected the date of the release." in log and dec13.event.title in log
    assert "reader@example.org" not in log

    withheld_report = InaccuracyReport.objects.get(object_id=dec13.anonymized.pk)
    review_report(actor=build.user(), report=withheld_report, status="corrected", what_changed="Fixed the sentence.")
    assert "Fixed the sentence." not in client.get("/corrections/").content.decode()  # nothing about them


def test_the_report_form_and_the_log_run_a_fixed_number_of_queries(client, dec13, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get(f"/report/event/{dec13.event.slug}/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/corrections/").status_code == 200
    # per event (+ their named counts, releases.selectors.named_counts); the events' pages + their sources; named
    # people counted; those the reader may see counted, and the first page of them (the named counts: 4 queries,
    # releases.counted, tests/perf/test_counted_grouping.py)
    with django_assert_num_queries(10):
        assert client.get("/released/").status_code == 200
