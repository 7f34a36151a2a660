"""The zh-Hant catalogues are complete, well-formed and compiled.

Traditional Chinese is the registry's default language, so every message in the catalogues must be
translated: no empty msgstr, no entry left ``#, fuzzy`` by makemessages, every ``%(name)s``
placeholder kept, and the committed ``.mo`` (which Django actually loads) must hold exactly what the
``.po`` says. The ``.po`` is read by a small parser here, so the test needs nothing but the standard
library; ``msgfmt --check`` (GNU gettext) is run too where it is installed.

Running makemessages in a test would be slow and would rewrite the catalogues; whether the catalogue
covers the current source is checked by running makemessages by hand (see the README) and then this
test.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = [
    ROOT / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po",
    ROOT / "classification" / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def parse_po(path: Path) -> list[Entry]:
    """The live (non-obsolete) entries of a .po file, header included."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None  # which field the next continuation string extends

    def finish():
        nonlocal entry, target
        if entry is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):  # obsolete: not part of the catalogue
            continue
        if line.startswith("#"):
            if entry is not None and target is not None:  # a comment after msgstr starts a new entry
                finish()
            if entry is None:
                entry = Entry(line=number)
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        value = ast.literal_eval(rest)
        assert isinstance(value, str), f"{path}:{number}: not a string"
        if keyword == "":
            assert entry is not None and target is not None, f"{path}:{number}: stray string"
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, name, getattr(entry, name) + value)
            continue
        if keyword in ("msgctxt", "msgid") and entry is not None and entry.msgstr:
            finish()
        if entry is None:
            entry = Entry(line=number)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, value)
            target = (keyword, None)
        elif keyword == "msgstr":
            entry.msgstr[0] = value
            target = ("msgstr", 0)
        elif keyword.startswith("msgstr["):
            index = int(keyword[len("msgstr["):-1])
            entry.msgstr[index] = value
            target = ("msgstr", index)
        else:
            raise AssertionError(f"{path}:{number}: unknown keyword {keyword!r}")
    finish()
    return entries


def plural_count(header: Entry) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr[0])
    assert match, "the header has no Plural-Forms"
    return int(match.group(1))


def where(path: Path, entry: Entry) -> str:
    return f"{path.relative_to(ROOT)}:{entry.line} {entry.msgid!r}"


@pytest.fixture(params=CATALOGUES, ids=lambda p: str(p.relative_to(ROOT).parts[0]))
def catalogue(request):
    path = request.param
    entries = parse_po(path)
    header, messages = entries[0], entries[1:]
    assert header.msgid == "", "the first entry must be the header"
    assert messages, f"{path} holds no message"
    return path, header, messages


def test_every_message_is_translated_and_none_is_fuzzy(catalogue):
    path, header, messages = catalogue
    assert "fuzzy" not in header.flags
    fuzzy = [where(path, e) for e in messages if "fuzzy" in e.flags]
    untranslated = [where(path, e) for e in messages if not all(e.msgstr.values()) or not e.msgstr]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries:\n" + "\n".join(fuzzy)
    assert not untranslated, f"{len(untranslated)} untranslated entries:\n" + "\n".join(untranslated)


def test_plural_forms_and_placeholders_are_kept(catalogue):
    path, header, messages = catalogue
    nplurals = plural_count(header)
    problems = []
    for e in messages:
        if e.msgid_plural is not None:
            if sorted(e.msgstr) != list(range(nplurals)):
                problems.append(f"{where(path, e)}: {len(e.msgstr)} plural forms, the header says {nplurals}")
            wanted = set(PLACEHOLDER.findall(e.msgid_plural))
        else:
            wanted = set(PLACEHOLDER.findall(e.msgid))
        for text in e.msgstr.values():
            if set(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"{where(path, e)}: placeholders {sorted(wanted)} became {text!r}")
    assert not problems, "\n".join(problems)


def test_the_compiled_catalogue_matches_the_po(catalogue):
    """The .mo Django loads holds exactly the .po's translations (compilemessages was run)."""
    path, header, messages = catalogue
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run compilemessages"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    expected: dict[object, str] = {"": header.msgstr[0]}
    for e in messages:
        if e.msgid_plural is not None:
            expected.update({(e.key, index): text for index, text in e.msgstr.items()})
        else:
            expected[e.key] = e.msgstr[0]
    missing = sorted(str(k) for k in expected.keys() - compiled.keys())
    stale = sorted(str(k) for k in compiled.keys() - expected.keys())
    changed = sorted(str(k) for k in expected.keys() & compiled.keys() if k != "" and expected[k] != compiled[k])
    assert not (missing or stale or changed), (
        f"{mo.relative_to(ROOT)} is out of date with its .po; run compilemessages.\n"
        f"missing: {missing[:10]}\nstale: {stale[:10]}\nchanged: {changed[:10]}"
    )


def test_msgfmt_check_passes_with_no_untranslated_or_fuzzy(catalogue, tmp_path):
    # `make test` installs Debian's gettext; without it this fails rather than skips.
    assert shutil.which("msgfmt"), "GNU gettext (msgfmt) is missing: `make test` installs Debian's gettext"
    path, _header, messages = catalogue
    result = subprocess.run(
        [shutil.which("msgfmt"), "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip()
    assert re.fullmatch(r"\d+ translated messages?\.", statistics), statistics
    assert int(statistics.split()[0]) == len(messages)
