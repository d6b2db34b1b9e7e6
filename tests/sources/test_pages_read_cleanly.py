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
