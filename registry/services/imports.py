"""Import of existing paper registers (匯入舊登記簿): the one door for documents that were registered
on paper before the registry.

Every row is checked first, against the same rules as a registration (§7's agency and approving
official, the protection period or condition, §14's authorization for a national secret received,
the custodian's clearance, the archive's zones); a dry run stops there and reports each row's
errors with its row number and column. A real import writes all rows in one transaction or none.
Imported documents keep their historical numbers; each (year, series) counter then continues after
the highest number imported, so new registrations follow on without a gap or a duplicate. The whole
import is one audit event listing the documents it created.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from classification import DeclassKind, Level, Protection
from classification.roc import RocDateError, parse_roc, roc_year
from registry import audit, hygiene
from registry.imports import COLUMNS
from registry.models import (
    AuditAction,
    Document,
    DocumentState,
    HandlingStep,
    RegistrationCounter,
    StorageLocation,
    Unit,
    User,
)
from registry.models.documents import SERIES_BY_DIRECTION, StepKind
from registry.policies import UnitScope, require_import_register
from registry.services.archive import zone_for
from registry.services.documents import validate_registration

_NUMBER = re.compile(r"([0-9]{1,3})([收發內])([0-9]{1,6})")
DIRECTION_BY_SERIES = {series: direction for direction, series in SERIES_BY_DIRECTION.items()}
LEVEL_BY_LABEL = {level.label: level for level in Level}
TITLE_BY_KEY = {key: title for title, key, _required, _note in COLUMNS}
# The audit event lists the numbers it created up to this many (a long import names its range).
LISTED_NUMBERS = 2000


@dataclass
class RowError:
    row: int  # the line of the file (the header is line 1)
    column: str  # the column's title, or "" for the row as a whole
    message: str


@dataclass
class ImportReport:
    rows: int
    errors: list[RowError] = field(default_factory=list)
    created: list[Document] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _date(text: str, errors: list, row: int, key: str):
    if not text:
        return None
    try:
        return parse_roc(text)
    except RocDateError as exc:
        errors.append(RowError(row, TITLE_BY_KEY[key], str(exc)))
        return None


def _whole(text: str, errors: list, row: int, key: str, default: int | None):
    if not text:
        return default
    if not text.isdigit() or not 0 < int(text) <= 100_000:
        errors.append(RowError(row, TITLE_BY_KEY[key], _("Write a whole number greater than zero.")))
        return default
    return int(text)


def _check(actor: User, rows: list[dict]) -> tuple[list[Document], list[RowError]]:
    """Documents ready to save, one per row, and every error found (none saved)."""
    errors: list[RowError] = []
    units = {u.code: u for u in Unit.objects.all()}
    scope = UnitScope.of(actor)
    people = {u.username: u for u in User.objects.filter(username__in={r.get("custodian", "") for r in rows})}
    locations = {loc.code: loc for loc in StorageLocation.objects.filter(active=True)}
    seen: dict[tuple[int, str, int], int] = {}
    numbers = [m.groups() for r in rows if (m := _NUMBER.fullmatch(r.get("number", "").replace(" ", "")))]
    taken = set(
        Document.objects.filter(reg_year__in={int(y) for y, _s, _n in numbers})
        .values_list("reg_year", "reg_series", "reg_serial")
    )
    documents = []
    for index, raw in enumerate(rows, start=2):
        row_errors: list[RowError] = []

        def bad(key: str, message: str, row=index, sink=row_errors) -> None:
            sink.append(RowError(row, TITLE_BY_KEY.get(key, ""), message))

        # The same hygiene as every form and save: no text that shows other than it is stored.
        for key, text in raw.items():
            if key in TITLE_BY_KEY and (problem := hygiene.text_problem(text, TITLE_BY_KEY[key])):
                bad(key, problem)
        match = _NUMBER.fullmatch(raw.get("number", "").replace(" ", ""))
        if not match:
            bad("number", _("Write the registration number as 115收000012 (year, 收/發/內, serial)."))
            year = series = serial = None
        else:
            year, series, serial = int(match[1]), match[2], int(match[3])
            key = (year, series, serial)
            if key in taken:
                bad("number", _("This number is already in the registry."))
            elif key in seen:
                bad("number", _("The same number is on row %(row)s.") % {"row": seen[key]})
            else:
                seen[key] = index
        level = LEVEL_BY_LABEL.get(raw.get("level", ""))
        if level is None:
            bad("level", _("Write one of: %(levels)s.") % {"levels": "、".join(LEVEL_BY_LABEL)})
        subject = raw.get("subject", "")
        if not subject:
            bad("subject", _("Required."))
        approval_date = _date(raw.get("approval_date", ""), row_errors, index, "approval_date")
        declass_date = _date(raw.get("declass_date", ""), row_errors, index, "declass_date")
        received_on = _date(raw.get("received_on", ""), row_errors, index, "received_on")
        registered_on = _date(raw.get("registered_on", ""), row_errors, index, "registered_on")
        if not raw.get("registered_on"):
            bad("registered_on", _("Required."))
        if registered_on is not None and year is not None and roc_year(registered_on) != year:
            bad("number", _("The number's year is not the ROC year of its registration date."))
        today = timezone.localdate()
        for key, day in (("registered_on", registered_on), ("received_on", received_on), ("approval_date", approval_date)):
            if day is not None and day > today:
                bad(key, _("This date is in the future; an imported register records what has happened."))
        protection_years = _whole(raw.get("protection_years", ""), row_errors, index, "protection_years", None)
        pages = _whole(raw.get("pages", ""), row_errors, index, "pages", 1)
        copies = _whole(raw.get("copies_count", ""), row_errors, index, "copies_count", 1)
        unit = units.get(raw.get("unit", ""))
        if unit is None:
            bad("unit", _("No unit has this code."))
        elif unit.pk not in scope.ids:
            bad("unit", _("This unit's register is not yours to import."))
        custodian = location = None
        if raw.get("custodian") and raw.get("location"):
            bad("custodian", _("Give a custodian or a storage location, not both."))
        elif raw.get("custodian"):
            custodian = people.get(raw["custodian"])
            if custodian is None or not custodian.is_active:
                bad("custodian", _("No active person has this log-in name."))
                custodian = None
            elif custodian.unit_id not in scope.ids:
                bad("custodian", _("This person is not of your units: a custodian elsewhere takes the document by a hand-over."))
                custodian = None
            elif level is not None and (custodian.clearance or 0) < level:
                bad("custodian", _("This person is not cleared to %(level)s.") % {"level": level.label})
        elif raw.get("location"):
            location = locations.get(raw["location"])
            if location is None:
                bad("location", _("No storage location in use has this code."))
        else:
            bad("custodian", _("Give who holds the document now, or where the archive keeps it."))
        direction = DIRECTION_BY_SERIES.get(series) if series else None
        if level is not None and direction is not None:
            declass_kind = DeclassKind.DATE if declass_date else (DeclassKind.EVENT if raw.get("declass_event") else None)
            protection = Protection(
                level=level,
                approval_date=approval_date,
                protection_years=protection_years,
                declass_kind=declass_kind,
                declass_date=declass_date,
                declass_event=raw.get("declass_event", ""),
            )
            for key, messages in validate_registration(
                level=level,
                direction=direction,
                protection=protection,
                authorization_ref=raw.get("authorization_ref", ""),
                authorization_by=raw.get("authorization_by", ""),
                original_agency=raw.get("original_agency", ""),
                approving_official=raw.get("approving_official", ""),
            ).items():
                for message in messages:
                    bad(key if key in TITLE_BY_KEY else "", message)
        if row_errors:
            errors.extend(row_errors)
            continue
        registered_at = timezone.make_aware(datetime.combine(registered_on, time(9, 0)))
        document = Document(
            reg_year=year,
            reg_series=series,
            reg_serial=serial,
            direction=direction,
            subject=subject,
            level=level,
            original_agency=raw.get("original_agency", ""),
            approving_official=raw.get("approving_official", ""),
            approval_date=approval_date,
            protection_years=protection_years,
            declass_kind=protection.declass_kind or "",
            declass_date=declass_date,
            declass_event=protection.declass_event,
            declass_due_on=protection.deemed_declassified_on(),
            sender=raw.get("sender", ""),
            sender_ref=raw.get("sender_ref", ""),
            authorization_ref=raw.get("authorization_ref", ""),
            authorization_by=raw.get("authorization_by", ""),
            pages=pages,
            copies_count=copies,
            received_on=received_on or registered_on,
            registered_at=registered_at,
            # Ids, not objects: a model's relation setters cost more than the rest of a row's check.
            responsible_unit_id=unit.pk,
            handling_unit_id=unit.pk,
            registered_by_id=actor.pk,
            custodian_id=custodian.pk if custodian else None,
            state=DocumentState.IN_HANDLING if custodian else DocumentState.ARCHIVED,
            storage_location_id=location.pk if location else None,
            archived_at=registered_at if location else None,
        )
        if location is not None and location.zone != zone_for(document):
            errors.append(RowError(index, TITLE_BY_KEY["location"], _("This location is for the other zone of files.")))
            continue
        documents.append(document)
    return documents, errors


def import_register(*, actor: User, rows: list[dict], commit: bool = False) -> ImportReport:
    """Check ``rows`` (``registry.imports.read_table``) and, with ``commit`` and no error, import
    them all in one transaction."""
    require_import_register(actor)
    documents, errors = _check(actor, rows)
    report = ImportReport(rows=len(rows), errors=errors)
    if errors or not commit or not documents:
        return report
    with transaction.atomic():
        _save(actor, documents)
    report.created = documents
    report.committed = True
    return report


def _save(actor: User, documents: list[Document]) -> None:
    highest: dict[tuple[int, str], int] = defaultdict(int)
    for document in documents:
        key = (document.reg_year, document.reg_series)
        highest[key] = max(highest[key], document.reg_serial)
    # The counters first, locked in one order: a registration running now waits here, and then
    # continues after the highest imported number.
    for (year, series), serial in sorted(highest.items()):
        RegistrationCounter.objects.bulk_create(
            [RegistrationCounter(year=year, series=series, last=0)], ignore_conflicts=True
        )
        counter = RegistrationCounter.objects.select_for_update(no_key=True).get(year=year, series=series)
        already = Document.objects.filter(reg_year=year, reg_series=series).aggregate(top=Max("reg_serial"))["top"] or 0
        counter.last = max(counter.last, serial, already)
        counter.save(update_fields=["last"])
    Document.objects.bulk_create(documents, batch_size=2000)
    HandlingStep.objects.bulk_create(
        [
            HandlingStep(
                document_id=document.pk,
                kind=StepKind.REGISTER,
                actor_id=actor.pk,
                to_unit_id=document.responsible_unit_id,
                note=_("Imported from the paper register"),
                at=document.registered_at,
            )
            for document in documents
        ],
        batch_size=2000,
    )
    numbers = [d.number for d in documents]
    audit.record(
        action=AuditAction.REGISTER_IMPORT,
        actor=actor,
        details={
            "rows": len(documents),
            "first": numbers[0],
            "last": numbers[-1],
            "numbers": numbers[:LISTED_NUMBERS],
            "documents": [d.pk for d in documents][:LISTED_NUMBERS],
        },
    )
