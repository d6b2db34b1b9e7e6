"""Issue 17, lists: filters that collapse with chips, words instead of tokens, reader sorts, dated event
choices, countries from a menu, clean shareable URLs, dates in the site's format."""

import re
from datetime import date

import pytest

pytestmark = pytest.mark.django_db


def _html(response):
    assert response.status_code == 200, response.content.decode()[:800]
    return response.content.decode()


def _text(html):
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def _select(html, name):
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no <select name={name}>"
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', match.group(1)))


# Seen: on a phone, a filtered list shows the whole form open and its result far down.
def test_an_applied_filter_collapses_the_form_and_shows_removable_chips(client, dec13):
    html = _html(client.get("/prisoners/?destination=LT&status=released"))
    assert '<details class="more-filters">' in html  # closed once applied
    chips = html[html.index('class="chips"') : html.index('id="results-heading"')]
    assert "Taken to: Lithuania" in _text(chips) and "Status: Released" in _text(chips)
    assert 'href="?status=released"' in chips  # removing "Taken to" keeps the rest
    assert 'href="?destination=LT"' in chips
    # One control, then the chips, then the results.
    assert html.index('<form class="filters"') < html.index('class="chips"') < html.index('id="results-heading"')
    assert html.count("<summary") == 1


def test_a_bad_filter_opens_the_form_with_its_message(client, dec13):
    html = client.get("/releases/?date_after=someday").content.decode()
    assert '<details class="more-filters" open>' in html
    assert "Enter a date such as 12 February 2025." in html


# Seen: the releases list's sidebar squeezed event titles at 1280 px.
def test_list_pages_have_no_filter_sidebar(client, dec13):
    html = _html(client.get("/releases/"))
    assert 'class="list-layout"' not in html and 'class="list-page"' in html


# Seen: raw tokens in lower case and an "uncertain" badge that does not say what.
def test_lists_show_words_with_an_explanation_not_tokens(client, dec13, build):
    html = _html(client.get("/releases/"))
    assert ">Freed and expelled<" in html
    assert 'title="Pardoned or released and taken across a border, usually without a choice."' in html
    assert 'href="/methodology/#kind-deportation"' in html
    assert ">deportation<" not in html
    deals = _html(client.get("/deals/"))
    assert ">Announced<" in deals and ">announced<" not in deals


def test_the_uncertain_badge_says_what_is_uncertain(client, dec13, build):
    event = build.event(
        "Synthetic disputed date",
        date=date(2025, 11, 22),
        reported_count=31,
        uncertain=True,
        uncertainty_note="Date conflict: state media said 20 November, Ukraine said 22 November.",
    )
    from django.contrib.contenttypes.models import ContentType

    from prisoners.models import ReportedValue

    for value in ("2025-11-20", "2025-11-22"):
        ReportedValue.objects.create(
            content_type=ContentType.objects.get_for_model(event),
            object_id=event.pk,
            field="date",
            value=value,
            reported_by="someone",
            source=dec13.hrw,
        )
    html = _html(client.get("/releases/"))
    row = html[html.index("Synthetic disputed date") :]
    row = row[: row.index("</tr>")]
    assert "Sources disagree: date" in row
    assert "Date conflict: state media said 20 November" in row  # the explanation, on hover and for screen readers


# Seen: sort menus offering Created at, Updated at and Id.
@pytest.mark.parametrize(
    ("url", "wanted"),
    [
        ("/prisoners/", {"-released"}),
        ("/releases/", {"date", "-reported_count", "title"}),
        ("/deals/", {"announced_on", "-reported_count", "title"}),
        ("/destinations/", {"-reported_count", "-named_count"}),
    ],
)
def test_sort_menus_offer_what_a_reader_wants(client, dec13, url, wanted):
    options = _select(_html(client.get(url)), "ordering")
    assert wanted <= set(options)
    assert not {"created_at", "-created_at", "updated_at", "-updated_at", "id", "-id"} & set(options)
    assert not any("Created" in label or "Updated" in label or label == "Id" for label in options.values())


def test_reader_sorts_work(client, dec13):
    names = [p.display_name for p in client.get("/prisoners/?ordering=-released").context["listing"].page.object_list]
    assert names.index("Maria Kalesnikava") < names.index("Siarhei Tsikhanouski") < names.index("Still Heldperson")
    deals = client.get("/deals/?ordering=-reported_count").context["listing"].page.object_list
    assert deals[0].reported_count == 123
    # Old API values still work on the page.
    assert client.get("/prisoners/?ordering=-created_at").status_code == 200


# Seen: two identical "Belarus pardons 30 prisoners" in the event menu, no dates.
def test_event_choices_carry_their_dates(client, build, db):
    build.event("Belarus pardons 30 prisoners", slug="2024-08-16-pardons-30", date=date(2024, 8, 16))
    build.event("Belarus pardons 30 prisoners", slug="2024-09-04-pardons-30", date=date(2024, 9, 4))
    options = _select(_html(client.get("/prisoners/")), "release_event")
    assert options["2024-08-16-pardons-30"] == "16 Aug 2024 · Belarus pardons 30 prisoners"
    assert options["2024-09-04-pardons-30"] == "4 Sep 2024 · Belarus pardons 30 prisoners"
    assert list(options).index("2024-09-04-pardons-30") < list(options).index("2024-08-16-pardons-30")


# Seen: country filters are free text, so "Lithuana" or "Lietuva" is a 400.
def test_countries_are_chosen_from_those_in_use(client, dec13):
    html = _html(client.get("/prisoners/"))
    taken_to = _select(html, "destination")
    assert taken_to == {"": "Any", "LT": "Lithuania", "UA": "Ukraine"}
    assert set(_select(html, "country")) == {"", "BY"}
    assert set(_select(_html(client.get("/releases/")), "destination")) == {"", "LT", "UA"}
    assert set(_select(_html(client.get("/deals/")), "target_country")) == {"", "BY"}


def test_a_country_typed_by_name_or_misspelt_leads_to_the_clean_url(client, dec13):
    for typed in ("Lithuania", "lithuania", "Lithuana"):
        response = client.get(f"/prisoners/?destination={typed}")
        assert response.status_code == 302, typed
        assert response["Location"] == "/prisoners/?destination=LT"
    response = client.get("/prisoners/?destination=Atlantis")
    assert response.status_code == 400
    assert "Taken to" in response.content.decode()


# Seen: a shared list URL carries every empty parameter.
def test_empty_parameters_redirect_to_the_clean_url(client, dec13):
    response = client.get("/prisoners/?search=&status=released&country=&page_size=50&ordering=")
    assert response.status_code == 302 and response["Location"] == "/prisoners/?status=released"
    response = client.get("/releases/?search=&kind=")
    assert response.status_code == 302 and response["Location"] == "/releases/"
    html = _html(client.get("/releases/"))
    assert 'src="/static/js/clean-query.js"' in html  # drops the empties before the browser sends them


# Seen: date inputs show mm/dd/yyyy while the site writes "12 February 2025".
def test_dates_are_entered_and_shown_in_the_site_format(client, dec13):
    response = client.get("/releases/?date_after=1+December+2025")
    assert response.status_code == 302 and response["Location"] == "/releases/?date_after=2025-12-01"
    html = _html(client.get("/releases/?date_after=2025-12-01"))
    assert re.search(r'<input type="text" name="date_after" value="1 December 2025"', html)
    assert 'type="date"' not in html
    assert "On or after: 1 December 2025" in _text(html)  # the chip
    assert [e.slug for e in client.get("/releases/?date_after=2025-12-01").context["listing"].page.object_list] == [
        "2025-12-13-frees-123"
    ]
