"""One job, several workers: a large import split into parts that run in parallel (docs/import.md, "Parts").

The worker that claims a job of more than IMPORT_SPLIT_ROWS rows, when more than one worker process can
run it (`parts_wanted`), reads the file once (`plan_parts`): it numbers the ranges of rows, and finds the
rows that could meet a row of another range: two rows meet when they share an external id or a name key
(any whole or part key of any of their names, `prisoners.names.folding.identity_keys`), as matching
(`prisoners.names.matching`) and the duplicate check of the file would make them meet. Such rows, and every
row meeting them in turn, are the *linked rows*: one extra part runs them alone, in file order, and the
range parts leave them out. So two rows that could be one person are never written by two workers at
once, and each is matched against what the rows before it stored, as in a run by one worker: the stored
rows and the per-row error report are those of a single run. Each part is a task of its own with its own
lease and checkpoint (`ImportJobPart`); the job finishes when every part has. Of a CSV the planner also notes
where each range starts, so each part seeks there rather than parsing the rows before its range again.
"""

import logging
from array import array

from django.db import connection

from imports.limits import setting
from prisoners.names.folding import WordFolder, identity_keys_many

logger = logging.getLogger(__name__)

MULTI = -1  # a key met in more than one range
# Past this share of linked rows the file is run by one worker: the linked part would be most of the job.
MAX_LINKED_SHARE = 0.25
NAME_COLUMNS = ("full_name", "native_name")


def worker_processes(hostname=None):
    """How many worker processes could run a part now: the concurrency of every worker answering, plus this one
    (a worker running a task in the solo pool does not answer). 1 when the broker cannot broadcast (the
    filesystem transport of `make run`) or nobody answers."""
    from tracker.celery_app import app

    try:
        stats = app.control.inspect(timeout=1.0).stats() or {}
    except Exception:  # no broadcast on this transport, broker down: run as one
        return 1
    total = sum(max(1, int((info.get("pool") or {}).get("max-concurrency") or 1)) for info in stats.values())
    if hostname and hostname not in stats:
        total += 1
    return max(1, total)


def parts_wanted(total_rows, hostname=None):
    """Into how many ranges a job of `total_rows` rows is split (1: not split)."""
    threshold = setting("IMPORT_SPLIT_ROWS", 50_000)
    if not total_rows or total_rows <= threshold:
        return 1
    configured = setting("IMPORT_PARTS", 0)
    if configured <= 0 and connection.vendor != "postgresql":
        # SQLite writes one transaction at a time: parts in the threads of `make run`'s worker would only wait
        # for each other's locks. Split there only when told to (the tests do; the parts then run in turn).
        return 1
    parts = configured if configured > 0 else worker_processes(hostname)
    return max(1, min(parts, setting("IMPORT_MAX_PARTS", 16), total_rows // max(1, threshold // 2) or 1))


def _items(value):
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    if isinstance(value, str):
        return value.split("|")
    return []


def rows_keys(rows, folder):
    """For each row's values, the hashes of what can make it meet another: its external id, every name key of its
    names (`identity_keys`; each new name word folded once for all the rows, with `folder`)."""
    found, texts = [], []
    for values in rows:
        keys = []
        external_id = values.get("external_id")
        if isinstance(external_id, str) and external_id.strip():
            keys.append(hash(("external_id", external_id.strip())))
            if external_id != external_id.strip():
                keys.append(hash(("external_id", external_id)))
        # A one-word name meets another only with the same birth date (`BatchWriter.same_name_and_birth_date`):
        # kept only for rows giving one, so a list of one-word names (or names folded to one word) is not all linked.
        born = values.get("birth_date")
        one_word = isinstance(born, str) and bool(born.strip())
        names = [values.get(column) for column in NAME_COLUMNS] + _items(values.get("aliases"))
        folded = set()
        first = len(texts)
        for name in names:
            if isinstance(name, str) and name.strip():
                # The same words in another order ("Surname Given" as an alias) have the same keys: folded once.
                words = " ".join(sorted(name.casefold().split()))
                if words not in folded:
                    folded.add(words)
                    texts.append(name)
        found.append((keys, one_word, first, len(texts)))
    name_keys = identity_keys_many(texts, folder)
    result = []
    for keys, one_word, first, last in found:
        for whole, parts in name_keys[first:last]:
            keys.extend(hash(key) for key in whole | parts if one_word or " " in key)
        result.append(keys)
    return result


class KeyParts:
    """key hash -> the range it was met in (or MULTI), in two flat arrays (open addressing), as `SeenKeys`."""

    def __init__(self, capacity=1 << 16):
        self._keys = array("q", bytes(8 * capacity))
        self._parts = array("b", bytes(capacity))
        self._mask = capacity - 1
        self._count = 0

    def _slot(self, key):
        keys, mask = self._keys, self._mask
        index = key & mask
        while True:
            current = keys[index]
            if current == 0 or current == key:
                return index
            index = (index + 1) & mask

    def get(self, key):
        index = self._slot(key or 1)
        return self._parts[index] if self._keys[index] else None

    def meet(self, key, part):
        """Record `key` met in `part`; a key met in two parts becomes MULTI. Returns the key's part now."""
        key = key or 1
        index = self._slot(key)
        if self._keys[index] == 0:
            self._keys[index] = key
            self._parts[index] = part
            self._count += 1
            if self._count * 2 > len(self._keys):
                self._grow()
            return part
        if self._parts[index] != part:
            self._parts[index] = MULTI
        return self._parts[index]

    def _grow(self):
        old_keys, old_parts = self._keys, self._parts
        capacity = 2 * len(old_keys)
        self._keys = array("q", bytes(8 * capacity))
        self._parts = array("b", bytes(capacity))
        self._mask = capacity - 1
        self._count = 0
        for key, part in zip(old_keys, old_parts, strict=True):
            if key:
                index = self._slot(key)
                self._keys[index] = key
                self._parts[index] = part
                self._count += 1


def linked_rows(row_numbers, offsets, keys, key_parts):
    """The rows meeting a row of another range, and the rows meeting those in turn (file order)."""
    linked = bytearray(len(row_numbers))
    changed = True
    while changed:
        changed = False
        for index in range(len(row_numbers)):
            if linked[index]:
                continue
            mine = keys[offsets[index] : offsets[index + 1]]
            if any(key_parts.get(key) == MULTI for key in mine):
                linked[index] = 1
                changed = True
                for key in mine:
                    key_parts.meet(key, MULTI)
    return [row for row, flag in zip(row_numbers, linked, strict=True) if flag]


class PartsPlan:
    def __init__(self, ranges, linked, last_row, unknown_batches, starts=None):
        self.ranges = ranges  # [(first_row, last_row)]
        self.linked = linked  # row numbers of the linked rows
        self.last_row = last_row
        self.unknown_batches = unknown_batches  # [[column, ...]] one warning each, as a single run gives them
        # first row of a range -> (the reader's position where it starts or None, rows read before it)
        self.starts = starts or {}

    def start_of(self, row):
        """Where a part whose first row is `row` starts reading: (row, position or None, rows read before)."""
        first = max((first for first, _last in self.ranges if first <= row), default=1)
        position, read = self.starts.get(first, (None, 0))
        if position is None:
            return 1, None, 0
        return first, position, read


# The columns the planner reads: a row's keys come from these alone.
KEY_COLUMNS = frozenset({"external_id", "birth_date", "aliases", *NAME_COLUMNS})
KEY_ROWS = 2000  # rows whose name words are folded together (`identity_keys_many`)


def plan_parts(stream, parts, estimated_rows, batch_size, tick=None):
    """Read the whole file once: the ranges, the linked rows, and the unknown-column warnings of a single run
    (one per batch that met new unknown columns, `batch_size` rows a batch). None when the job is better run
    by one worker (too many linked rows).

    Of a CSV it also notes where each range starts (`PartsPlan.starts`), so that a part seeks there rather than
    reading every row before its range again; it maps only the columns the keys come from."""
    size = max(1, -(-estimated_rows // parts))
    row_numbers, offsets, keys = array("l"), array("l", [0]), array("q")
    key_parts = KeyParts()
    unknown_batches, reported = [], 0
    last_row = read = 0
    range_starts = [part * size + 1 for part in range(1, parts)]
    if hasattr(stream, "seek_row"):
        stream.marks = frozenset(start - 1 for start in range_starts)
    if hasattr(stream.mapping, "only"):
        stream.mapping.only(KEY_COLUMNS)
    read_before = {}  # first row of a range -> rows read before it
    pending = iter(range_starts)
    next_start = next(pending, None)
    folder = WordFolder()
    waiting = []  # (row, range, values): their keys are found KEY_ROWS rows at a time

    def add_keys():
        for (row, part, _values), mine in zip(waiting, rows_keys([v for _r, _p, v in waiting], folder), strict=True):
            if mine:
                row_numbers.append(row)
                keys.extend(mine)
                offsets.append(len(keys))
                for key in mine:
                    key_parts.meet(key, part)
        waiting.clear()

    for row, values, _problem in stream:
        last_row = row
        while next_start is not None and row >= next_start:
            read_before[next_start] = read
            next_start = next(pending, None)
        read += 1
        if values:
            waiting.append((row, min(parts - 1, (row - 1) // size), values))
            if len(waiting) >= KEY_ROWS:
                add_keys()
        if read % batch_size == 0 and len(stream.mapping.unknown) > reported:
            unknown_batches.append(stream.mapping.unknown[reported:])
            reported = len(stream.mapping.unknown)
        if tick:
            tick()
    add_keys()
    if len(stream.mapping.unknown) > reported:
        unknown_batches.append(stream.mapping.unknown[reported:])
    linked = linked_rows(row_numbers, offsets, keys, key_parts)
    if len(linked) > MAX_LINKED_SHARE * max(1, len(row_numbers)):
        logger.info("Import: %s of %s rows meet rows of other ranges; not split.", len(linked), len(row_numbers))
        return None
    ranges = []
    for part in range(parts):
        first = part * size + 1
        last = (part + 1) * size if part < parts - 1 else max(last_row, first)
        if first <= last_row:
            ranges.append((first, min(last, last_row) if part < parts - 1 else last_row))
    positions = getattr(stream, "positions", {})
    starts = {first: (positions.get(first), read_before[first]) for first, _last in ranges if first in read_before}
    return PartsPlan(ranges, linked, last_row, unknown_batches, starts)
