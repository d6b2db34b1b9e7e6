"""Admin and management commands write only through the services: no model write of their own.

An AST scan: a call of a model-writing method (`.save()`, `.create()`, `.delete()`, `.update()`,
`bulk_create`, ...) in an admin module or a command fails this test, unless it is in the allow-list
below, each entry saying why it is not a domain write.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRITE_METHODS = {
    "save",
    "create",
    "delete",
    "update",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
# (file, the call as written) -> why it is allowed.
ALLOWED = {
    ("tracker/management/commands/ensure_admin.py", "user.save"): "the login account, not a domain record",
    ("prisoners/admin.py", "INLINE_WRITERS.update"): "a dict of the services each inline calls",
    ("releases/admin.py", "INLINE_WRITERS.update"): "a dict of the services each inline calls",
    ("releases/admin_parties.py", "INLINE_WRITERS.update"): "a dict of the services each inline calls",
    ("prisoners/admin_incommunicado.py", "INLINE_WRITERS.update"): "a dict of the services each inline calls",
    ("prisoners/admin_services.py", "writer.create"): "an InlineWriter: the services of INLINE_WRITERS",
    ("prisoners/admin_services.py", "writer.update"): "an InlineWriter: the services of INLINE_WRITERS",
    ("prisoners/admin_services.py", "writer.delete"): "an InlineWriter: the services of INLINE_WRITERS",
}


def scanned_files():
    files = [*ROOT.glob("prisoners/admin*.py"), *ROOT.glob("releases/admin*.py"), *ROOT.glob("people/admin*.py")]
    files += [path for path in ROOT.glob("*/management/commands/*.py") if path.name != "__init__.py"]
    return sorted(files)


def direct_writes(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_METHODS:
            found.append((node.lineno, ast.unparse(node.func)))
    return found


def test_the_scan_covers_the_admin_and_every_command():
    names = {str(path.relative_to(ROOT)) for path in scanned_files()}
    assert {
        "prisoners/admin.py",
        "releases/admin.py",
        "people/admin.py",
        "releases/management/commands/load_demo.py",
    } <= names


def test_a_direct_model_write_is_found(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f(person):\n    person.save()\n    Person.objects.create(full_name='x')\n")
    assert [call for _line, call in direct_writes(sample)] == ["person.save", "Person.objects.create"]


def test_admin_and_commands_write_only_through_the_services():
    offending = []
    for path in scanned_files():
        relative = str(path.relative_to(ROOT))
        for line, call in direct_writes(path):
            if (relative, call) not in ALLOWED:
                offending.append(f"{relative}:{line} {call}()")
    assert not offending, "write through prisoners/releases services instead: " + ", ".join(offending)
