"""Issue 12, "pages that read cleanly": no text said twice, a disputed figure shown as disputed."""


def test_the_11_september_event_does_not_repeat_its_description(client, demo):
    html = client.get("/releases/2025-09-11-frees-52/").content.decode()
    sentence = "so at most 51 arrived"
    assert html.count(sentence) == 1
    assert "What is uncertain:" not in html


def test_52_is_shown_as_disputed_next_to_at_most_51(client, demo):
    html = client.get("/releases/2025-09-11-frees-52/").content.decode()
    table = html[html.index('class="destination-table') :]
    table = table[: table.index("</table>")]
    lithuania = table[table.index("Lithuania") :]
    lithuania = lithuania[: lithuania.index("</tr>")]
    assert "disputed" in lithuania and '<data value="52">52</data>' in lithuania
    assert "at most 51" in lithuania and "Lithuanian border guards" in lithuania
    # Shown once: not again under "Where sources disagree".
    assert html.count("at most 51</strong>") == 1


def test_methodology_says_what_is_counted_and_when_the_data_last_changed(client, demo):
    from django.utils import timezone

    html = client.get("/methodology/").content.decode()
    for anchor in ("counted", "totals", "foreign", "countries", "uncertain", "sources-kinds", "corrections"):
        assert f'id="{anchor}"' in html, anchor
    assert f"The data last changed on {timezone.now():%-d %B %Y}" in html  # derived from history (loaded now)
    assert 'href="/countries/BY/"' in html
    footer = client.get("/").content.decode()
    assert 'href="/methodology/"' in footer and 'href="/corrections/"' in footer
