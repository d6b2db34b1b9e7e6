"""Issue 12: a person's page tells what happened to them, sourced; disagreements side by side."""

import re

from prisoners.models import Detention, Prisoner, Source
from tests.sources.citations import cited_links


def _timeline(html):
    start = html.index('id="timeline-heading"')
    return html[start : html.index("</section>", start)]


def _fact(timeline, label):
    start = timeline.index(f"<dt>{label}</dt>")
    return timeline[start : timeline.index("</dd>", start)]


def test_bialiatski_page_shows_his_2021_arrest_charges_and_sentence_with_sources(client, demo):
    person = Prisoner.objects.get(full_name="Ales Bialiatski")
    html = client.get(person.get_absolute_url()).content.decode()
    timeline = _timeline(html)
    arrested = _fact(timeline, "Arrested")
    assert "14 July 2021" in arrested
    assert any("amnesty.org" in link for link in cited_links(html, arrested))
    # The file's other version stays beside it, with its own source and the file's note.
    assert "2020" in arrested and "bbc.co.uk" in " ".join(cited_links(html, arrested))
    charges = _fact(timeline, "Charges")
    assert "Art. 228 part 4" in charges and "Art. 342 part 2" in charges  # articles
    assert "Smuggling by an organized group" in charges  # and words
    assert any("spring96.org" in link for link in cited_links(html, charges))
    sentence = _fact(timeline, "Sentence")
    assert (
        "10 years in a reinforced regime colony" in sentence and "10 years in a maximum security labor camp" in sentence
    )
    assert "Sources disagree" in sentence and cited_links(html, sentence)
    sentenced = _fact(timeline, "Sentenced on")
    assert "3 March 2023" in sentenced and "3 March 2022" in sentenced and "apparent typo" in sentenced
    held_at = _fact(timeline, "Held at")
    assert "Penal colony No. 9, Horki" in held_at and cited_links(html, held_at)
    assert "held incommunicado" in _fact(timeline, "Incommunicado")
    # And the release, with its conditions.
    assert "13 December 2025" in timeline and "Conditions:" in timeline


def test_held_in_reads_as_the_past_after_release(client, demo):
    freed = Prisoner.objects.get(full_name="Ales Bialiatski")
    html = client.get(freed.get_absolute_url()).content.decode()
    assert "Was held in Belarus" in html and ">Held in Belarus<" not in html
    kept = Prisoner.objects.get(full_name="Mikalai Statkevich")  # returned to prison
    assert "Held in Belarus" in client.get(kept.get_absolute_url()).content.decode()


def test_the_people_list_shows_when_they_were_detained(client, demo):
    html = client.get("/prisoners/?search=Bialiatski").content.decode()
    assert "14 July 2021" in html


def test_load_demo_keeps_each_sources_value_and_is_idempotent(demo):
    from django.core.management import call_command

    detention = Detention.objects.get(prisoner__full_name="Maxim Znak")
    dates = sorted({value.value for value in detention.reported_values.filter(field="detained_on")})
    assert dates == ["2020-09-09", "2020-09-18"]  # Znak detained 9 or 18 September 2020: both kept
    before = (Detention.objects.count(), detention.reported_values.count(), Source.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Detention.objects.count(), detention.reported_values.count(), Source.objects.count()) == before
    assert Source.objects.filter(link__contains="cloudfront.net", kind="mirror").exists()


def test_losik_card_on_the_event_collapses_his_release_dates(client, demo):
    html = client.get("/releases/2025-09-11-frees-52/").content.decode()
    card = html[html.index(">Ihar Losik<") :]
    card = card[: card.index('<li class="person">')]
    assert card.count("release date") == 1  # one line per field, not one per source
    assert card.count("<li>") == 2  # the two dates, each with its references
    assert len(re.findall(r"<details>", card)) >= 1  # long lists of references collapsed
