"""A profile's mapping of another tracker's file to our columns: what an editor maps is what gets stored.

A mapping (the dict an `ImportProfile` freezes on a job) says:
- `column_map`: their header -> our column, or a list of our columns (one column used twice);
- `value_map`: our column -> {their value: our value}; `empty_values`: cells meaning "not said";
- `constants`: our column -> one value for every row (country "BY");
- `ignored_columns`: their headers read by nobody, and not warned about;
- `transforms`: our column -> {"regex": pattern} (the first group, else the match, of each value) or
  {"term": "months"} (a sentence term such as "2 1/2 years" or "1 year 6 months" -> 30, 18);
- `separator`: what joins several columns mapped to one text column (default "; ");
- `on_name_match`: "flag" (default) or "attach" a row whose external id is new but whose name and
  birth date match a stored person; `keep_bad_fields`: store a row without its bad fields.

Several columns into one list column add items; into a text column that can hold several texts
(`JOINABLE_COLUMNS`) they are joined with `separator`; into any other column the mapping is refused
(`mapping_problems`), so a later column never silently overwrites an earlier one.
"""

import re
from datetime import date, datetime
from fractions import Fraction

from django.utils.translation import gettext as _

from imports.models import CANONICAL_COLUMNS, LIST_COLUMNS
from imports.xlsx import TooLong

LIST_SEPARATOR = "|"
DEFAULT_SEPARATOR = "; "
JOINABLE_COLUMNS = frozenset({"sentence", "notes", "place_of_detention"})
TRANSFORM_KINDS = ("regex", "term")
NAME_MATCH_CHOICES = ("flag", "attach")
# The key under which a mapped record keeps the row's raw cells, to name the column and value of an error.
RAW = "\x00raw"

_NUMBER = r"(\d+(?:[.,]\d+)?(?:\s+\d+/\d+)?|\d+/\d+)"
_UNITS = {
    "year": 12,
    "years": 12,
    "yr": 12,
    "yrs": 12,
    "y": 12,
    "год": 12,
    "года": 12,
    "лет": 12,
    "г": 12,
    "гадоў": 12,
    "гады": 12,
    "рік": 12,
    "роки": 12,
    "років": 12,
    "month": 1,
    "months": 1,
    "mo": 1,
    "mos": 1,
    "m": 1,
    "месяц": 1,
    "месяца": 1,
    "месяцев": 1,
    "мес": 1,
    "месяцы": 1,
    "месяцаў": 1,
    "місяць": 1,
    "місяці": 1,
    "місяців": 1,
}
_TERM_PART = re.compile(_NUMBER + r"\s*([^\W\d_]+)\.?", re.IGNORECASE)


def term_months(text):
    """Whole months of a sentence term ("2 1/2 years" -> 30, "19 months" -> 19), or None if it says none."""
    total = Fraction(0)
    found = False
    for number, unit in _TERM_PART.findall(text or ""):
        factor = _UNITS.get(unit.casefold())
        if factor is None:
            continue
        whole, _space, fraction = number.replace(",", ".").partition(" ")
        value = Fraction(whole) if "/" in whole else Fraction(whole)
        if fraction:
            value += Fraction(fraction)
        total += value * factor
        found = True
    if not found:
        if re.fullmatch(r"\s*\d+\s*", text or ""):
            return int(text)
        return None
    return int(total)


def cell_text(value):
    """A cell as text: XLSX and JSON cells may be numbers, dates or booleans."""
    if value is None or isinstance(value, TooLong):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if not (value.hour or value.minute or value.second) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _fold(text):
    return str(text).strip().casefold()


def _targets(value):
    """Our columns for one column_map entry: a name or a list of names."""
    values = value if isinstance(value, list) else [value]
    return [_fold(v) for v in values if isinstance(v, str) and v.strip()]


def mapping_problems(mapping):
    """{part of the profile: message} for what a mapping cannot mean; empty when it is sound."""
    problems = {}
    column_map = mapping.get("column_map") or {}
    if not isinstance(column_map, dict) or not all(
        isinstance(k, str) and (isinstance(v, str) or (isinstance(v, list) and all(isinstance(i, str) for i in v)))
        for k, v in column_map.items()
    ):
        return {"column_map": _("Give an object of their header -> our column (or a list of our columns).")}
    transforms = mapping.get("transforms") or {}
    if not isinstance(transforms, dict) or not all(isinstance(v, dict) for v in transforms.values()):
        return {"transforms": _('Give an object of our column -> {"regex": pattern} or {"term": "months"}.')}
    constants = mapping.get("constants") or {}
    if not isinstance(constants, dict) or not all(isinstance(v, str) for v in constants.values()):
        return {"constants": _("Give an object of our column -> the value for every row.")}

    sources = {}
    for header, value in column_map.items():
        for target in _targets(value):
            sources.setdefault(target, []).append(header)
    unknown = sorted(
        {t for t in [*sources, *map(_fold, constants), *map(_fold, transforms)] if t not in CANONICAL_COLUMNS}
    )
    if unknown:
        problems["column_map"] = _("Not import columns: %(names)s.") % {"names": ", ".join(unknown)}
        return problems
    folded_transforms = {_fold(k): v for k, v in transforms.items()}
    clashes = []
    for target, headers in sources.items():
        if len(headers) < 2 or target in LIST_COLUMNS or target in JOINABLE_COLUMNS:
            continue
        if target == "sentence_months" and "term" in folded_transforms.get(target, {}):
            continue  # the terms of several columns add up
        clashes.append(
            _("%(headers)s all map to %(column)s, which holds one value")
            % {"headers": ", ".join(headers), "column": target}
        )
    if clashes:
        problems["column_map"] = (
            "; ".join(clashes)
            + ". "
            + _("Map only one of them, or map them to a text or list column (%(columns)s).")
            % {"columns": ", ".join(sorted(JOINABLE_COLUMNS | LIST_COLUMNS))}
        )
    both = sorted(set(sources) & {_fold(k) for k in constants})
    if both:
        problems["constants"] = _("%(names)s both come from a column and have a constant value: keep one.") % {
            "names": ", ".join(both)
        }
    for target, spec in folded_transforms.items():
        kinds = [k for k in spec if k in TRANSFORM_KINDS]
        if len(kinds) != 1 or len(spec) != 1:
            problems["transforms"] = _('%(column)s: give one of {"regex": pattern} or {"term": "months"}.') % {
                "column": target
            }
        elif "regex" in spec:
            try:
                re.compile(str(spec["regex"]))
            except re.error as exc:
                problems["transforms"] = _("%(column)s: the regular expression is invalid (%(reason)s).") % {
                    "column": target,
                    "reason": exc,
                }
        elif target != "sentence_months":
            problems["transforms"] = _("A term becomes sentence_months only, not %(column)s.") % {"column": target}
    ignored = mapping.get("ignored_columns") or []
    if not isinstance(ignored, list) or not all(isinstance(v, str) for v in ignored):
        problems["ignored_columns"] = _("Give a list of their headers.")
    if mapping.get("on_name_match", "flag") not in NAME_MATCH_CHOICES:
        problems["on_name_match"] = _("Give one of: %(values)s.") % {"values": ", ".join(NAME_MATCH_CHOICES)}
    if not isinstance(mapping.get("separator", DEFAULT_SEPARATOR), str):
        problems["separator"] = _("Give a text.")
    return problems


class ColumnMapping:
    """Their header -> our columns, their values -> our tokens; built once per file."""

    def __init__(self, header, mapping=None):
        mapping = mapping or {}
        self.column_map = {_fold(k): _targets(v) for k, v in (mapping.get("column_map") or {}).items()}
        self.value_map = {
            _fold(col): {_fold(k): "" if v is None else str(v) for k, v in values.items()}
            for col, values in (mapping.get("value_map") or {}).items()
        }
        self.empty_values = {_fold(v) for v in mapping.get("empty_values") or []}
        self.constants = {_fold(k): str(v).strip() for k, v in (mapping.get("constants") or {}).items()}
        self.ignored = {_fold(v) for v in mapping.get("ignored_columns") or []}
        self.separator = mapping.get("separator", DEFAULT_SEPARATOR)
        self.on_name_match = mapping.get("on_name_match", "flag")
        self.keep_bad_fields = bool(mapping.get("keep_bad_fields"))
        self.regexes = {}
        self.terms = set()
        for target, spec in (mapping.get("transforms") or {}).items():
            if "regex" in spec:
                self.regexes[_fold(target)] = re.compile(str(spec["regex"]))
            elif "term" in spec:
                self.terms.add(_fold(target))
        self.joined = JOINABLE_COLUMNS | self.terms
        self.header = [str(h).strip() for h in header]
        self.targets = []  # (position, our column) for every mapped column, a column used twice twice
        self.unknown = []  # their columns we do not read, in the order first seen
        self.sources = {}  # our column -> their headers, for the error report
        self._key_targets = {}
        for position, name in enumerate(self.header):
            targets = self.targets_for(name)
            if name in self.header[:position]:  # the same header again: a second source for its columns
                for target in targets:
                    self.sources[target].append(name)
            for target in targets:
                self.targets.append((position, target))
        self.columns = {target for _position, target in self.targets} | set(self.constants)
        # Per mapped cell: is it a plain copy (one source, no list, transform or value map)?
        counts = {}
        for _position, target in self.targets:
            counts[target] = counts.get(target, 0) + 1
        self._plan = [
            (
                position,
                target,
                counts[target] == 1
                and target not in LIST_COLUMNS
                and target not in self.regexes
                and target not in self.value_map,
            )
            for position, target in self.targets
        ]
        self._finishing = bool(self.constants or self.terms)
        self.width = len(self.header)

    def targets_for(self, name):
        """Our columns for their column `name` (unknown ones are remembered, ignored ones are not)."""
        if name in self._key_targets:
            return self._key_targets[name]
        key = _fold(name)
        targets = self.column_map.get(key) or ([key] if key in CANONICAL_COLUMNS else [])
        if not targets and key and key not in self.ignored:
            self.unknown.append(str(name).strip())
        for target in targets:
            if str(name).strip() not in self.sources.setdefault(target, []):
                self.sources[target].append(str(name).strip())
        self._key_targets[name] = targets
        return targets

    def target_for(self, name):
        targets = self.targets_for(name)
        return targets[0] if targets else None

    def duplicate_problem(self):
        """A message when the file itself gives one single-value column twice (no profile can join them)."""
        clashes = sorted(
            target
            for target, headers in self.sources.items()
            if len(headers) > 1
            and target not in LIST_COLUMNS
            and target not in JOINABLE_COLUMNS
            and not (target == "sentence_months" and target in self.terms)
        )
        if not clashes:
            return None
        return _("Several columns give %(columns)s, which holds one value (%(headers)s): keep one of them.") % {
            "columns": ", ".join(clashes),
            "headers": ", ".join(h for t in clashes for h in self.sources[t]),
        }

    def missing_full_name_message(self):
        found = ", ".join(h for h in self.header if h)[:300] or _("nothing")
        return _(
            "The header row has no full_name column (found: %(found)s). The first row must name the columns; "
            "use a profile to map other headers."
        ) % {"found": found}

    def clean_value(self, target, value):
        """One cell's value as our column expects it: stripped, 'empty' markers, transform and value map applied."""
        if isinstance(value, list):
            return [item for item in (self.clean_value(target, v) for v in value) if item]
        text = cell_text(value).strip()
        if not text:
            return ""
        folded = text.casefold()
        if folded in self.empty_values:
            return ""
        pattern = self.regexes.get(target)
        if pattern is not None:
            found = pattern.search(text)
            if found:
                text = (found.group(1) if pattern.groups else found.group(0)).strip()
                folded = text.casefold()
        values = self.value_map.get(target)
        if values and folded in values:
            return values[folded].strip()
        return text

    def _put(self, record, target, raw):
        if target in LIST_COLUMNS:
            items = raw if isinstance(raw, list) else cell_text(raw).split(LIST_SEPARATOR)
            if raw.__class__ is str and target not in self.regexes and target not in self.value_map:
                # Text items with no transform: clean_value is strip and the 'empty' markers, done inline.
                empty = self.empty_values
                cleaned = [text for text in map(str.strip, items) if text and text.casefold() not in empty]
            else:
                cleaned = [v for v in (self.clean_value(target, i) for i in items) if v]
            record.setdefault(target, []).extend(cleaned)
        elif isinstance(raw, (list, dict)):
            record[target] = None  # a nested value where text is expected: reported by the row rules
        else:
            value = self.clean_value(target, raw)
            previous = record.get(target)
            if previous and value and target in self.joined:
                record[target] = previous + self.separator + value
            elif value or target not in record:
                record[target] = value

    def _finish(self, record):
        for target, value in self.constants.items():
            record[target] = [value] if target in LIST_COLUMNS else value
        for target in self.terms:
            text = record.get(target)
            if isinstance(text, str) and text:
                months = term_months(text.replace(self.separator, " "))
                if months is not None:
                    record[target] = str(months)
        return record

    def only(self, columns):
        """Map only our `columns` from now on (`map_cells`): each column's value is what a full mapping gives it,
        for a reader that needs no other (the planner of a split job, `imports.split`)."""
        self._plan = [entry for entry in self._plan if entry[1] in columns]
        return self

    def map_cells(self, cells):
        """A list of cells (CSV, XLSX) -> {our column: text or list}, keeping the raw cells under RAW."""
        record = {RAW: cells}
        width = len(cells)
        put = self._put
        for position, target, plain in self._plan:
            raw = cells[position] if position < width else ""
            if plain and raw.__class__ is str:  # the common case: one text cell to one text column
                value = raw.strip()
                if value and (not self.empty_values or value.casefold() not in self.empty_values):
                    record[target] = value
                elif target not in record:
                    record[target] = ""
                continue
            put(record, target, raw)
        return self._finish(record) if self._finishing else record

    def map_object(self, obj):
        """A JSON object -> {our column: text or list}; keys are matched like headers."""
        record = {RAW: obj}
        for key, raw in obj.items():
            for target in self.targets_for(key):
                self._put(record, target, raw)
        return self._finish(record)

    def describe(self, record, field):
        """(their column(s), their value(s)) behind our `field` of a mapped record, for an error report."""
        if not field:
            return "", ""
        if field in self.constants:
            return _("(constant)"), self.constants[field]
        headers = self.sources.get(field, [])
        raw = record.get(RAW) if record else None
        values = []
        for header in headers:
            if isinstance(raw, dict):
                value = next((v for k, v in raw.items() if str(k).strip() == header), None)
            elif isinstance(raw, list) and header in self.header:
                position = self.header.index(header)
                value = raw[position] if position < len(raw) else None
            else:
                value = None
            text = LIST_SEPARATOR.join(cell_text(v) for v in value) if isinstance(value, list) else cell_text(value)
            if text.strip():
                values.append((header, text.strip()))
        if not values:
            return ", ".join(headers), ""
        return ", ".join(h for h, _v in values), " | ".join(v for _h, v in values)
