"""registry.rules is pure: no Flask, no database, nothing else of registry."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import registry.rules

RULES_DIR = Path(registry.rules.__file__).parent
# Calendars only: chinese_calendar (official 调休) and holidays (statutory days of later years).
ALLOWED_THIRD_PARTY = {"chinese_calendar", "holidays"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: use absolute imports"
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_rules_import_only_stdlib_and_themselves(path):
    for name in imported_modules(path):
        top = name.split(".")[0]
        if name == "registry.rules" or name.startswith("registry.rules."):
            continue
        assert top != "registry", f"{path.name} imports {name}"
        assert top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY, \
            f"{path.name} imports {name}"
