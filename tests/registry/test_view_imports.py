"""The view modules stand side by side: none imports another, except the shared bases.

``registry.views.base`` (the page gate, pagination, return addresses) and ``registry.views.actions``
(the one shape of an action) are what views build on; a view module importing another view module
is how an import circle among them grew, and what made one page's rules leak into another's.
"""

from __future__ import annotations

import ast
from pathlib import Path

VIEWS = Path(__file__).resolve().parents[2] / "registry" / "views"
SHARED = {"registry.views.base", "registry.views.actions"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_view_module_imports_another_except_the_shared_bases():
    modules = {f"registry.views.{path.stem}": path for path in VIEWS.glob("*.py") if path.stem != "__init__"}
    offending = {}
    for name, path in modules.items():
        others = {m for m in imported_modules(path) if m in modules and m not in SHARED and m != name}
        if others:
            offending[name] = sorted(others)
    assert not offending, f"view modules importing other view modules: {offending}"


def test_the_shared_bases_import_no_view_module():
    modules = {f"registry.views.{path.stem}" for path in VIEWS.glob("*.py") if path.stem != "__init__"}
    for name in SHARED:
        path = VIEWS / f"{name.rsplit('.', 1)[1]}.py"
        others = {m for m in imported_modules(path) if m in modules and m not in SHARED}
        assert not others, f"{name} imports {sorted(others)}"
