"""A word's second reading ("ch" as х) is taken from the first when it cannot differ (every -vich surname);
the keys are those of the whole rule chain, whichever way they were computed."""

import itertools

import pytest

from prisoners.names import folding


def whole_chain(word, ch_as_kh):
    """The rules applied one by one, no shortcut: the reference the cached fold must equal."""
    for pattern, replacement in folding._RULES:
        if ch_as_kh and pattern is folding._CH:
            word = folding._CH_INSIDE.sub("h", word)
        word = pattern.sub(replacement, word)
    return word


WORDS = [
    "statkevich",  # "ch" only at the end: one reading
    "pechkavich",  # an inner "ch": two readings
    "tichanowski",
    "tackhu",  # no "ch" as written, one made by the kh rule: the second reading differs
    "chekh",
    "shchurko",
    "ch",
    "vich",
    *("".join(letters) for letters in itertools.product("chkas", repeat=4)),
]


@pytest.mark.parametrize("ch_as_kh", [False, True])
def test_every_word_folds_as_the_whole_rule_chain_does(ch_as_kh):
    folding._fold_word.cache_clear()
    for word in WORDS:
        assert folding._fold_word(word, ch_as_kh=ch_as_kh) == whole_chain(word, ch_as_kh), word


def test_a_vich_surname_has_one_reading_and_an_inner_ch_two():
    assert folding.fold_name_alternatives("Statkevich") == ["statkevich"]
    assert folding.fold_name_alternatives("Pechkavich") == ["pechkavich", "pehkavich"]
    assert folding._fold_word("tackhu", ch_as_kh=True) == "tahu" != folding._fold_word("tackhu")
