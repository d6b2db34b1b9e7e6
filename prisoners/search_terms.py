"""A search query as its SQL takes it (`fold_search`): for each reading of the query, its key, its words, which
of them may alone identify the person (`distinctive_words`), and the shortest vocabulary word each may match.

`prisoners.search.search_prisoners` builds its query from these parts only, so the same parts give the same SQL
and parameters. The compiled list API (`tracker.api.compiled_list`) relies on that: a search's SQL depends only on
its `shape` (how many readings, how many words each, which are distinctive), and its `parameters()` are where the
values go; `stand_in(sentinel)` is a search of the same shape made of stand-in values, to find those places.
"""

from dataclasses import dataclass

from prisoners.names.folding import distinctive_words, search_keys


@dataclass(frozen=True)
class Reading:
    """One key a search tries: its words; the indices of its distinctive words; for each word the shortest
    vocabulary word it may match fuzzily (a word shorter by two letters or more is another name)."""

    key: str
    words: tuple
    distinctive: tuple
    shortest: tuple

    @property
    def distinctive_words(self):
        return [self.words[index] for index in self.distinctive]


@dataclass(frozen=True)
class FoldedSearch:
    readings: tuple

    @property
    def shape(self):
        return tuple((len(reading.words), reading.distinctive) for reading in self.readings)

    def parameters(self):
        """Every value the search's SQL takes, by a name of its place: the key (ranked against), the words as a
        list (held all), each word and its shortest match (fuzzy), the distinctive words as a list (held)."""
        values = {}
        for number, reading in enumerate(self.readings):
            values[(number, "key")] = reading.key
            values[(number, "words")] = list(reading.words)
            for index, word in enumerate(reading.words):
                values[(number, "word", index)] = word
                values[(number, "shortest", index)] = reading.shortest[index]
            if reading.distinctive:
                values[(number, "distinctive")] = reading.distinctive_words
        return values

    def stand_in(self, sentinel):
        """A search of the same shape whose every word and length is `sentinel(example)` (a new stand-in each)."""
        readings = []
        for reading in self.readings:
            words = tuple(sentinel(word) for word in reading.words)
            shortest = tuple(sentinel(length) for length in reading.shortest)
            readings.append(Reading(" ".join(words), words, reading.distinctive, shortest))
        return FoldedSearch(tuple(readings))


def fold_search(query) -> FoldedSearch:
    """The query folded as the stored names are (`search_keys`): no readings when it has no letters."""
    if isinstance(query, FoldedSearch):
        return query
    readings = []
    for key in search_keys((query or "").strip()):
        words = tuple(key.split())
        distinctive = _indices(words, distinctive_words(key))
        readings.append(Reading(" ".join(words), words, distinctive, tuple(len(word) - 1 for word in words)))
    return FoldedSearch(tuple(readings))


def _indices(words, chosen):
    """The indices of `chosen` in `words` (a subsequence: `distinctive_words` keeps the words' order)."""
    indices, start = [], 0
    for word in chosen:
        index = words.index(word, start)
        indices.append(index)
        start = index + 1
    return tuple(indices)
