"""Readers and writers of one document at the same time, over HTTP, against the live server.

Every read of a document appends to the audit chain, and every write holds the document's row
while it appends. If the two took their locks in different orders (the chain's lock, then the row
through the audit event's foreign key; the row, then the chain's lock), PostgreSQL would abort one
of them with "deadlock detected" and the person would get a 500. This runs people reading the
document's page and its trail while others post distribution requests and the supervisor decides
them, and asks for no 500 at all, every write kept, and the chain whole afterwards.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection
from django.test import Client

from registry.audit import verify_chain
from registry.models import Decision, DistributionRecipient, DistributionRequest
from registry.roles import Role

CSRF = "c" * 32  # an unmasked CSRF secret: the same value in the cookie and in the form
ROUNDS = 12


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's HTTP session against the live server: their session cookie and a CSRF token."""

    def __init__(self, live_server, person):
        client = Client()
        client.force_login(person)
        self.cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF}"
        self.base = live_server.url
        # Redirects are answers here, not something to follow.
        self.opener = urllib.request.build_opener(NoRedirect)

    def status(self, path: str, data: dict | None = None) -> int:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": CSRF}, doseq=True).encode()
        headers = {"Cookie": self.cookie, "Referer": self.base + path}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 (the live server)
        try:
            with self.opener.open(request, timeout=60) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


@pytest.mark.django_db(transaction=True)
def test_readers_and_writers_of_one_document_get_no_error(live_server, walk, handler, supervisor, make_person, handling_unit):
    # One original per recipient (§18: a document is given out only in as many originals as it was
    # registered with), so every approval the supervisor posts can be taken.
    document = walk("handling", copies_count=ROUNDS)
    reader = make_person(unit=handling_unit, username="reader-a", full_name="讀者甲")
    second_reader = make_person(unit=handling_unit, username="reader-b", full_name="讀者乙")
    recipients = [make_person(unit=handling_unit, username=f"rcpt{n}", full_name=f"受分發{n}") for n in range(ROUNDS)]
    co_handler = make_person(Role.HANDLER, unit=handling_unit, username="handler-co", full_name="承辦共")
    from registry.services.grants import grant_create

    for person in (reader, second_reader, co_handler):
        grant_create(document=document, user=person, basis="other", reason="會辦", granted_by=supervisor)

    detail = f"/documents/{document.pk}/"
    trail = f"/documents/{document.pk}/trail/"
    request_path = f"/documents/{document.pk}/distribution/request/"
    statuses: list[tuple[str, int]] = []
    lock = threading.Lock()
    start = threading.Barrier(5)

    def note(kind: str, code: int) -> None:
        with lock:
            statuses.append((kind, code))

    def read(browser, path):
        start.wait()
        for _ in range(ROUNDS * 2):
            note("read", browser.status(path))

    def ask(browser, people):
        start.wait()
        for recipient in people:
            note("write", browser.status(request_path, {"recipients": [recipient.pk], "reason": "會辦"}))

    def decide():
        try:
            decide_pending()
        finally:
            connection.close()  # this thread's own connection, opened to read the pending rows

    def decide_pending():
        browser = deciding
        start.wait()
        done = 0
        for _ in range(600):  # at most about half a minute of asking for what is pending
            pending = list(
                DistributionRecipient.objects.filter(request__document=document, decision=Decision.PENDING)
                .values_list("pk", flat=True)[:2]
            )
            if not pending:
                time.sleep(0.05)  # the requests are still on their way
            for pk in pending:
                path = f"/documents/{document.pk}/distribution/recipients/{pk}/decide/"
                note("decide", browser.status(path, {"decision": "approve", "reason": "同意"}))
                done += 1
            if done >= ROUNDS:
                return

    # Logged in here: the threads touch the database only through the live server (and the
    # deciding thread to find what is pending).
    deciding = Browser(live_server, supervisor)
    half = ROUNDS // 2
    threads = [
        threading.Thread(target=read, args=(Browser(live_server, reader), detail)),
        threading.Thread(target=read, args=(Browser(live_server, second_reader), trail)),
        threading.Thread(target=ask, args=(Browser(live_server, handler), recipients[:half])),
        threading.Thread(target=ask, args=(Browser(live_server, co_handler), recipients[half:])),
        threading.Thread(target=decide),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    errors = [(kind, code) for kind, code in statuses if code >= 500]
    assert not errors, f"{len(errors)} answers of 500 among {len(statuses)}: {errors[:5]}"
    reads = [code for kind, code in statuses if kind == "read"]
    assert reads == [200] * (ROUNDS * 4)
    # Every request was kept, and each decision the supervisor posted was taken.
    assert DistributionRequest.objects.filter(document=document).count() == ROUNDS
    assert all(code == 302 for kind, code in statuses if kind in ("write", "decide"))
    assert [kind for kind, _code in statuses].count("decide") >= ROUNDS // 2  # the decisions ran beside the rest
    assert verify_chain().whole
