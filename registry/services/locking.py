"""Locking the rows a service changes, in one order for every service."""

from __future__ import annotations

from registry.models import Document

# One lock order for every service, so that no two transactions wait on each other in a circle:
# the document's row first, then the rows that belong to it (copies, recipients, loans, requests,
# notices), then the registration counter, and the audit chain's lock last (``audit.record``).
#
# Documents are locked FOR NO KEY UPDATE, not FOR UPDATE. No service changes a document's key, and
# the weaker lock does not conflict with the FOR KEY SHARE that PostgreSQL takes on the document's
# row when it checks the foreign key of a new row that names it (an audit event, a grant, a step).
# With FOR UPDATE, a reader's audit append (holding the chain's lock while its foreign-key check
# waits for the document's row at COMMIT) and a writer holding that row while it waits for the
# chain's lock deadlocked, and one of the two people got a 500.


def locked(document: Document | int) -> Document:
    """The document's row, locked for the rest of the transaction."""
    pk = document if isinstance(document, int) else document.pk
    return Document.objects.select_for_update(no_key=True).get(pk=pk)


def locked_documents(ids) -> list[Document]:
    """Several documents' rows, locked in the order of their keys (the one order for many)."""
    return list(Document.objects.select_for_update(no_key=True).filter(pk__in=list(ids)).order_by("pk"))


def locked_item(model, pk: int, *, document_field: str = "document_id", related: tuple[str, ...] = ()):
    """A row that belongs to a document, and that document, both locked: the document first.

    ``document_field`` is the lookup that leads from the row to its document's key
    (``request__document_id`` for a distribution recipient). Returns ``(document, row)``.
    """
    document_id = model.objects.filter(pk=pk).values_list(document_field, flat=True).get()
    document = locked(document_id)
    row = model.objects.select_for_update(of=("self",)).select_related(*related).get(pk=pk)
    return document, row
