"""Layers: an app imports only the layers below it (docs/architecture.md, "Layers: who may import whom").

An AST scan of every module of the project (imports inside functions included, relative imports
resolved, migrations left out): a lower layer importing a higher one fails, and so does an import
between two apps of the same layer. No database and no Django needed.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Lowest first. The same order is written in docs/architecture.md.
LAYERS = (
    ("tracker",),  # the base: settings, shared helpers and plumbing; knows no app
    ("prisoners",),  # people, names, detentions, sources; who sees what
    ("releases",),  # events, releases, destinations, deals, totals (a release belongs to a person)
    ("people", "imports", "corrections"),  # what needs both: a person with their releases; imports; corrections
)
# Where Django wires the apps together: these may import every layer.
COMPOSITION_ROOT = (
    "tracker.urls",
    "tracker.page_urls",
    "tracker.api_urls",
    "tracker.celery_app",
    "tracker.settings",
)
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}


def module_name(path, root=ROOT):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root=ROOT):
    for app in RANK:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" not in path.relative_to(root).parts:
                yield path


def imported_modules(path, root=ROOT):
    """(line, module) of every import in the file, relative ones made absolute, at any depth of the code."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module
            found.append((node.lineno, module))
    return found


def violations(root=ROOT):
    found = []
    for path in project_modules(root):
        name = module_name(path, root)
        if name in COMPOSITION_ROOT:
            continue
        app = name.split(".")[0]
        for line, module in imported_modules(path, root):
            target = module.split(".")[0]
            if target == app or target not in RANK:
                continue
            if RANK[target] >= RANK[app]:
                found.append(f"{path.relative_to(root)}:{line} ({app}, layer {RANK[app]}) imports {module}")
    return found


def test_no_layer_imports_a_layer_above_it_nor_a_peer():
    assert violations() == []


def test_every_app_and_root_module_is_placed():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(RANK), f"an app without a layer: {sorted(apps - set(RANK))}"
    for name in COMPOSITION_ROOT:
        assert (ROOT / (name.replace(".", "/") + ".py")).is_file(), name


def test_the_scan_finds_function_level_imports_and_resolves_relative_ones(tmp_path):
    (tmp_path / "prisoners" / "api").mkdir(parents=True)
    (tmp_path / "releases").mkdir()
    (tmp_path / "prisoners" / "api" / "views.py").write_text(
        "from ..models import Source\n\n\ndef f():\n    from releases import services\n", encoding="utf-8"
    )
    (tmp_path / "releases" / "views.py").write_text("from . import models\nimport people.views\n", encoding="utf-8")
    (tmp_path / "releases" / "fine.py").write_text("import prisoners.models\nfrom tracker import values\n")
    assert imported_modules(tmp_path / "prisoners" / "api" / "views.py", tmp_path) == [
        (1, "prisoners.models"),
        (5, "releases"),
    ]
    assert violations(tmp_path) == [
        "prisoners/api/views.py:5 (prisoners, layer 1) imports releases",
        "releases/views.py:2 (releases, layer 2) imports people.views",
    ]
