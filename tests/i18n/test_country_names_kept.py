"""Country names kept per language and code (`tracker.values.country_name`): the lists name the same few
destinations on every row; a kept name must still be the one of the reader's language."""

from django.utils import translation
from django_countries.fields import Country

from tracker import values
from tracker.values import country_name


def test_each_language_gets_its_own_name_kept_or_not(monkeypatch):
    monkeypatch.setattr(values, "_COUNTRY_NAMES", {})
    seen = {}
    for _round in range(2):
        for language in ("en", "be", "ru", "uk", "en"):
            with translation.override(language):
                for code in ("LT", "UA", "PL", "US"):
                    assert country_name(code) == str(Country(code).name), (language, code)
                    seen[(language, code)] = country_name(code)
    assert seen[("en", "LT")] == "Lithuania" and seen[("be", "LT")] != "Lithuania"
    assert seen[("ru", "UA")] != seen[("en", "UA")]


def test_a_kept_name_is_not_looked_up_again(monkeypatch):
    monkeypatch.setattr(values, "_COUNTRY_NAMES", {})
    with translation.override("en"):
        assert country_name("LT") == "Lithuania"
        monkeypatch.setattr(values, "Country", None)  # a second lookup would fail
        assert country_name("LT") == "Lithuania"


def test_the_names_kept_stay_bounded(monkeypatch):
    monkeypatch.setattr(values, "_COUNTRY_NAMES", {("xx", n): "x" for n in range(5000)})
    with translation.override("en"):
        assert country_name("LT") == "Lithuania"
    assert len(values._COUNTRY_NAMES) == 1
