"""The load test's simulated people (locust): ``make loadtest`` runs it headless.

Each simulated person takes one of the sessions ``loadtest/sessions.py`` created (round robin) and
reads the register, searches it by number, opens documents they know, their trails and the
dashboard, and prints a cover sheet. ``LOADTEST_THINK`` gives the think time between two requests
as "MIN-MAX" seconds (default 3-10, a person reading the page); "0" is the closed loop: every
person asks again as soon as the answer comes.

The server runs behind no proxy here, so every request carries ``X-Forwarded-Proto: https`` as the
load balancer would (the production settings redirect plain HTTP otherwise), and the session
cookie by hand (the production cookie is ``Secure``).
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, between, constant, task

with open(os.environ.get("LOADTEST_SESSIONS", "var/loadtest/sessions.json"), encoding="utf-8") as _file:
    SESSIONS = json.load(_file)
_next = itertools.count()


def _wait():
    think = os.environ.get("LOADTEST_THINK", "3-10")
    if think in ("0", "0-0", ""):
        return constant(0)
    low, _, high = think.partition("-")
    return between(float(low), float(high or low))


class Person(HttpUser):
    wait_time = _wait()

    def on_start(self):
        self.me = SESSIONS[next(_next) % len(SESSIONS)]
        self.client.headers.update({"Cookie": f"sessionid={self.me['session']}", "X-Forwarded-Proto": "https"})

    def _get(self, url: str, name: str):
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")

    @task(3)
    def register(self):
        self._get("/register/", "register")

    @task(2)
    def search(self):
        numbers = self.me["numbers"] or ["115收000001"]
        self._get(f"/register/?number={random.choice(numbers)}", "register search")

    @task(3)
    def document(self):
        if self.me["documents"]:
            self._get(f"/documents/{random.choice(self.me['documents'])}/", "document page")

    @task(1)
    def trail(self):
        if self.me["documents"]:
            self._get(f"/documents/{random.choice(self.me['documents'])}/trail/", "trail")

    @task(2)
    def dashboard(self):
        self._get("/", "dashboard")

    @task(1)
    def cover_sheet(self):
        if self.me["documents"]:
            self._get(f"/print/documents/{random.choice(self.me['documents'])}/cover.pdf", "cover sheet PDF")
