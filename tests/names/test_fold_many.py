"""Folding many names at once (`identity_keys_many`, the planner of a split import) gives exactly the keys of
folding each alone (`identity_keys`): the same rules, run once over all the new words of a batch."""

import random

from prisoners.names.folding import COMMON_GIVEN_NAMES, WordFolder, identity_keys, identity_keys_many

TRICKY = [
    "Ales Bialiatski", "Алесь Бяляцкі", "Aleś Bialacki", "Siarhei Tsikhanouski", "Cichanoŭski Siarhiej",
    "Tichanowski", "Statkevich Mikalai", "Mikola Statkiewicz", "Maria Kalesnikava", "Kolesnikowa Maria",
    "Калеснікава Марыя Аляксандраўна", "Uladzimir U", "u", "U Iou", "Dzmitry Dziadok", "Iouri Kastusiou",
    "Zian'kovich", "Зяньковіч", "Shchurko Szczurko", "Ihar Losik", "Peter Alexander", "Natallia",
    "Ivan Ivanovich Petrov", "Łukaszenka", "Lukaschenko", "Yuras  Ziankovich", "O'Brien-Smith Jr.",
    "chu chach hach", "ch", "c h", "Tatsiana", "", "   ", "1234", "Ёжык Ўладзімір", "Maryia Mariya",
    "Hienadz Gennady", "Tchaikovsky", "Achcha", "uu ou iu",
]  # fmt: skip
LETTERS = "aeiouyjdztschkgxqpwrlmnvfb" * 3 + "ьъ'’ čšžżŭńłóąęёўіыэюяшчжцхгдзтсркнмлвпфбаеоуи" + "AEIOUDCH  "


def random_names(count, seed=14):
    rng = random.Random(seed)
    names = []
    for _ in range(count):
        words = ["".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 9))) for _ in range(rng.randint(1, 5))]
        names.append(" ".join(words))
    return names


def test_many_names_fold_to_the_keys_of_each_alone():
    names = TRICKY + list(COMMON_GIVEN_NAMES) + random_names(6000)
    assert identity_keys_many(names, WordFolder()) == [identity_keys(name) for name in names]


def test_a_small_word_cache_that_fills_up_still_folds_right():
    names = random_names(500, seed=3) + TRICKY
    folder = WordFolder(max_words=50)
    first = identity_keys_many(names[:300], folder)
    second = identity_keys_many(names[300:], folder)
    assert first + second == [identity_keys(name) for name in names]
