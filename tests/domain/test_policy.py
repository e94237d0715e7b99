"""The access policy: the whole matrix against a table of expected answers, then the edges.

The table is written by hand from the rules (issue 5 and the policy docstring), not generated
from the code: each row is a pattern over (who, role, access, state, when, terms, action) and
the first row that fits a cell is its expected reason.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from lgrshare.domain.errors import PermissionDenied
from lgrshare.domain.policy import (
    DOCUMENT_ACTIONS,
    Access,
    Action,
    AgreementFacts,
    AgreementState,
    Contractor,
    DecisionReason,
    Flow,
    PolicyInputError,
    Resource,
    Role,
    Subject,
    SubmissionFacts,
    decide,
    decide_submission,
)
from lgrshare.domain.policy.codes import SUBMISSION_ACTIONS
from tests.domain.test_people_policy import PEOPLE_AND_PARTY_REASONS
from tests.domain.test_policy_requests import CELLS as REQUEST_CELLS
from tests.domain.test_policy_requests import _expected as request_expected

SURREY_AREA, KENT_AREA = "E10000030", "E10000016"
SURREY, GUILDFORD, WAVERLEY, MAIDSTONE = "E10000030", "E07000209", "E07000216", "E07000110"
WOKING = "E07000217"
STANDARD = "contracts-register"
# Surrey provides the register to Guildford only: Woking is a party that receives nothing.
FLOW_FIELDS = frozenset({"ContractReference", "Title", "Supplier"})
AGREEMENT_ID, VERSION = "dsa-7", 2
LIVE, ENDED = date(2030, 1, 1), date(2024, 12, 31)

# who -> (council, contractor, areas)
PERSONAS = {
    "holder": (SURREY, None, {SURREY_AREA}),
    "party": (GUILDFORD, None, {SURREY_AREA}),
    "non-recipient": (WOKING, None, {SURREY_AREA}),
    "non-party": (WAVERLEY, None, {SURREY_AREA}),
    "other-area": (MAIDSTONE, None, {KENT_AREA}),
    "contractor": (None, Contractor("c-live", GUILDFORD, LIVE), {SURREY_AREA}),
    "contractor-no-agreement": (None, Contractor("c-none", GUILDFORD, None), {SURREY_AREA}),
    "contractor-ended": (None, Contractor("c-ended", GUILDFORD, ENDED), {SURREY_AREA}),
    "contractor-not-named": (None, Contractor("c-unnamed", GUILDFORD, LIVE), {SURREY_AREA}),
    "contractor-non-party": (None, Contractor("c-waverley", WAVERLEY, LIVE), {SURREY_AREA}),
}
ROLES = [
    "analyst", "data-lead", "ig-officer", "dpo", "senior-signatory", "it-security",
    "legal-adviser", "programme-lead", "area-admin",
]  # fmt: skip
ACCESS = ["public", "under-agreement", "held"]
STATES = [
    "none", "draft", "in-review", "active", "suspended", "terminated", "expired", "closed",
]  # fmt: skip
WHEN = {
    "before": datetime(2025, 5, 15, 12, tzinfo=UTC),
    "during": datetime(2025, 10, 1, 12, tzinfo=UTC),
    "after": datetime(2026, 4, 1, 12, tzinfo=UTC),
}
TERMS = {"accepted": {(AGREEMENT_ID, VERSION)}, "earlier-version-only": {(AGREEMENT_ID, 1)}}
ACTIONS = [
    "view-metadata", "view-data", "download", "export", "compile", "submit",
    "approve", "sign", "suspend", "terminate", "review-legal", "review-security",
]  # fmt: skip


class Except(frozenset[str]):
    """A pattern matching every value except these."""


ANY = None
READ = {"view-data", "download", "export", "compile"}
REVIEWS = {"review-legal", "review-security"}
GOVERN = {"approve", "sign", "suspend", "terminate"} | REVIEWS
NOT_REVIEW = READ | {"submit", "suspend", "terminate"}
CONTRACTORS = {name for name in PERSONAS if name.startswith("contractor")}
# The roles the test agreement permits: view-data, download and export, compile, submit.
NOT_VIEWER = Except({"analyst", "data-lead", "programme-lead"})
NOT_DOWNLOADER = Except({"analyst", "data-lead"})
DPO_ACTIONS = {"approve", "suspend", "terminate"}
NOT_IN_REVIEW = Except({"in-review"})

# (who, role, access, state, when, terms, action) -> reason; the first row that fits wins.
EXPECTED = [
    ("other-area", ANY, ANY, ANY, ANY, ANY, ANY, "other-area"),
    (ANY, ANY, "public", ANY, ANY, ANY, READ | {"view-metadata"}, "public-data"),
    (ANY, ANY, ANY, ANY, ANY, ANY, "view-metadata", "allowed"),
    (ANY, ANY, ANY, "none", ANY, ANY, ANY, "no-agreement"),
    (CONTRACTORS, ANY, ANY, ANY, ANY, ANY, GOVERN | {"submit"}, "contractor-not-permitted"),
    ({"non-party", "contractor-non-party"}, ANY, ANY, ANY, ANY, ANY, ANY, "not-a-party"),
    ("contractor-no-agreement", ANY, ANY, ANY, ANY, ANY, ANY, "contractor-agreement-missing"),
    ("contractor-ended", ANY, ANY, ANY, ANY, ANY, ANY, "contractor-agreement-expired"),
    ("contractor-not-named", ANY, ANY, ANY, ANY, ANY, ANY, "contractor-not-named"),
    ({"party", "non-recipient"}, ANY, ANY, ANY, ANY, ANY, "submit", "not-the-holder"),
    ("non-recipient", ANY, ANY, ANY, ANY, ANY, READ, "not-a-recipient"),
    (ANY, NOT_VIEWER, ANY, ANY, ANY, ANY, "view-data", "role-not-permitted"),
    (ANY, NOT_DOWNLOADER, ANY, ANY, ANY, ANY, {"download", "export"}, "role-not-permitted"),
    (ANY, Except({"analyst"}), ANY, ANY, ANY, ANY, "compile", "role-not-permitted"),
    (ANY, Except({"data-lead"}), ANY, ANY, ANY, ANY, "submit", "role-not-permitted"),
    (ANY, Except({"dpo"}), ANY, ANY, ANY, ANY, DPO_ACTIONS, "role-not-permitted"),
    (ANY, Except({"senior-signatory"}), ANY, ANY, ANY, ANY, "sign", "role-not-permitted"),
    (ANY, Except({"legal-adviser"}), ANY, ANY, ANY, ANY, "review-legal", "role-not-permitted"),
    (ANY, Except({"it-security"}), ANY, ANY, ANY, ANY, "review-security", "role-not-permitted"),
    (ANY, ANY, ANY, NOT_IN_REVIEW, ANY, ANY, {"approve", "sign"}, "agreement-not-in-review"),
    (ANY, ANY, ANY, Except({"draft", "in-review"}), ANY, ANY, REVIEWS, "agreement-not-in-review"),
    (ANY, ANY, ANY, {"draft", "in-review"}, ANY, ANY, NOT_REVIEW, "agreement-not-active"),
    (ANY, ANY, ANY, "suspended", ANY, ANY, READ | {"submit", "suspend"}, "agreement-suspended"),
    (ANY, ANY, ANY, "terminated", ANY, ANY, NOT_REVIEW, "agreement-terminated"),
    (ANY, ANY, ANY, "expired", ANY, ANY, NOT_REVIEW, "agreement-expired"),
    (ANY, ANY, ANY, "closed", ANY, ANY, NOT_REVIEW, "data-deleted"),
    (ANY, ANY, ANY, ANY, "after", ANY, ANY, "agreement-expired"),
    (ANY, ANY, ANY, ANY, "before", ANY, READ | {"submit"}, "agreement-not-active"),
    (ANY, ANY, ANY, ANY, ANY, "earlier-version-only", READ, "terms-not-accepted"),
    (ANY, ANY, ANY, ANY, ANY, ANY, ANY, "allowed"),
]  # fmt: skip
ALLOWING = {"allowed", "public-data"}


def _fits(pattern: object, value: str) -> bool:
    if pattern is ANY:
        return True
    if isinstance(pattern, Except):
        return value not in pattern
    if isinstance(pattern, str):
        return value == pattern
    assert isinstance(pattern, set | frozenset)
    return value in pattern


def _expected(cell: tuple[str, ...]) -> tuple[int, str]:
    for index, row in enumerate(EXPECTED):
        if all(_fits(pattern, value) for pattern, value in zip(row[:-1], cell, strict=True)):
            return index, row[-1]
    raise AssertionError(f"no row of the table fits {cell}")


def _subject(who: str, role: str, terms: str) -> Subject:
    council, contractor, areas = PERSONAS[who]
    return Subject(
        user_id=f"{who}-{role}",
        council=council,
        areas=frozenset(areas),
        roles=frozenset({role}),
        contractor=contractor,
        terms_accepted=frozenset(TERMS[terms]),
    )


def _agreement(state: str, **overrides: object) -> AgreementFacts | None:
    if state == "none":
        return None
    fields: dict[str, object] = {
        "agreement_id": AGREEMENT_ID,
        "version": VERSION,
        "state": state,
        "parties": frozenset({SURREY, GUILDFORD, WOKING}),
        "area": SURREY_AREA,
        "flows": (Flow(STANDARD, SURREY, GUILDFORD, FLOW_FIELDS),),
        "permitted_roles": {
            "view-data": frozenset({"analyst", "data-lead", "programme-lead"}),
            "download": frozenset({"analyst", "data-lead"}),
            "export": frozenset({"analyst", "data-lead"}),
            "compile": frozenset({"analyst"}),
            "submit": frozenset({"data-lead"}),
        },
        "contractors": frozenset({"c-live", "c-none", "c-ended", "c-waverley"}),
        "starts_on": date(2025, 6, 1),
        "delete_by": date(2026, 3, 31),
    }
    fields.update(overrides)
    return AgreementFacts(**fields)  # type: ignore[arg-type]


def _dataset(access: str = "under-agreement", area: str | None = SURREY_AREA) -> Resource:
    return Resource(
        dataset_id="contracts-register", access=access, holder=SURREY, area=area, standard=STANDARD
    )


def test_every_cell_of_the_matrix_matches_the_table_of_expected_answers():
    agreements = {state: _agreement(state) for state in STATES}
    subjects = {key: _subject(*key) for key in itertools.product(PERSONAS, ROLES, TERMS)}
    datasets = {access: _dataset(access) for access in ACCESS}
    rows_used: set[int] = set()
    wrong = []
    cells = itertools.product(PERSONAS, ROLES, ACCESS, STATES, WHEN, TERMS, ACTIONS)
    for cell in cells:
        who, role, access, state, when, terms, action = cell
        row, reason = _expected(cell)
        rows_used.add(row)
        decision = decide(
            subject=subjects[who, role, terms],
            action=action,
            resource=datasets[access],
            agreement=agreements[state],
            now=WHEN[when],
        )
        if (decision.allowed, decision.reason) != (reason in ALLOWING, reason):
            wrong.append(f"{cell}: expected {reason}, got {decision.reason}")
    assert len(rows_used) == len(EXPECTED), "every row of the table decides some cell"
    assert not wrong, f"{len(wrong)} cells differ, first: " + "; ".join(wrong[:10])


# Acting on a submission: (who, role, state, second person asked, action) -> reason.
SUBMITTERS = {
    "submitter": (SURREY, None),  # a holder's member of staff who submitted it
    "holder": (SURREY, None),  # another member of the holder's staff
    "other-council": (GUILDFORD, None),
    "contractor": (None, Contractor("c-live", SURREY, LIVE)),
}
SUBMISSION_STATES = ["pending", "accepted", "withdrawn", "superseded", "deleted"]
ON_OWN = {"add-caveat", "withdraw-submission"}
NOT_LEAD = Except({"data-lead"})
SUBMISSION_EXPECTED = [
    ("contractor", ANY, ANY, ANY, ANY, "contractor-not-permitted"),
    ("other-council", ANY, ANY, ANY, ANY, "not-the-holder"),
    ("holder", NOT_LEAD, ANY, ANY, ON_OWN, "not-the-submitter"),
    ({"holder", "submitter"}, NOT_LEAD, ANY, ANY, "accept-submission", "role-not-permitted"),
    (ANY, ANY, Except({"pending"}), ANY, ANY, "submission-not-pending"),
    ("submitter", ANY, ANY, True, "accept-submission", "second-person-needed"),
    (ANY, ANY, ANY, ANY, ANY, "allowed"),
]  # fmt: skip


def test_every_cell_of_the_submission_matrix_matches_its_table():
    wrong, rows_used = [], set()
    cells = itertools.product(
        SUBMITTERS, ROLES, SUBMISSION_STATES, (False, True), SUBMISSION_ACTIONS
    )
    for who, role, state, second, action in cells:
        council, contractor = SUBMITTERS[who]
        subject = Subject(
            user_id=f"{who}-{role}",
            council=council,
            areas=frozenset({SURREY_AREA}),
            roles=frozenset({role}),
            contractor=contractor,
        )
        submitter = subject.user_id if who == "submitter" else "someone-else"
        facts = SubmissionFacts(
            holder=SURREY, submitter=submitter, state=state, second_person=second
        )
        decision = decide_submission(subject=subject, action=action, submission=facts)
        cell = (who, role, state, second, action)
        index, reason = next(
            (i, row[-1])
            for i, row in enumerate(SUBMISSION_EXPECTED)
            if all(
                pattern is ANY
                or (pattern == value if isinstance(pattern, bool) else _fits(pattern, str(value)))
                for pattern, value in zip(row[:-1], cell, strict=True)
            )
        )
        rows_used.add(index)
        if (decision.allowed, decision.reason) != (reason == "allowed", reason):
            wrong.append(f"{cell}: expected {reason}, got {decision.reason}")
    assert len(rows_used) == len(SUBMISSION_EXPECTED)
    assert not wrong, f"{len(wrong)} cells differ, first: " + "; ".join(wrong[:10])


def test_submission_actions_are_not_decided_as_data_actions():
    with pytest.raises(PolicyInputError):
        decide(
            subject=_subject("holder", "data-lead", "accepted"),
            action="accept-submission",
            resource=_dataset(),
            agreement=_agreement("active"),
            now=WHEN["during"],
        )


def test_the_matrix_covers_every_action_role_state_access_kind_and_reason():
    # Submissions and documents are decided apart, with their own matrices.
    apart = SUBMISSION_ACTIONS | DOCUMENT_ACTIONS
    assert set(ACTIONS) == {action.value for action in Action} - apart
    assert set(ROLES) == {role.value for role in Role}
    assert set(STATES) == {state.value for state in AgreementState} | {"none"}
    assert set(ACCESS) == {access.value for access in Access}
    # not-named needs a named list; its own test below covers it.
    table_reasons = {row[-1] for row in EXPECTED} | {row[-1] for row in SUBMISSION_EXPECTED}
    # The people policy's and the parties' reasons have their own matrix (test_people_policy).
    # So have the request policy's (test_policy_requests); person-level-rows needs a
    # person-derived standard, and its own test below covers it.
    requests = {request_expected(*cell) for cell in REQUEST_CELLS} - {"allowed"}
    others = {"not-named", "not-named-on-live-agreement", "person-level-rows", "own-draft"}
    others |= PEOPLE_AND_PARTY_REASONS
    others |= requests - table_reasons
    assert table_reasons == {reason.value for reason in DecisionReason} - others


def test_deleted_data_is_refused_to_every_reader_and_submitter_but_its_metadata_stays():
    deleted = Resource(
        dataset_id="contracts-register",
        access="under-agreement",
        holder=SURREY,
        area=SURREY_AREA,
        standard=STANDARD,
        deleted=True,
    )
    subject = _subject("party", "data-lead", "accepted")
    holder = _subject("holder", "data-lead", "accepted")

    def reason(who: Subject, action: str) -> str:
        return decide(
            subject=who,
            action=action,
            resource=deleted,
            agreement=_agreement("active"),
            now=WHEN["during"],
        ).reason

    assert {reason(subject, action) for action in READ} == {"data-deleted"}
    assert reason(holder, "submit") == "data-deleted"
    assert reason(subject, "view-metadata") == "allowed"
    outsider = _subject("other-area", "data-lead", "accepted")
    assert reason(outsider, "view-data") == "other-area"


def test_default_roles_apply_when_the_agreement_lists_none_for_an_action():
    agreement = _agreement("active", permitted_roles={"download": frozenset({"dpo"})})
    now = WHEN["during"]

    def reason(role: str, action: str) -> str:
        subject = _subject("party", role, "accepted")
        return decide(
            subject=subject, action=action, resource=_dataset(), agreement=agreement, now=now
        ).reason

    assert reason("dpo", "download") == "allowed"
    assert reason("analyst", "download") == "role-not-permitted"
    assert reason("programme-lead", "view-data") == "allowed"
    assert reason("programme-lead", "export") == "role-not-permitted"
    assert reason("data-lead", "compile") == "allowed"


def test_named_people_limit_reading_to_them_but_not_metadata_or_submission():
    agreement = _agreement("active", named_people=frozenset({"party-analyst", "holder-data-lead"}))
    now = WHEN["during"]

    def reason(who: str, role: str, action: str) -> str:
        subject = _subject(who, role, "accepted")
        return decide(
            subject=subject, action=action, resource=_dataset(), agreement=agreement, now=now
        ).reason

    assert reason("party", "analyst", "view-data") == "allowed"
    assert reason("party", "data-lead", "view-data") == "not-named"
    assert reason("party", "data-lead", "view-metadata") == "allowed"
    assert reason("holder", "data-lead", "submit") == "allowed"
    assert reason("contractor", "analyst", "download") == "not-named"


def test_a_recipient_reads_only_the_fields_its_flows_give_and_a_holder_reads_everything():
    two_flows = (
        Flow(STANDARD, SURREY, GUILDFORD, frozenset({"Title"})),
        Flow(STANDARD, SURREY, GUILDFORD, frozenset({"Supplier"})),
        Flow("workforce-summary", SURREY, WOKING, frozenset({"Headcount"})),
    )
    agreement = _agreement("active", flows=two_flows)

    def decision(who: str, action: str = "download") -> object:
        return decide(
            subject=_subject(who, "data-lead", "accepted"),
            action=action,
            resource=_dataset(),
            agreement=agreement,
            now=WHEN["during"],
        )

    assert decision("party").fields == frozenset({"Title", "Supplier"})
    assert decision("contractor").fields == frozenset({"Title", "Supplier"})  # works for Guildford
    assert decision("holder").fields is None
    assert decision("non-recipient").reason == "not-a-recipient"  # a flow of another standard
    assert decision("non-recipient", "view-metadata").allowed
    public = decide(
        subject=_subject("non-recipient", "analyst", "accepted"),
        action="view-data",
        resource=_dataset("public"),
        agreement=agreement,
        now=WHEN["during"],
    )
    assert (public.reason, public.fields) == ("public-data", None)


@pytest.mark.parametrize(
    ("now", "reason"),
    [
        (datetime(2026, 3, 30, 22, 59, tzinfo=UTC), "allowed"),  # 23:59 on the 30th in BST
        (datetime(2026, 3, 30, 23, 0, tzinfo=UTC), "agreement-expired"),  # midnight, 31st in BST
    ],
)
def test_access_ends_when_the_delete_by_day_begins_in_uk_time(now, reason):
    decision = decide(
        subject=_subject("party", "analyst", "accepted"),
        action="download",
        resource=_dataset(),
        agreement=_agreement("active"),
        now=now,
    )
    assert decision.reason == reason


@pytest.mark.parametrize(
    ("now", "reason"),
    [
        (datetime(2025, 10, 1, 22, 59, tzinfo=UTC), "allowed"),
        (datetime(2025, 10, 1, 23, 0, tzinfo=UTC), "contractor-agreement-expired"),
    ],
)
def test_contractor_access_lasts_through_the_last_day_of_its_contractor_agreement(now, reason):
    subject = Subject(
        user_id="consultant",
        council=None,
        areas=frozenset({SURREY_AREA}),
        roles=frozenset({"analyst"}),
        contractor=Contractor("c-live", GUILDFORD, date(2025, 10, 1)),
        terms_accepted=frozenset({(AGREEMENT_ID, VERSION)}),
    )
    decision = decide(
        subject=subject,
        action="view-data",
        resource=_dataset(),
        agreement=_agreement("active"),
        now=now,
    )
    assert decision.reason == reason


@pytest.mark.parametrize(
    ("who", "action", "reason"),
    [
        ("party", "view-data", "person-level-rows"),
        ("party", "download", "person-level-rows"),
        ("party", "export", "person-level-rows"),
        ("contractor", "download", "person-level-rows"),
        ("party", "compile", "allowed"),  # compiled, suppressed aggregates only
        ("holder", "download", "allowed"),  # the provider reads its own rows
        ("non-recipient", "view-data", "not-a-recipient"),  # other refusals come first
    ],
)
def test_the_airlock_keeps_person_derived_rows_with_their_provider(who, action, reason):
    standard = "service-demand-lsoa"
    agreement = _agreement(
        "active", flows=(Flow(standard, SURREY, GUILDFORD, frozenset({"count"})),)
    )
    resource = Resource(
        dataset_id="demand",
        access="under-agreement",
        holder=SURREY,
        area=SURREY_AREA,
        standard=standard,
        personal_data="aggregate",
    )
    decision = decide(
        subject=_subject(who, "analyst", "accepted"),
        action=action,
        resource=resource,
        agreement=agreement,
        now=WHEN["during"],
    )
    assert decision.reason == reason


def test_national_reference_data_is_open_to_everyone_signed_in():
    decision = decide(
        subject=_subject("other-area", "analyst", "accepted"),
        action="download",
        resource=_dataset("public", area=None),
        agreement=None,
        now=WHEN["during"],
    )
    assert (decision.allowed, decision.reason) == (True, "public-data")


def test_governance_actions_need_no_dataset_and_keep_outsiders_out():
    in_review = _agreement("in-review")
    dpo = _subject("party", "dpo", "accepted")
    outsider = _subject("other-area", "dpo", "accepted")
    approve = {"action": "approve", "resource": None, "agreement": in_review, "now": WHEN["before"]}
    assert decide(subject=dpo, **approve).reason == "allowed"
    assert decide(subject=outsider, **approve).reason == "other-area"


def test_a_dpo_does_not_review_what_they_drafted_but_another_dpo_of_the_council_does():
    dpo = _subject("party", "dpo", "accepted")
    drafted = _agreement("in-review", drafters=frozenset({dpo.user_id}))
    approve = {"action": "approve", "resource": None, "now": WHEN["before"]}
    assert decide(subject=dpo, agreement=drafted, **approve).reason == "own-draft"
    colleague = Subject(
        user_id="another-dpo", council=dpo.council, areas=dpo.areas, roles=dpo.roles
    )
    assert decide(subject=colleague, agreement=drafted, **approve).reason == "allowed"
    # Drafting stops only the review: the drafter may still suspend or terminate it once live.
    active = _agreement("active", drafters=frozenset({dpo.user_id}))
    terminate = approve | {"action": "terminate"}
    assert decide(subject=dpo, agreement=active, **terminate).reason == "allowed"
    # A drafter without the DPO role hears about their role, not about the draft.
    lead = _subject("party", "data-lead", "accepted")
    theirs = _agreement("in-review", drafters=frozenset({lead.user_id}))
    assert decide(subject=lead, agreement=theirs, **approve).reason == "role-not-permitted"


def test_require_raises_access_denied_carrying_the_reason_code():
    decision = decide(
        subject=_subject("party", "analyst", "earlier-version-only"),
        action="view-data",
        resource=_dataset(),
        agreement=_agreement("active"),
        now=WHEN["during"],
    )
    with pytest.raises(PermissionDenied) as caught:
        decision.require()
    assert caught.value.code == "terms-not-accepted"
    assert caught.value.status == 403


@pytest.mark.parametrize(
    "change",
    [
        {"now": datetime(2025, 10, 1, 12)},  # naive: which day is it in the UK?
        {"resource": None},  # reading needs a dataset
        {"action": "delete"},
        {"resource": Resource("x", "secret", SURREY, SURREY_AREA)},
        {"agreement": _agreement("pending")},
    ],
)
def test_a_question_the_policy_cannot_answer_is_refused_loudly(change):
    question = {
        "subject": _subject("party", "analyst", "accepted"),
        "action": "view-data",
        "resource": _dataset(),
        "agreement": _agreement("active"),
        "now": WHEN["during"],
    }
    question.update(change)
    with pytest.raises(PolicyInputError) as caught:
        decide(**question)
    assert caught.value.code == "policy-input-invalid"


def test_every_reason_has_a_message():
    assert all(reason.message for reason in DecisionReason)
