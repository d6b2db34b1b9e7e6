"""The four catalogues are complete: nothing untranslated, nothing fuzzy, placeholders kept, plurals right."""

import re

import polib
import pytest
from django.utils import translation

from tracker.catalogues import catalogue_paths

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
THREE_FORMS = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"


def catalogues():
    paths = catalogue_paths()
    assert {path.parent.parent.name for path in paths} >= {"en", "be", "ru", "uk"}
    return paths


@pytest.mark.parametrize("path", catalogues(), ids=lambda path: f"{path.parts[-4]}/{path.parts[-3]}")
def test_every_message_translated_and_none_fuzzy(path):
    po = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    obsolete = [entry.msgid for entry in po.obsolete_entries()]
    assert not untranslated, f"untranslated in {path}: {untranslated}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy}"
    assert not obsolete, f"obsolete in {path}: {obsolete}"
    for entry in po:
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        for text in [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values():
            assert sorted(PLACEHOLDER.findall(text)) == wanted or (
                # a plural form may drop the number where the language says it in words
                entry.msgid_plural and set(PLACEHOLDER.findall(text)) <= set(wanted)
            ), f"{path}: placeholders of {entry.msgid!r} changed in {text!r}"


@pytest.mark.parametrize("language", ["be", "ru", "uk"])
def test_slavic_catalogues_have_three_plural_forms(language):
    for path in catalogue_paths():
        if path.parts[-3] == language:
            po = polib.pofile(str(path))
            assert po.metadata["Plural-Forms"] == THREE_FORMS
            for entry in po:
                if entry.msgid_plural:
                    assert len(entry.msgstr_plural) == 3, entry.msgid


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("be", {1: "1 вынік", 2: "2 вынікі", 5: "5 вынікаў", 21: "21 вынік"}),
        ("ru", {1: "1 результат", 2: "2 результата", 5: "5 результатов", 21: "21 результат"}),
        ("uk", {1: "1 результат", 2: "2 результати", 5: "5 результатів", 21: "21 результат"}),
        ("en", {1: "1 result", 2: "2 results", 5: "5 results", 21: "21 results"}),
    ],
)
def test_plural_forms_for_1_2_5_21(language, expected):
    with translation.override(language):
        for n, text in expected.items():
            assert translation.ngettext("%(total)s result", "%(total)s results", n) % {"total": n} == text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("be", {1: "1 месяц", 2: "2 месяцы", 5: "5 месяцаў", 21: "21 месяц", 12: "12 месяцаў", 22: "22 месяцы"}),
        ("ru", {1: "1 месяц", 2: "2 месяца", 5: "5 месяцев", 21: "21 месяц", 12: "12 месяцев", 22: "22 месяца"}),
        ("uk", {1: "1 місяць", 2: "2 місяці", 5: "5 місяців", 21: "21 місяць", 12: "12 місяців", 22: "22 місяці"}),
    ],
)
def test_sentence_months_plurals(language, expected):
    with translation.override(language):
        for n, text in expected.items():
            assert translation.ngettext("%(months)s month", "%(months)s months", n) % {"months": n} == text
