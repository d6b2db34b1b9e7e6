"""The project documents itself: nothing refers to a file outside the repository, every link in the
README and docs/ leads to a file that exists, and no broker runtime state sits in the checkout."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = re.compile(r"DESIGN\.md|\.\./shared|\.\./data/")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def tracked_files():
    try:
        listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in listed.splitlines() if (ROOT / name).is_file()]


def test_no_file_refers_to_documents_outside_the_repository():
    this_file = Path(__file__).resolve()
    offenders = []
    for path in tracked_files():
        if path == this_file or path.suffix not in {".py", ".md", ".html", ".txt", ".toml", ".yml", ".cfg", ""}:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
    assert offenders == []


def test_every_link_in_the_documentation_leads_to_a_file():
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *ROOT.glob("*/demo_data/README.md")]
    broken = []
    for document in documents:
        for target in LINK.findall(document.read_text(encoding="utf-8")):
            if "://" not in target and not (document.parent / target).exists():
                broken.append(f"{document.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_the_filesystem_broker_keeps_its_control_folder_under_var():
    assert "control/" in (ROOT / ".gitignore").read_text().splitlines()
    assert not any(path.relative_to(ROOT).parts[0] == "control" for path in tracked_files())
    if not settings.REDIS_URL:
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        assert Path(options["control_folder"]) == settings.CELERY_QUEUE_DIR / "control"
