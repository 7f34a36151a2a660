"""The package as a whole: its public names, its independence and its translations."""

import ast
import gettext
import re
from pathlib import Path

import classification

PACKAGE = Path(classification.__file__).parent
PO = PACKAGE / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PUBLIC = ["Level", "LevelRule", "clearance_permits", "DeclassKind", "Protection", "RuleViolation", "ClassificationRuleError", "check_protection", "TransitMethod", "allowed_methods", "check_method", "TransitRuleError", "format_roc", "format_roc_short", "parse_roc", "RocDateError", "roc_year", "RefusalGround"]


def _modules():
    return sorted(PACKAGE.glob("*.py"))


def test_every_public_name_is_importable_from_the_package():
    for name in PUBLIC:
        assert hasattr(classification, name), name
    assert sorted(classification.__all__) == sorted(PUBLIC)


def test_the_rules_import_nothing_from_the_registry_and_only_gettext_lazy_from_django():
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                assert not module.startswith("registry"), path.name
                if module.startswith("django"):
                    allowed = {("django.utils.translation", "gettext_lazy"), ("django.apps", "AppConfig")}
                    assert {(module, alias.name) for alias in node.names} <= allowed, path.name
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith(("registry", "django")), path.name


def test_the_app_config_names_the_app_in_chinese():
    from classification.apps import ClassificationConfig

    assert ClassificationConfig.name == "classification"
    assert ClassificationConfig.verbose_name == "密等規則"


def _msgids_in_code():
    found = set()
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_":
                found.add(ast.literal_eval(node.args[0]))
    return found


def _po_entries():
    entries = {}
    text = PO.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block, re.M)
        if match:
            msgid, msgstr = (
                "".join(ast.literal_eval(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', group))
                for group in match.groups()
            )
            entries[msgid] = msgstr
    return entries


def test_the_locale_file_declares_traditional_chinese_in_utf8():
    header = _po_entries()[""]
    assert "Language: zh_Hant\n" in header
    assert "Content-Type: text/plain; charset=UTF-8\n" in header


def test_every_message_in_the_code_has_a_traditional_chinese_translation():
    entries = _po_entries()
    missing = [msgid for msgid in _msgids_in_code() if not entries.get(msgid)]
    assert missing == []


def test_translations_keep_every_placeholder_of_their_message():
    for msgid, msgstr in _po_entries().items():
        if msgid:
            placeholders = re.compile(r"%\(\w+\)[sd]")
            assert sorted(placeholders.findall(msgid)) == sorted(placeholders.findall(msgstr)), msgid


def test_the_compiled_catalogue_matches_the_locale_file():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, msgstr in _po_entries().items():
        if msgid:
            assert compiled.gettext(msgid) == msgstr, msgid
