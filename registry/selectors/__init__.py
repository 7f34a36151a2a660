"""Every read the pages, reports, printed forms and commands use, in one place.

Writes are in ``registry.services`` and rules in ``registry.policies``; a selector only reads, and
every list of documents starts from the rule book's ``register_for`` or ``visible_to``.
"""

from registry.selectors.documents import (
    LATER_LIFE_ACTIONS,
    REGISTER_RELATED,
    active_people,
    change_notices,
    classification_decisions,
    cleared_people,
    distribution_recipients,
    document_copies,
    document_dispatches,
    document_inventories,
    document_loans,
    document_reviews,
    document_steps,
    filter_by_number,
    handlers_for,
    handling_units,
    later_life_trail,
    live_grants,
    outstanding_copies,
    people_who_know,
    people_with_roles,
    register_list,
    register_rows,
    reproduction_requests,
)

__all__ = [
    "LATER_LIFE_ACTIONS",
    "REGISTER_RELATED",
    "active_people",
    "change_notices",
    "classification_decisions",
    "cleared_people",
    "distribution_recipients",
    "document_copies",
    "document_dispatches",
    "document_inventories",
    "document_loans",
    "document_reviews",
    "document_steps",
    "filter_by_number",
    "handlers_for",
    "handling_units",
    "later_life_trail",
    "live_grants",
    "outstanding_copies",
    "people_who_know",
    "people_with_roles",
    "register_list",
    "register_rows",
    "reproduction_requests",
]
