#!/usr/bin/env python3
"""Remove each rule's check, one at a time, and show that the test the README cites for it fails.

    scripts/with-postgres.sh .venv/bin/python scripts/rule_mutations.py [NAME ...]

Each mutation below replaces one line (or a few) of the registry's code with a version that no
longer enforces the rule, runs the cited test, and restores the file. A mutation whose test still
passes is reported: that test would not notice the rule's removal, so it is no proof of the rule.
The run takes a few minutes (one pytest per mutation); CI does not run it.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str
    original: str
    mutated: str
    test: str


MUTATIONS = [
    Mutation(
        "originals never exceed the registered copies (§18)",
        "registry/services/distribution.py",
        "    if not free:\n",
        "    if not free:\n        free = [max(out, default=0) + 1]\n    if not free:\n",
        "tests/registry/test_rule_book_invariants.py::test_a_distribution_beyond_the_registered_copies_is_refused",
    ),
    Mutation(
        "no reproduction of a level that may not be copied, on any path (§15)",
        "registry/services/distribution.py",
        "    if reproduction:\n        need_copyable(document)\n",
        "",
        "tests/registry/test_rule_book_invariants.py::test_copying_approved_after_an_upgrade_to_top_secret_is_refused_at_the_decision",
    ),
    Mutation(
        "a copying request of 絕對機密 is refused when asked (§15)",
        "registry/policies/distribution.py",
        "    if kind == ReproductionKind.COPY:\n        need_copyable(document)\n",
        "",
        "tests/registry/test_rule_book_invariants.py::test_a_top_secret_document_may_not_even_be_asked_to_be_copied",
    ),
    Mutation(
        "minutes only to attending units, on every path (meeting rule 5)",
        "registry/services/grants.py",
        "    refuse_minutes_outside_attending_units(document, user)\n",
        "",
        "tests/registry/test_rule_book_invariants.py::test_minutes_do_not_reach_a_unit_that_did_not_attend_through_an_ordinary_distribution",
    ),
    Mutation(
        "the one door requires the §7 fields",
        "registry/services/documents.py",
        "    if not original_agency.strip():\n",
        "    if False:\n",
        "tests/registry/test_rule_book_invariants.py::test_the_one_door_refuses_a_registration_without_the_article_7_fields",
    ),
    Mutation(
        "§46: no undeclassified national secret is shown to a party",
        "registry/services/party_requests.py",
        "    if decision in RELEASED:\n        need_releasable(request.document)\n",
        "",
        "tests/later_life/test_party_requests.py::test_releasing_an_undeclassified_national_secret_is_refused_naming_ground_2",
    ),
    Mutation(
        "§46 III: a release of classified material says why it needs no protection",
        "registry/services/party_requests.py",
        "and not release_basis.strip():",
        "and False:",
        "tests/later_life/test_party_requests.py::test_releasing_a_classified_document_without_saying_why_it_needs_no_protection_is_refused",
    ),
    Mutation(
        "§10: another agency's document changes only with that agency's decision",
        "registry/policies/declassification.py",
        "    if originates_here(document):\n",
        "    if True:\n",
        "tests/later_life/test_reclassification.py::test_another_agencys_document_is_changed_only_with_that_agencys_decision",
    ),
    Mutation(
        "opening checks the supervisor's clearance (and the page offers only what the service accepts)",
        "registry/policies/documents.py",
        '    need_role(user, Role.SUPERVISOR, doing=_("open and instruct documents"))\n    need_state(document, (DocumentState.REGISTERED,), _("opened"))\n',
        '    need_state(document, (DocumentState.REGISTERED,), _("opened"))\n',
        "tests/security/test_rule_book_pages.py::test_the_map_the_service_and_the_page_agree_on_every_document_action",
    ),
    Mutation(
        "a cancelled or destroyed document is not dispatched",
        "registry/policies/dispatch.py",
        "    if document.state not in DISPATCHABLE:\n",
        "    if False:\n",
        "tests/registry/test_rule_book_invariants.py::test_a_closed_document_is_not_dispatched",
    ),
    Mutation(
        "access follows the person's present clearance",
        "registry/models/documents.py",
        "    return Q(level__lte=user.clearance) & (",
        "    return (",
        "tests/registry/test_need_to_know.py::test_a_lowered_clearance_hides_the_document_whatever_grants_remain",
    ),
    Mutation(
        "readers and writers of one document take locks in one order",
        "registry/services/locking.py",
        "select_for_update(no_key=True).get(pk=pk)",
        "select_for_update().get(pk=pk)",
        "tests/concurrency/test_one_document_under_load.py",
    ),
]


def run(mutation: Mutation) -> bool:
    """Apply, test, restore; True when the test failed as it should."""
    path = ROOT / mutation.path
    source = path.read_text(encoding="utf-8")
    if source.count(mutation.original) != 1:
        print(f"  !! the line to mutate is not found once in {mutation.path}: update this script")
        return False
    path.write_text(source.replace(mutation.original, mutation.mutated), encoding="utf-8")
    try:
        result = subprocess.run(  # noqa: S603 (a fixed command line)
            [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", mutation.test],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        path.write_text(source, encoding="utf-8")
    return result.returncode == 1


def main(names: list[str]) -> int:
    chosen = [m for m in MUTATIONS if not names or any(n in m.name for n in names)]
    survivors = []
    for mutation in chosen:
        print(f"- {mutation.name}")
        if run(mutation):
            print("  the test fails without the check: proven")
        else:
            print(f"  NOT PROVEN: {mutation.test} passes without the check")
            survivors.append(mutation)
    print(f"{len(chosen) - len(survivors)} of {len(chosen)} rules proven by their tests")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
