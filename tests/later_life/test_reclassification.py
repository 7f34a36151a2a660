"""A level changes only by a recorded decision (國家機密保護法第10、11條), which owes a change notice
(變更或註銷通知單) to everyone who holds a copy or was approved to receive the document."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.translation import override

from classification import Level, clearance_permits
from classification.declassification import add_years
from registry.errors import (
    InvalidTransition,
    NotPermitted,
    RegistryError,
    ValidationFailed,
)
from registry.models import (
    AuditAction,
    ClassificationDecision,
    CopyState,
    DecisionKind,
    Document,
    DocumentCopy,
    DocumentState,
    ReclassificationNotice,
)
from registry.policies import can_know
from registry.roles import Role
from registry.services.declassification import notice_mark_told, reclassify
from registry.services.distribution import (
    copy_return,
    distribution_decide,
    distribution_request,
    reproduction_decide,
    reproduction_request,
)
from tests.later_life.helpers import refused
from tests.support import actions_since, details, head_seq, the_event

REASON = "情勢變更，已無原密等之必要"
AUTHORITY = "國防部115年3月1日國密字第1150000042號函"
# The test documents are 國防部's: a change is recorded only with its decision (§10).
BY_THE_AGENCY = {
    "authority": AUTHORITY,
    "agency": "國防部",
    "agency_decided_on": date(2026, 3, 1),
    "agency_ref": "國密字第1150000042號",
}
REGISTRY = Path(__file__).resolve().parents[2] / "registry"


@pytest.fixture
def colleagues(make_person, handling_unit):
    """Three colleagues of the handling unit cleared to 絕對機密: two approved, one refused."""
    return [
        make_person(unit=handling_unit, username=f"colleague_{n}", full_name=f"同仁{n}") for n in ("a", "b", "c")
    ]


@pytest.fixture
def distributed(walk, handler, supervisor, colleagues):
    """A 機密 document registered in three copies, in handling with: colleague a approved and holding
    copy 1; colleague b approved whose copy 2 has been returned; colleague c refused; the handler
    holding reproduction copy 4 (a reproduction is numbered after the registered copies)."""
    a, b, c = colleagues
    document = walk(DocumentState.IN_HANDLING, copies_count=3)
    request = distribution_request(document=document, actor=handler, recipients=[a, b, c], reason="會簽")
    for person, approve in ((a, True), (b, True), (c, False)):
        distribution_decide(
            recipient=request.recipients.get(user=person), actor=supervisor, approve=approve, reason="核定"
        )
    copy_return(copy=DocumentCopy.objects.get(document=document, holder=b), actor=supervisor)
    reproduction = reproduction_request(document=document, actor=handler, kind="copy", reason="附卷")
    reproduction_decide(request=reproduction, actor=supervisor, approve=True, reason="准予複製")
    held = dict(DocumentCopy.objects.filter(document=document, state=CopyState.HELD).values_list("holder_id", "number"))
    assert held == {a.pk: 1, handler.pk: 4}
    return Document.objects.get(pk=document.pk)


def _notices(decision) -> dict[int, int | None]:
    """recipient id → copy number (None: an approved recipient with no copy out)."""
    return {
        n.recipient_id: (n.copy.number if n.copy else None)
        for n in ReclassificationNotice.objects.filter(decision=decision).select_related("copy")
    }


def test_downgrade_records_the_decision_and_owes_notice_to_holders_and_approved_recipients(
    distributed, supervisor, handler, colleagues
):
    a, b, c = colleagues
    document = distributed
    seq = head_seq()

    decision = reclassify(
        document=document,
        actor=supervisor,
        kind=DecisionKind.DOWNGRADE,
        reason=f" {REASON} ",
        **BY_THE_AGENCY,
        new_level=Level.OFFICIAL_SECRET,
    )

    document.refresh_from_db()
    assert document.level == Level.OFFICIAL_SECRET
    assert document.protection_years == 5  # kept when no new period is given
    assert document.declassified_on is None
    assert decision.kind == "downgrade"
    assert (decision.old_level, decision.new_level) == (Level.CONFIDENTIAL, Level.OFFICIAL_SECRET)
    assert (decision.old_protection_years, decision.new_protection_years) == (5, 5)
    assert decision.reason == REASON and decision.authority == AUTHORITY and decision.decided_by == supervisor
    # Holders of HELD copies (with their copy), then approved recipients; not the refused one.
    assert _notices(decision) == {a.pk: 1, handler.pk: 4, b.pk: None}
    assert c.pk not in _notices(decision)
    assert all(n.told_at is None for n in ReclassificationNotice.objects.filter(decision=decision))

    assert actions_since(seq) == [AuditAction.RECLASSIFY]
    event = the_event(AuditAction.RECLASSIFY, since=seq, actor=supervisor, document=document)
    recorded = details(event)
    assert recorded["decision"] == decision.pk and recorded["kind"] == "downgrade"
    assert (recorded["old_level"], recorded["new_level"]) == (Level.CONFIDENTIAL, Level.OFFICIAL_SECRET)
    assert recorded["reason"] == REASON
    assert sorted(recorded["notices"]) == sorted([a.pk, b.pk, handler.pk])


def test_upgrade_records_the_decision_and_owes_the_same_notices(distributed, supervisor, handler, colleagues):
    a, b, _c = colleagues
    seq = head_seq()

    decision = reclassify(
        document=distributed,
        actor=supervisor,
        kind=DecisionKind.UPGRADE,
        reason="涉及國防部署",
        **BY_THE_AGENCY,
        new_level=Level.SECRET,
        new_protection_years=15,
    )

    document = Document.objects.get(pk=distributed.pk)
    assert document.level == Level.SECRET and document.protection_years == 15
    # §11: the count runs from the original approval date, not from the decision.
    assert document.approval_date == distributed.approval_date
    assert document.declass_due_on == add_years(document.approval_date, 15)
    assert (decision.old_level, decision.new_level, decision.new_protection_years) == (
        Level.CONFIDENTIAL,
        Level.SECRET,
        15,
    )
    assert _notices(decision) == {a.pk: 1, handler.pk: 4, b.pk: None}
    event = the_event(AuditAction.RECLASSIFY, since=seq, actor=supervisor, document=document)
    assert details(event)["kind"] == "upgrade" and details(event)["new_level"] == Level.SECRET


def test_declassify_records_the_day_and_owes_the_same_notices(distributed, supervisor, handler, colleagues):
    a, b, _c = colleagues
    seq = head_seq()

    decision = reclassify(
        document=distributed, actor=supervisor, kind=DecisionKind.DECLASSIFY, reason="解密條件成就", **BY_THE_AGENCY
    )

    document = Document.objects.get(pk=distributed.pk)
    assert document.declassified_on == timezone.localdate()
    assert document.level == Level.CONFIDENTIAL  # the marking is struck through on paper; the record keeps it
    assert decision.kind == "declassify" and decision.new_level is None
    assert _notices(decision) == {a.pk: 1, handler.pk: 4, b.pk: None}
    event = the_event(AuditAction.RECLASSIFY, since=seq, actor=supervisor, document=document)
    assert details(event)["kind"] == "declassify" and details(event)["new_level"] is None

    with refused(InvalidTransition, document):
        reclassify(document=document, actor=supervisor, kind=DecisionKind.DECLASSIFY, reason="再次", **BY_THE_AGENCY)


def test_decision_with_nobody_to_tell_writes_no_notice(walk, supervisor):
    document = walk(DocumentState.SIGNED)

    decision = reclassify(
        document=document, actor=supervisor, kind=DecisionKind.DOWNGRADE, reason=REASON, **BY_THE_AGENCY,
        new_level=Level.OFFICIAL_SECRET,
    )

    assert not ReclassificationNotice.objects.filter(decision=decision).exists()


def test_notice_mark_told_records_when_how_and_by_whom(distributed, supervisor, archivist, colleagues):
    a, _b, _c = colleagues
    decision = reclassify(
        document=distributed, actor=supervisor, kind=DecisionKind.DOWNGRADE, reason=REASON, **BY_THE_AGENCY,
        new_level=Level.OFFICIAL_SECRET,
    )
    notice = ReclassificationNotice.objects.get(decision=decision, recipient=a)

    seq = head_seq()
    told = notice_mark_told(notice=notice, actor=supervisor, method=" 變更通知單當面簽收 ")

    notice.refresh_from_db()
    assert notice.told_at is not None and told.told_at == notice.told_at
    assert notice.told_by == supervisor and notice.method == "變更通知單當面簽收"
    assert actions_since(seq) == [AuditAction.NOTICE_TOLD]
    event = the_event(AuditAction.NOTICE_TOLD, since=seq, actor=supervisor, document=distributed)
    assert details(event) == {"notice": notice.pk, "recipient": a.pk, "method": "變更通知單當面簽收"}

    # Once told is once: a second record is refused and writes nothing.
    with refused(InvalidTransition, notice):
        notice_mark_told(notice=notice, actor=archivist, method="再通知")

    # The archivist may record the others; the others stay untold until then.
    others = ReclassificationNotice.objects.filter(decision=decision, told_at__isnull=True)
    assert others.count() == 2
    seq = head_seq()
    notice_mark_told(notice=others.first(), actor=archivist, method="公文通知")
    the_event(AuditAction.NOTICE_TOLD, since=seq, actor=archivist, document=distributed)


def test_notice_without_a_method_or_by_someone_else_is_refused(
    distributed, supervisor, other_supervisor, handler, colleagues
):
    decision = reclassify(
        document=distributed, actor=supervisor, kind=DecisionKind.DECLASSIFY, reason=REASON, **BY_THE_AGENCY
    )
    notice = ReclassificationNotice.objects.get(decision=decision, recipient=colleagues[0])

    with refused(ValidationFailed, notice) as refusal:
        notice_mark_told(notice=notice, actor=supervisor, method="  ")
    assert list(refusal.value.field_errors) == ["method"]
    for person in (other_supervisor, handler):
        with refused(NotPermitted, notice):
            notice_mark_told(notice=notice, actor=person, method="電話")


# --- the new level and period are validated --------------------------------------------------------


@pytest.fixture
def secret_for_twenty_years(walk):
    """A 極機密 document with the longest period its level allows (20 years)."""
    return walk(DocumentState.IN_HANDLING, level=Level.SECRET, protection_years=20)


def test_downgrade_keeping_a_period_too_long_for_the_new_level_is_refused_naming_article_11(
    secret_for_twenty_years, supervisor
):
    document = secret_for_twenty_years

    with override("en"), refused(ValidationFailed, document) as refusal:
        reclassify(
            document=document, actor=supervisor, kind=DecisionKind.DOWNGRADE, reason=REASON, **BY_THE_AGENCY,
            new_level=Level.CONFIDENTIAL,
        )

    assert "Article 11" in str(refusal.value.message)
    assert list(refusal.value.field_errors) == ["new_protection_years"]
    assert "Article 11" in refusal.value.field_errors["new_protection_years"][0]
    document.refresh_from_db()
    assert document.level == Level.SECRET and document.protection_years == 20

    with override("en"), refused(ValidationFailed, document) as refusal:
        reclassify(
            document=document, actor=supervisor, kind=DecisionKind.DOWNGRADE, reason=REASON, **BY_THE_AGENCY,
            new_level=Level.CONFIDENTIAL, new_protection_years=11,
        )
    assert "Article 11" in str(refusal.value.message) and "11 years" in str(refusal.value.message)


def test_downgrade_with_a_period_within_the_new_limit_is_accepted(secret_for_twenty_years, supervisor):
    document = secret_for_twenty_years
    seq = head_seq()

    decision = reclassify(
        document=document, actor=supervisor, kind=DecisionKind.DOWNGRADE, reason=REASON, **BY_THE_AGENCY,
        new_level=Level.CONFIDENTIAL, new_protection_years=10,
    )

    document.refresh_from_db()
    assert document.level == Level.CONFIDENTIAL and document.protection_years == 10
    assert document.declass_due_on == add_years(document.approval_date, 10)
    assert (decision.old_protection_years, decision.new_protection_years) == (20, 10)
    the_event(AuditAction.RECLASSIFY, since=seq, actor=supervisor, document=document)


@pytest.mark.parametrize(
    ("kind", "new_level", "field"),
    [
        (DecisionKind.DOWNGRADE, Level.CONFIDENTIAL, "new_level"),  # not lower
        (DecisionKind.DOWNGRADE, Level.TOP_SECRET, "new_level"),  # higher
        (DecisionKind.UPGRADE, Level.OFFICIAL_SECRET, "new_level"),  # lower
        (DecisionKind.DOWNGRADE, Level.RESTRICTED, "new_level"),  # unclassified: declassify instead
        (DecisionKind.DOWNGRADE, None, "new_level"),
        (DecisionKind.DOWNGRADE, 9, "new_level"),
        ("cancel", Level.OFFICIAL_SECRET, "kind"),
    ],
)
def test_a_decision_that_does_not_fit_its_kind_is_refused(walk, supervisor, kind, new_level, field):
    document = walk(DocumentState.SIGNED)

    with refused(ValidationFailed, document) as refusal:
        reclassify(
            document=document, actor=supervisor, kind=kind, reason=REASON, **BY_THE_AGENCY, new_level=new_level
        )

    assert list(refusal.value.field_errors) == [field]


def test_a_decision_without_a_reason_is_refused(walk, supervisor):
    document = walk(DocumentState.SIGNED)

    with refused(ValidationFailed, document) as refusal:
        reclassify(document=document, actor=supervisor, kind=DecisionKind.DECLASSIFY, reason="", **BY_THE_AGENCY)

    assert list(refusal.value.field_errors) == ["reason"]


def test_a_document_this_office_classified_is_decided_here_on_its_authority(walk, supervisor):
    """Article 10: the original agency decides; for the office's own 密 document that is the office."""
    document = walk(DocumentState.SIGNED, level=Level.OFFICIAL_SECRET, original_agency="臺中市政府秘書處",
                    authorization_ref="", authorization_by="")

    with refused(ValidationFailed, document) as refusal:
        reclassify(document=document, actor=supervisor, kind=DecisionKind.DECLASSIFY, reason=REASON, authority="  ")
    assert list(refusal.value.field_errors) == ["authority"]

    decision = reclassify(
        document=document, actor=supervisor, kind=DecisionKind.DECLASSIFY, reason=REASON, authority="秘書長核定"
    )
    assert decision.authority == "秘書長核定" and decision.agency == ""


@pytest.mark.parametrize("missing", ["agency", "agency_decided_on", "agency_ref"])
def test_another_agencys_document_is_changed_only_with_that_agencys_decision(walk, supervisor, missing):
    """Article 10: a 國防部 national secret held here is not declassified on this office's own authority
    (「本處自行決定」): the decision records 國防部's decision, its day and its 文號."""
    document = walk(DocumentState.SIGNED)
    decision = {**BY_THE_AGENCY, "authority": "本處自行決定", missing: None if missing == "agency_decided_on" else ""}

    with override("en"), refused(ValidationFailed, document) as refusal:
        reclassify(document=document, actor=supervisor, kind=DecisionKind.DECLASSIFY, reason=REASON, **decision)

    assert missing in refusal.value.field_errors
    assert refusal.value.rule == "original_agency_decides"
    document.refresh_from_db()
    assert document.declassified_on is None


def test_another_agencys_document_is_not_changed_on_a_third_agencys_decision(walk, supervisor):
    document = walk(DocumentState.SIGNED)

    with refused(ValidationFailed, document) as refusal:
        reclassify(
            document=document, actor=supervisor, kind=DecisionKind.DOWNGRADE, reason=REASON,
            **{**BY_THE_AGENCY, "agency": "臺中市政府"}, new_level=Level.OFFICIAL_SECRET,
        )
    assert list(refusal.value.field_errors) == ["agency"]

    # Its superior agency may decide, said so on the record.
    decision = reclassify(
        document=document, actor=supervisor, kind=DecisionKind.DOWNGRADE, reason=REASON,
        **{**BY_THE_AGENCY, "agency": "行政院"}, agency_is_superior=True, new_level=Level.OFFICIAL_SECRET,
    )
    assert (decision.agency, decision.agency_ref) == ("行政院", "國密字第1150000042號")


def test_only_a_deciding_supervisor_cleared_to_the_new_level_decides(
    walk, make_person, receiving_unit, other_supervisor, handler, archivist
):
    document = walk(DocumentState.SIGNED)
    for person in (other_supervisor, handler, archivist):
        with refused(NotPermitted, document):
            reclassify(
                document=document, actor=person, kind=DecisionKind.DECLASSIFY, reason=REASON, **BY_THE_AGENCY
            )

    cleared_to_secret = make_person(Role.SUPERVISOR, unit=receiving_unit, username="sup_secret", clearance=Level.SECRET)
    with refused(NotPermitted, document):
        reclassify(
            document=document, actor=cleared_to_secret, kind=DecisionKind.UPGRADE, reason=REASON, **BY_THE_AGENCY,
            new_level=Level.TOP_SECRET,
        )


def test_an_upgrade_leaves_nobody_knowing_the_document_above_their_clearance(
    walk, handler, supervisor, make_person, handling_unit
):
    """After an upgrade, a recipient cleared only to the old level must not keep knowing the document
    ("nobody may be given a classified document above their clearance"): either the upgrade waits
    until their copy is back, or their need-to-know ends with it."""
    document = walk(DocumentState.IN_HANDLING)
    cleared_to_confidential = make_person(unit=handling_unit, username="conf_only", clearance=Level.CONFIDENTIAL)
    request = distribution_request(document=document, actor=handler, recipients=[cleared_to_confidential], reason="會簽")
    distribution_decide(recipient=request.recipients.get(), actor=supervisor, approve=True, reason="核定")
    assert can_know(cleared_to_confidential, document)

    try:
        reclassify(
            document=document, actor=supervisor, kind=DecisionKind.UPGRADE, reason=REASON, **BY_THE_AGENCY,
            new_level=Level.SECRET,
        )
    except RegistryError:
        return  # refusing the upgrade while someone below it holds the document is also sound

    document.refresh_from_db()
    assert not clearance_permits(cleared_to_confidential.clearance, document.level)
    assert not can_know(cleared_to_confidential, document)


# --- no edit of the level field outside that decision ----------------------------------------------


def test_saving_a_changed_level_raises_and_the_stored_level_stays(walk):
    document = walk(DocumentState.SIGNED)
    events = head_seq()

    fresh = Document.objects.get(pk=document.pk)
    fresh.level = Level.OFFICIAL_SECRET
    with pytest.raises(ValueError):
        fresh.save()
    fresh.level = Level.TOP_SECRET
    with pytest.raises(ValueError):
        fresh.save(update_fields=["level"])

    assert Document.objects.filter(pk=document.pk).values_list("level", flat=True).get() == Level.CONFIDENTIAL
    assert not ClassificationDecision.objects.exists()
    assert head_seq() == events


def test_saving_other_fields_with_the_level_unchanged_is_allowed(walk):
    document = walk(DocumentState.SIGNED)

    fresh = Document.objects.get(pk=document.pk)
    fresh.class_number = "0402"
    fresh.save(update_fields=["class_number"])

    assert Document.objects.get(pk=document.pk).class_number == "0402"


def test_a_level_loaded_deferred_cannot_be_changed_by_save(walk):
    """``only()``/``defer()`` leave the stored level unknown to the instance; the guard must still hold."""
    document = walk(DocumentState.SIGNED)

    partial = Document.objects.only("pk", "subject").get(pk=document.pk)
    partial.level = Level.OFFICIAL_SECRET
    try:
        partial.save()
    except ValueError:
        pass

    assert Document.objects.filter(pk=document.pk).values_list("level", flat=True).get() == Level.CONFIDENTIAL


def test_a_refreshed_instance_cannot_undo_a_decision_by_save(walk, supervisor):
    """``refresh_from_db`` after a decision must not leave the instance's idea of the stored level stale,
    or setting the old level back and saving reverts the decision without a record."""
    document = Document.objects.get(pk=walk(DocumentState.SIGNED).pk)
    reclassify(
        document=document, actor=supervisor, kind=DecisionKind.DOWNGRADE, reason=REASON, **BY_THE_AGENCY,
        new_level=Level.OFFICIAL_SECRET,
    )
    document.refresh_from_db()
    assert document.level == Level.OFFICIAL_SECRET

    document.level = Level.CONFIDENTIAL
    try:
        document.save()
    except ValueError:
        pass

    assert Document.objects.filter(pk=document.pk).values_list("level", flat=True).get() == Level.OFFICIAL_SECRET


def test_a_stale_instance_saved_after_a_decision_does_not_revert_it(walk, supervisor):
    """An instance loaded before a decision and saved whole afterwards must not write the old level back."""
    document = walk(DocumentState.SIGNED)
    stale = Document.objects.get(pk=document.pk)
    reclassify(
        document=document,
        actor=supervisor,
        kind=DecisionKind.DOWNGRADE,
        reason=REASON,
        **BY_THE_AGENCY,
        new_level=Level.OFFICIAL_SECRET,
    )

    stale.class_number = "0402"
    try:
        stale.save()
    except ValueError:
        pass

    assert Document.objects.filter(pk=document.pk).values_list("level", flat=True).get() == Level.OFFICIAL_SECRET


def test_reclassify_is_the_only_code_that_sets_the_level_decision_flag():
    setting = re.compile(r"_level_decision\s*=\s*True")
    found = [
        (path.relative_to(REGISTRY.parent).as_posix(), number)
        for path in sorted(REGISTRY.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if setting.search(line)
    ]
    assert len(found) == 1, found
    assert found[0][0] == "registry/services/declassification.py"

    # Nor does anything set it by another spelling (setattr, __dict__).
    mentions = {
        path.relative_to(REGISTRY.parent).as_posix()
        for path in REGISTRY.rglob("*.py")
        if "_level_decision" in path.read_text(encoding="utf-8")
    }
    assert mentions == {"registry/services/declassification.py", "registry/models/documents.py"}
    source = (REGISTRY / "services" / "declassification.py").read_text(encoding="utf-8")
    assert source.count("_level_decision") == 1
