"""Every string the platform's pages and messages show goes through gettext and has an English
entry in the shared catalog (no GNU gettext needed: templates are read with Django's own
``templatize``, Python modules with ``ast``)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation.template import templatize

import onething

# every app with user-facing text (plugins, settings and the test packages have none)
APPS = [
    "accounts", "cases", "catalog", "certificates", "core", "datahub", "hotline", "insight",
    "org", "ratings", "webhooks",
]  # fmt: skip
GETTEXT = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
PGETTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
STRING = r"""(u?'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
# templatize writes {% translate %} as gettext(u'…') and a tag's _("…") as _("…")
TEMPLATE_CALL = re.compile(rf"(?<!\w)(n?p?gettext|_)\({STRING}(?:,\s*{STRING})?")


def _sources(app: str, suffix: str) -> list[Path]:
    root = Path(onething.__file__).parent / app
    return [
        path
        for path in sorted(root.rglob(f"*{suffix}"))
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def _from_python(path: Path) -> set[tuple[str | None, str]]:
    found: set[tuple[str | None, str]] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        args = [
            a.value
            for a in node.args[:2]
            if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        if name in GETTEXT and args:
            found.add((None, args[0]))
        elif name in PGETTEXT and len(args) == 2:
            found.add((args[0], args[1]))
    return found


def _from_template(path: Path) -> set[tuple[str | None, str]]:
    found: set[tuple[str | None, str]] = set()
    for name, first, second in TEMPLATE_CALL.findall(templatize(path.read_text())):
        first = ast.literal_eval(first)
        if name.startswith(("pgettext", "npgettext")):
            found.add((first, ast.literal_eval(second)))
        else:
            found.add((None, first))
    return found


def used_msgids(app: str) -> set[tuple[str | None, str]]:
    found: set[tuple[str | None, str]] = set()
    for path in _sources(app, ".py"):
        found |= _from_python(path)
    for path in _sources(app, ".html"):
        found |= _from_template(path)
    return found


@pytest.fixture(scope="module")
def catalog() -> set[tuple[str | None, str]]:
    po = polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / "en/LC_MESSAGES/django.po"))
    return {(entry.msgctxt, entry.msgid) for entry in po if entry.translated()}


@pytest.mark.parametrize("app", APPS)
def test_every_string_of_the_app_has_english(app, catalog):
    used = used_msgids(app)
    assert used  # the reader found the strings
    missing = sorted(msgid for context, msgid in used - catalog)
    assert missing == [], f"{app}: no English for {missing[:10]}"


def test_the_reader_sees_template_and_code_strings():
    used = {msgid for _context, msgid in used_msgids("hotline")}
    assert "提问" in used  # {% translate %} in help.html
    assert "关于“%(q)s”" in used  # {% blocktranslate %} with a variable
    assert "派单被拒绝" in used  # gettext_noop in workflow.py
    assert "已派单至%(department)s。" in used  # gettext in views_staff.py
    assert "按部门统计" in {msgid for _context, msgid in used_msgids("insight")}  # a tag's _("…")
