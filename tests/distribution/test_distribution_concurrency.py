"""Copy numbers stay unique per document when approvals race each other."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from classification import Level
from registry.audit import verify_chain
from registry.models import (
    AuditAction,
    AuditEvent,
    Decision,
    DistributionRecipient,
    DocumentCopy,
    NeedToKnowGrant,
)
from registry.services.distribution import distribution_decide, distribution_request

THREADS = 4
RECIPIENTS = 8


@pytest.mark.django_db(transaction=True)
def test_copy_numbers_are_unique_under_concurrent_approvals(in_handling, handler, supervisor, person, office):
    document = in_handling(copies_count=RECIPIENTS)
    people = [person(f"d_reader{i}", unit=office["handling"], clearance=Level.SECRET) for i in range(RECIPIENTS)]
    # One request per thread, so that nothing but the service's own locking orders the approvals.
    requests = [
        distribution_request(document=document, actor=handler, recipients=people[i::THREADS], reason="全科會辦")
        for i in range(THREADS)
    ]
    shares = [list(request.recipients.order_by("pk")) for request in requests]
    assert sorted(len(share) for share in shares) == [RECIPIENTS // THREADS] * THREADS
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def approve(share):
        try:
            barrier.wait(timeout=30)
            for recipient in share:
                distribution_decide(recipient=recipient, actor=supervisor, approve=True, reason="准")
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    numbers = sorted(DocumentCopy.objects.filter(document=document).values_list("number", flat=True))
    assert numbers == list(range(1, RECIPIENTS + 1))
    holders = set(DocumentCopy.objects.filter(document=document).values_list("holder_id", flat=True))
    assert holders == {p.pk for p in people}
    assert DistributionRecipient.objects.filter(request__in=requests, decision=Decision.APPROVED).count() == RECIPIENTS
    assert NeedToKnowGrant.objects.filter(document=document, basis="distribution").count() == RECIPIENTS
    assert AuditEvent.objects.filter(document=document, action=AuditAction.COPY_ISSUE).count() == RECIPIENTS
    assert AuditEvent.objects.filter(document=document, action=AuditAction.DISTRIBUTION_APPROVE).count() == RECIPIENTS
    assert verify_chain().whole
