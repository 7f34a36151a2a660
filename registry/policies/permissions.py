"""What a person may do on one document: the map the document page is built from.

The shape of the Django admin's ``get_model_perms``: one entry per action, each the answer of the
rule book's own ``can_*``, so the page offers exactly what the services accept. Actions on one row
of the document (a recipient to decide, a copy to return, a loan to lend) are asked row by row with
the rule book's ``can_*`` for that row.
"""

from __future__ import annotations

from collections.abc import Callable

from registry.models import Document, User
from registry.policies import access, archive, declassification, dispatch, distribution, documents

# action → the rule that answers it, in the order the page offers them.
DOCUMENT_ACTIONS: dict[str, Callable[[User, Document], bool]] = {
    "open": documents.can_open,
    "route": documents.can_route,
    "sign_for": documents.can_sign_for,
    "begin_handling": documents.can_begin_handling,
    "request_distribution": distribution.can_request_distribution,
    "request_reproduction": distribution.can_request_reproduction,
    "recall_copies": distribution.can_recall_copies,
    "dispatch": dispatch.can_dispatch,
    "hand_over": archive.can_hand_over,
    "file": archive.can_file,
    "request_loan": archive.can_request_loan,
    "record_declass_event": declassification.can_record_declass_event,
    "record_review": declassification.can_record_review,
    "reclassify": declassification.can_reclassify,
    "cancel": documents.can_cancel,
}

# What the rows of the page depend on: deciding for the document, managing its copies, recording
# its later life; each row's own rule (``can_decide_distribution`` and so on) has the last word.
CONTEXT_RULES: dict[str, Callable[[User, Document], bool]] = {
    "know": access.can_know,
    "read_trail": access.can_read_trail,
    "decide": distribution.can_decide_for_document,
    "manage_copies": distribution.can_manage_copies,
    "review": declassification.can_review_document,
}


def document_permissions(user: User, document: Document) -> dict[str, bool]:
    """Every document-level action and context rule → whether this person may, now."""
    return {name: check(user, document) for name, check in {**DOCUMENT_ACTIONS, **CONTEXT_RULES}.items()}
