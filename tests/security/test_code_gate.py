"""The CI gate: no `|safe`, no `Markup(`, no SQL built from strings, outside a reviewed list.

Templates are searched for the `safe` filter; Python under portal/ and migrations/ is
parsed, and any call to execute_sql(), raw(), SQL() or a cursor's execute() whose SQL
argument is an f-string, a `%` or `+` expression or a `.format()` call is flagged
(parameters passed separately, as `execute_sql("… %s", (value,))`, are fine).
Each exception lives in code_gate_allowlist.txt with its reason; bandit (`make lint`)
runs over portal/ as well.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWLIST = Path(__file__).with_name("code_gate_allowlist.txt")
SAFE_FILTER = re.compile(r"\|\s*safe\b")
SQL_CALLS = {"execute_sql", "raw", "SQL", "execute", "executemany"}


def allowlist() -> set[tuple[str, str]]:
    entries = set()
    for line in ALLOWLIST.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            path, what, reason = (part.strip() for part in line.split("|", 2))
            assert reason, f"{path}: every allow-list entry needs a reason"
            entries.add((path, what))
    return entries


def _built_string(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"


def findings() -> set[tuple[str, str]]:
    found = set()
    for path in sorted((ROOT / "templates").rglob("*.html")):
        if SAFE_FILTER.search(path.read_text()):
            found.add((str(path.relative_to(ROOT)), "|safe"))
    for folder in ("portal", "migrations"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            relative = str(path.relative_to(ROOT))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = (
                    node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                )
                if name == "Markup":
                    found.add((relative, "Markup("))
                if name in SQL_CALLS and node.args and _built_string(node.args[0]):
                    found.add((relative, "sql-format"))
    return found


def test_no_unreviewed_safe_markup_or_string_built_sql():
    unreviewed = sorted(findings() - allowlist())
    assert not unreviewed, "Unreviewed HTML or SQL built from strings (fix it, or add a reasoned line to " + (
        "code_gate_allowlist.txt): " + ", ".join(f"{path}: {what}" for path, what in unreviewed)
    )


def test_the_allowlist_has_no_stale_entries():
    stale = sorted(allowlist() - findings())
    assert not stale, f"code_gate_allowlist.txt excuses code that is gone: {stale}"


def test_the_gate_catches_what_it_is_for(tmp_path):
    sample = ast.parse('db.execute_sql(f"SELECT * FROM t WHERE name = \'{name}\'")\nq.raw("x %s" % y)')
    calls = [
        n for n in ast.walk(sample) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") in SQL_CALLS
    ]
    assert all(_built_string(call.args[0]) for call in calls) and len(calls) == 2
    assert SAFE_FILTER.search("{{ value | safe }}") and SAFE_FILTER.search("{{ value|safe }}")
    assert not _built_string(ast.parse('db.execute_sql("SELECT %s", (1,))').body[0].value.args[0])
