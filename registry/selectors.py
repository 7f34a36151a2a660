"""Read-only queries for the registry's pages. Every list of documents starts from
``policies.register_for`` (or ``Document.objects.with_need_to_know``), so ``known`` decides masking."""

from __future__ import annotations

import re
from datetime import date

from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, LPad

from registry import policies
from registry.models import (
    AuditEvent,
    Document,
    DocumentState,
    HandlingStep,
    Unit,
    User,
)
from registry.models.documents import SERIES_BY_DIRECTION
from registry.roles import Role

DASHBOARD_LIMIT = 20

# What a register row shows besides the document itself: one JOIN each, never a query per row.
REGISTER_RELATED = ("responsible_unit", "handling_unit", "routed_to", "custodian", "registered_by")

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_SERIES = "".join(SERIES_BY_DIRECTION.values())
_WHOLE_NUMBER = re.compile(rf"([0-9]{{1,3}})([{_SERIES}])([0-9]{{1,6}})")


def _unit_subtree(user: User) -> set[int]:
    return user.unit.descendant_ids() if user.unit_id else set()


def register_rows(queryset: QuerySet) -> QuerySet:
    """A register queryset ready for a table: related rows joined, newest first."""
    return queryset.select_related(*REGISTER_RELATED).order_by("-registered_at", "-pk")


def dashboard_for(user: User) -> dict[str, QuerySet]:
    """The work waiting for a person (待辦), one list per role they hold."""
    lists: dict[str, QuerySet] = {}
    register = policies.register_for(user)
    if user.has_role(Role.SUPERVISOR):
        lists["to_open"] = register.filter(
            state=DocumentState.REGISTERED, responsible_unit_id__in=_unit_subtree(user)
        )
    if user.has_role(Role.CLERK):
        mine = Q(responsible_unit_id__in=_unit_subtree(user)) | Q(registered_by_id=user.pk)
        lists["to_route"] = register.filter(mine, state=DocumentState.OPENED)
        lists["recent"] = register.filter(mine)
    if user.has_role(Role.HANDLER):
        # A handler's register reaches what is routed to them, subject masked until they sign.
        lists["to_sign"] = register.filter(routed_to_id=user.pk, state=DocumentState.ROUTED)
        lists["in_hand"] = register.filter(
            custodian_id=user.pk, state__in=[DocumentState.SIGNED, DocumentState.IN_HANDLING]
        )
    return {name: register_rows(qs)[:DASHBOARD_LIMIT] for name, qs in lists.items()}


def filter_by_number(queryset: QuerySet, text: str, *, prefix: str = "") -> QuerySet:
    """Documents whose registration number is ``text`` (115收000012, 115收12) or contains it."""
    text = "".join(text.translate(_FULL_WIDTH_DIGITS).split())
    if not text:
        return queryset
    if match := _WHOLE_NUMBER.fullmatch(text):
        return queryset.filter(
            **{
                f"{prefix}reg_year": int(match[1]),
                f"{prefix}reg_series": match[2],
                f"{prefix}reg_serial": int(match[3]),
            }
        )
    number = Concat(
        Cast(f"{prefix}reg_year", CharField()),
        f"{prefix}reg_series",
        LPad(Cast(f"{prefix}reg_serial", CharField()), 6, Value("0")),
        output_field=CharField(),
    )
    return queryset.alias(number_text=number).filter(number_text__contains=text)


def register_list(
    user: User,
    *,
    number: str = "",
    level: int | None = None,
    state: str = "",
    unit: Unit | None = None,
    registered_from: date | None = None,
    registered_to: date | None = None,
) -> QuerySet:
    """The register (登記簿) a person may read, filtered; one query for a page of it."""
    queryset = policies.register_for(user)
    if level:
        queryset = queryset.filter(level=level)
    if state:
        queryset = queryset.filter(state=state)
    if unit is not None:
        queryset = queryset.filter(Q(responsible_unit=unit) | Q(handling_unit=unit))
    if registered_from:
        queryset = queryset.filter(registered_at__date__gte=registered_from)
    if registered_to:
        queryset = queryset.filter(registered_at__date__lte=registered_to)
    queryset = filter_by_number(queryset, number or "")
    return register_rows(queryset)


def document_steps(document: Document) -> QuerySet:
    """A document's handling steps in order, with the people and units they name."""
    return HandlingStep.objects.filter(document=document).select_related("actor", "to_unit", "to_user")


def document_actions(user: User, document: Document) -> set[str]:
    """Which action forms to offer. Only a hint for the page: the services decide and refuse."""
    actions: set[str] = set()
    state = document.state
    in_unit = document.responsible_unit_id in _unit_subtree(user)
    if state == DocumentState.REGISTERED and in_unit and user.has_role(Role.SUPERVISOR):
        actions.add("open")
    if (
        state == DocumentState.OPENED
        and (in_unit or document.custodian_id == user.pk)
        and user.has_role(Role.CLERK)
    ):
        actions.add("route")
    if state == DocumentState.ROUTED and document.routed_to_id == user.pk and user.has_role(Role.HANDLER):
        actions.add("sign_for")
    if state == DocumentState.SIGNED and document.custodian_id == user.pk and user.has_role(Role.HANDLER):
        actions.add("begin_handling")
    if (
        state in (DocumentState.REGISTERED, DocumentState.OPENED)
        and in_unit
        and user.has_role(Role.CLERK, Role.SUPERVISOR)
    ):
        actions.add("cancel")
    return actions


def handling_units() -> QuerySet:
    """Units of the office a supervisor may instruct to handle a document."""
    return Unit.objects.filter(is_superior_agency=False).order_by("code")


def handlers_for(document: Document) -> QuerySet:
    """Active designated handlers (密件承辦人) in the instructed unit and the units below it."""
    if document.handling_unit_id is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            groups__name=Role.HANDLER.value,
            unit_id__in=document.handling_unit.descendant_ids(),
        )
        .select_related("unit")
        .distinct()
        .order_by("unit__code", "full_name", "username")
    )


def audit_events(
    *,
    person: str = "",
    number: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    """Audit events for the ethics office's search, newest first; never a document's subject."""
    queryset = AuditEvent.objects.all()
    if person := person.strip():
        queryset = queryset.filter(Q(actor__username__iexact=person) | Q(actor__full_name__icontains=person))
    if number.strip():
        queryset = filter_by_number(queryset.filter(document__isnull=False), number, prefix="document__")
    if action:
        queryset = queryset.filter(action=action)
    if date_from:
        queryset = queryset.filter(at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(at__date__lte=date_to)
    # Only the columns the page shows: the subject is never read from the database here.
    return (
        queryset.select_related("actor", "document")
        .only(
            "seq", "at", "action", "details", "hash",
            "actor__username", "actor__full_name",
            "document__reg_year", "document__reg_series", "document__reg_serial", "document__level",
        )
        .order_by("-seq")
    )


def chain_head() -> AuditEvent | None:
    """The newest link of the audit chain: its sequence number and hash."""
    return AuditEvent.objects.order_by("-seq").only("seq", "at", "hash").first()
