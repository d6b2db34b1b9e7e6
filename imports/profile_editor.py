"""The profile editor's form: a sample's header mapped with drop-downs and value tables, read back into a mapping.

The page posts plain fields (`map_<i>`, `also_<i>` for header i, `value_<i>_<j>` for its j-th sample
value, `const_<column>`, `regex_<column>`, `term`); `mapping_from_post` turns them into the mapping an
`ImportProfile` stores, `editor_rows` turns a profile and a sample back into the page's rows.
"""

import json

from django.utils.translation import gettext_lazy as _

from imports.mapping import ColumnMapping
from imports.models import CANONICAL_COLUMNS
from prisoners.models import Gender, PrisonerStatus, Visibility

TOKEN_COLUMNS = ("status", "gender", "visibility")
IGNORE = "__ignore__"
EMPTY = "__empty__"
VALUE_TABLE_LIMIT = 12  # a column with more distinct sample values than this is not a list of tokens
TOKEN_CHOICES = (
    (_("status"), PrisonerStatus.choices),
    (_("gender"), Gender.choices),
    (_("visibility"), Visibility.choices),
)


def sample_from_post(post) -> dict:
    try:
        sample = json.loads(post.get("sample_json") or "{}")
    except json.JSONDecodeError:
        sample = {}
    if not isinstance(sample, dict):
        sample = {}
    header = [str(h) for h in sample.get("header") or []][:500]
    rows = [row for row in sample.get("rows") or [] if isinstance(row, list)][:20]
    return {"format": sample.get("format", "csv"), "header": header, "rows": rows}


def _distinct_values(sample, index):
    seen = []
    for row in sample["rows"]:
        value = row[index] if index < len(row) else ""
        for item in value if isinstance(value, list) else [value]:
            item = str(item).strip()
            if item and item not in seen:
                seen.append(item)
    return seen


def mapping_from_post(post, sample) -> dict:
    """The mapping the editor's fields describe."""
    column_map, ignored, value_map = {}, [], {}
    for index, header in enumerate(sample["header"]):
        chosen = [post.get(f"map_{index}", ""), post.get(f"also_{index}", "")]
        if chosen[0] == IGNORE:
            ignored.append(header)
            continue
        targets = list(dict.fromkeys(t for t in chosen if t in CANONICAL_COLUMNS))
        if not targets:
            continue
        column_map[header] = targets[0] if len(targets) == 1 else targets
        values = _distinct_values(sample, index)
        for position, value in enumerate(values[:VALUE_TABLE_LIMIT]):
            choice = post.get(f"value_{index}_{position}", "")
            if choice:
                value_map.setdefault(targets[0], {})[value] = "" if choice == EMPTY else choice
    constants = {c: post[f"const_{c}"].strip() for c in CANONICAL_COLUMNS if post.get(f"const_{c}", "").strip()}
    transforms = {
        c: {"regex": post[f"regex_{c}"].strip()} for c in CANONICAL_COLUMNS if post.get(f"regex_{c}", "").strip()
    }
    if post.get("term"):
        transforms["sentence_months"] = {"term": "months"}
    empty_values = [v.strip() for v in post.get("empty_values", "").replace("\n", ",").split(",") if v.strip()]
    return {
        "source_list": post.get("source_list", "").strip(),
        "column_map": column_map,
        "value_map": value_map,
        "empty_values": empty_values,
        "constants": constants,
        "ignored_columns": ignored,
        "transforms": transforms,
        "separator": post.get("separator", "; "),
        "on_name_match": post.get("on_name_match", "flag"),
        "keep_bad_fields": bool(post.get("keep_bad_fields")),
    }


def header_of(mapping) -> list:
    """A profile's known headers, for editing it without a sample."""
    return list(dict.fromkeys([*(mapping.get("column_map") or {}), *(mapping.get("ignored_columns") or [])]))


def editor_rows(mapping, sample) -> list:
    """One row per header of the sample: its targets, whether ignored, its sample values and their mapping."""
    columns = ColumnMapping(sample["header"], mapping)
    ignored = {h.strip().casefold() for h in mapping.get("ignored_columns") or []}
    rows = []
    for index, header in enumerate(sample["header"]):
        targets = columns.targets_for(header)
        values = _distinct_values(sample, index)
        table = []
        if len(values) <= VALUE_TABLE_LIMIT:
            mapped_values = (mapping.get("value_map") or {}).get(targets[0], {}) if targets else {}
            their = {str(k).strip().casefold(): v for k, v in mapped_values.items()}
            for position, value in enumerate(values):
                mapped = their.get(value.casefold())
                table.append({"position": position, "value": value, "choice": EMPTY if mapped == "" else mapped or ""})
        rows.append(
            {
                "index": index,
                "header": header,
                "target": IGNORE if header.strip().casefold() in ignored else (targets[0] if targets else ""),
                "also": targets[1] if len(targets) > 1 else "",
                "examples": values[:3],
                "values": table,
                "tokens": bool(targets) and targets[0] in TOKEN_COLUMNS,
            }
        )
    return rows
