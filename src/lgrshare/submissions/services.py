"""Submissions: a holder council's file, validated, caveated, encrypted, accepted, read back.

A submission is made under an active agreement (the policy's ``submit``), checked with the one
validator, encrypted into the vault and recorded with its report in one transaction, with its
audit records: a failure anywhere leaves nothing (see ``vault.services`` for the file side).
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lgrshare import access
from lgrshare.agreements import notices
from lgrshare.agreements.flows import agreed_fields, named_standard
from lgrshare.agreements.models import Agreement
from lgrshare.catalogue.models import Dataset, Kind
from lgrshare.councils.models import User
from lgrshare.domain.errors import InvalidInput, NotFound
from lgrshare.domain.files import TABLE_KINDS, check_file
from lgrshare.domain.isolation import FileTooComplex, FileUnreadable
from lgrshare.domain.policy import Decision
from lgrshare.domain.reference import council_identity
from lgrshare.domain.standards.dialect import Dialect
from lgrshare.domain.standards.model import Standard
from lgrshare.domain.validation import CAVEAT_KINDS, ERROR_TYPES, Caveat, Report, Subject
from lgrshare.domain.validation.isolated import validate_isolated
from lgrshare.domain.validation.stored import read_as_submitted
from lgrshare.standards.services import standard_get
from lgrshare.submissions.models import Submission
from lgrshare.trail import record, record_hidden, refusals_recorded
from lgrshare.vault.services import blob_destroy, blob_seal, blob_store, blob_unseal

UPLOAD_KINDS = TABLE_KINDS
# The parts of a validation report that quote cells or values, sealed under the file's key.
SEALED_PARTS = ("errors", "profile")
REPORT_PURPOSE = "report"
# A refusal names this many of the columns the agreement does not share, then counts the rest.
NAMED_COLUMNS = 10


def _submission_target(kwargs: Mapping[str, Any]) -> tuple[str, int, str | None]:
    submission: Submission = kwargs["submission"]
    return "submission", submission.pk, _area_of(submission.dataset)


def _area_of(dataset: Dataset) -> str | None:
    return dataset.area.county_id if dataset.area_id else None  # type: ignore[union-attr]


def dataset_for(*, agreement: Agreement, standard: str, council: str) -> Dataset:
    """The dataset an agreement shares for ``standard`` from ``council``; ``NotFound`` if none."""
    found = Dataset.objects.filter(
        agreement=agreement, standard_name=standard, publisher_id=council
    ).first()
    if found is None:
        raise NotFound(
            f"{agreement.reference} does not share {standard} from {council}",
            code="dataset-not-in-agreement",
        )
    return found


def agreed_standard(dataset: Dataset) -> Standard:
    """The dataset's standard cut to the fields its holder shares under its agreement's current
    version: what a submission of it may hold, and its template."""
    if dataset.agreement is None or dataset.publisher_id is None:
        return standard_get(name=dataset.standard_name)
    # The version the agreement names, never a later draft of it.
    version = dataset.agreement.current()
    standard = named_standard(version, dataset.standard_name)
    fields = agreed_fields(version=version, standard=standard.name, provider=dataset.publisher_id)
    return standard.restricted_to(fields)


def validate_command(dataset: Dataset, agreed: Standard) -> str:
    """The ``lgrshare validate`` command that checks a file of ``dataset`` offline as the hub
    will: against the fields the agreement shares (``agreed``) and for its publishing council."""
    command = f"lgrshare validate FILE --standard {agreed.name}"
    if dataset.agreement is not None and dataset.publisher_id is not None:
        whole = standard_get(name=dataset.standard_name)
        if len(agreed.fields) < len(whole.fields):
            command += f" --fields {','.join(spec.name for spec in agreed.fields)}"
    if dataset.publisher is not None:
        command += f" --organisation {dataset.publisher.gss_code}"
    return command


def submission_subject(dataset: Dataset, *, period: str) -> Subject:
    """Who a submission of ``dataset`` is about (its publishing council, by its GSS codes and
    known names, predecessors' included) and the period declared: what the standard's
    organisation and period fields must say."""
    publisher = dataset.publisher
    if publisher is None:
        return Subject(name=dataset.publisher_name, period=period)
    identity = council_identity(publisher.gss_code)
    codes = {publisher.gss_code, *(identity.codes if identity else ())}
    names = {publisher.name, publisher.official_name, *(identity.names if identity else ())}
    return Subject(
        name=publisher.name, codes=frozenset(codes), names=frozenset(names), period=period
    )


def submission_create(
    *,
    user: User,
    dataset: Dataset,
    source: BinaryIO,
    file_name: str,
    size: int,
    period: str,
    drop_unagreed: bool = False,
) -> Submission:
    """Check, validate, encrypt and record a file; return the pending submission.

    The file is validated against the fields the agreement shares (``agreed_standard``). A
    column outside them is refused (``fields-not-agreed``, naming them, recorded) unless
    ``drop_unagreed``: then those columns are removed before the file is encrypted, the file is
    kept as CSV, and the report says which were dropped.

    Raises ``AccessDenied`` (the policy's reason), ``InvalidInput``/``FileTooLarge`` for a file
    that is not a CSV or XLSX of an acceptable size and name. An invalid file is still recorded
    (with its report) so the submitter sees what to fix; only the data lead can accept it.
    """
    access.require(user=user, action=access.Action.SUBMIT, dataset=dataset, file=file_name[:120])
    if not period.strip():
        raise InvalidInput("Say what period the data covers", code="period-required")
    head = source.read(8192)
    source.seek(0)
    checked = check_file(
        name=file_name,
        size=size,
        head=head,
        max_bytes=settings.MAX_UPLOAD_BYTES,
        allowed=UPLOAD_KINDS,
    )
    standard = agreed_standard(dataset)
    subject = submission_subject(dataset, period=period.strip())
    try:
        report = validate_isolated(
            source,
            standard,
            file_name=checked.name,
            limits=settings.PARSE_LIMITS,
            subject=subject,
        )
    except (FileUnreadable, FileTooComplex) as exc:
        # The file crashed its reader or went over a limit: refused, and recorded as such.
        record(
            user=user,
            action="change-refused",
            target_type="dataset",
            target_id=dataset.slug,
            reason=exc.code,
            area=_area_of(dataset),
            file=checked.name[:120],
        )
        raise
    if not report.readable:
        error = report.errors[0] if report.errors else None
        raise InvalidInput(
            f"The file could not be read as a table: {error.message if error else 'unknown'}",
            code=error.code if error else "format-error",
        )
    source.seek(0)
    name, file_format = checked.name, checked.extension
    # Every column outside the agreement, from the header (the listed errors stop at 1,000).
    outside = [str(label) for label in report.file.get("extra_labels", ())]
    if outside and not drop_unagreed:
        record(
            user=user,
            action="access-refused",
            target_type="dataset",
            target_id=dataset.slug,
            reason="fields-not-agreed",
            columns=", ".join(outside)[:500],
        )
        named = ", ".join(outside[:NAMED_COLUMNS])
        if len(outside) > NAMED_COLUMNS:
            named += f" and {len(outside) - NAMED_COLUMNS:,} more"
        raise InvalidInput(
            f"The agreement does not share {len(outside):,} of the file's columns: {named}. "
            "Remove them from the file, or choose to have them removed before it is stored.",
            code="fields-not-agreed",
        )
    if outside:
        kept = _without(source, report, outside)
        source, name, file_format = kept, f"{name.rsplit('.', 1)[0]}.csv", "csv"
        # Rewritten as plain UTF-8 CSV: read as that, whatever dialect the upload was in.
        plain = replace(standard, dialect=Dialect())
        report = validate_isolated(
            kept, plain, file_name=name, limits=settings.PARSE_LIMITS, subject=subject
        )
        report = replace(report, file={**report.file, "columns_dropped": outside})
        kept.seek(0)
    with transaction.atomic():
        # Two uploads of the same dataset at once take the next version in turn (PostgreSQL:
        # the dataset's row is locked until this commits; SQLite writes one at a time anyway).
        Dataset.objects.select_for_update().only("pk").get(pk=dataset.pk)
        blob = blob_store(source=source)
        latest = Submission.objects.filter(dataset=dataset, period=period.strip()).aggregate(
            n=Max("version")
        )["n"]
        summary, cells = split_report(report.to_json())
        submission = Submission.objects.create(
            dataset=dataset,
            period=period.strip(),
            version=(latest or 0) + 1,
            blob=blob,
            file_name=name,
            file_format=file_format,
            standard_name=standard.name,
            standard_version=standard.version,
            valid=report.valid,
            report=summary,
            report_sealed=blob_seal(blob=blob, data=cells, purpose=REPORT_PURPOSE),
            submitted_by=user,
        )
        record(
            user=user,
            action="upload",
            target_type="submission",
            target_id=submission.pk,
            dataset=dataset.slug,
            bytes=blob.plaintext_bytes,
            sha256=blob.plaintext_sha256,
            columns_dropped=len(outside),
        )
        record(
            user=user,
            action="validate",
            target_type="submission",
            target_id=submission.pk,
            valid=report.valid,
            errors=int(report.stats.get("error_count", 0)),
        )
    return submission


def split_report(report: Mapping[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Split a report (``Report.to_json()``) into what may stay in the database in clear
    (validity, counts, the file's layout, caveats) and the parts that quote cells or values
    (``SEALED_PARTS``: the errors and the profile), as JSON bytes to seal."""
    summary = {key: value for key, value in report.items() if key not in SEALED_PARTS}
    cells = {key: report.get(key, []) for key in SEALED_PARTS}
    return summary, json.dumps(cells, default=str).encode()


def full_report(submission: Submission) -> dict[str, Any]:
    """Return the whole report: the summary with the sealed errors and profile opened under
    the file's data key. Once the file's key is destroyed the errors and profile are gone:
    the summary comes back with them empty and ``data_deleted`` true."""
    report = dict(submission.report)
    if not submission.report_sealed or submission.blob.destroyed_at is not None:
        return {**report, "errors": [], "profile": [], "data_deleted": True}
    sealed = blob_unseal(
        blob=submission.blob, sealed=submission.report_sealed, purpose=REPORT_PURPOSE
    )
    return {**report, **json.loads(sealed)}


def _without(source: BinaryIO, report: Report, columns: list[str]) -> io.BytesIO:
    """The uploaded table without ``columns``, as UTF-8 CSV, read as its report describes it."""
    frame = read_as_submitted(source.read(), str(report.file.get("format") or ""), report.file)
    out = io.BytesIO()
    frame.drop([c for c in columns if c in frame.columns]).write_csv(out)
    out.seek(0)
    return out


def facts_of(submission: Submission) -> access.SubmissionFacts:
    """The policy's view of a submission: holder, submitter, state, second person asked."""
    agreement = submission.dataset.agreement
    return access.SubmissionFacts(
        holder=submission.dataset.publisher_id,
        submitter=str(submission.submitted_by_id) if submission.submitted_by_id else None,
        state=submission.state,
        second_person=bool(agreement and agreement.current().second_person_acceptance),
    )


def permissions(user: User, submission: Submission) -> dict[str, bool]:
    """What ``user`` may do to ``submission``, by the policy, for the page to offer."""
    facts = facts_of(submission)
    return {
        str(action): access.may_act_on_submission(user=user, action=action, submission=facts)
        for action in SUBMISSION_ACTIONS
    }


def _require(user: User, action: access.Action, submission: Submission) -> None:
    access.require_on_submission(
        user=user, action=action, submission=facts_of(submission), target_id=submission.pk
    )


# What may be done to a submission from its page.
SUBMISSION_ACTIONS = (
    access.Action.ACCEPT_SUBMISSION,
    access.Action.ADD_CAVEAT,
    access.Action.WITHDRAW_SUBMISSION,
)


def submission_require(
    *, user: User, submission: Submission, action: access.Action | None = None
) -> None:
    """Ask the policy, before any input is read, whether ``user`` may do ``action`` to
    ``submission`` (``None``: any of ``SUBMISSION_ACTIONS``); raises ``AccessDenied`` with its
    reason, recorded, otherwise. The services ask again under their own locks."""
    if action is None:
        allowed = permissions(user, submission)
        if any(allowed.values()):
            return
        action = SUBMISSION_ACTIONS[0]
    _require(user, action, submission)


@refusals_recorded("caveat-added", _submission_target)
@transaction.atomic
def submission_add_caveat(
    *,
    user: User,
    submission: Submission,
    kind: str,
    text: str,
    field: str = "",
    explains: str = "",
) -> Submission:
    """The submitter or the holder's data lead declares a quality caveat while it is pending.

    ``explains`` names the validation error code a "known error" caveat accounts for.
    """
    _require(user, access.Action.ADD_CAVEAT, submission)
    caveat = Caveat(kind=kind, text=text.strip(), field=field.strip() or None)
    codes = set(submission.report.get("stats", {}).get("counts", {}))
    if explains and explains not in codes:
        raise InvalidInput(f"The report has no {explains} errors", code="caveat-invalid")
    submission.caveats = [
        *submission.caveats,
        {
            "kind": caveat.kind,
            "text": caveat.text,
            "field": caveat.field,
            "explains": explains or None,
        },
    ]
    submission.save(update_fields=["caveats"])
    record(
        user=user,
        action="caveat-added",
        target_type="submission",
        target_id=submission.pk,
        reason=caveat.kind,
        area=_area_of(submission.dataset),
        caveat=len(submission.caveats),
        field=caveat.field,
        explains=explains or None,
    )
    return submission


def unexplained_codes(submission: Submission) -> list[str]:
    """Error codes in the report that no known-error caveat explains."""
    codes = set(submission.report.get("stats", {}).get("counts", {}))
    explained = {c.get("explains") for c in submission.caveats if c.get("kind") == "known-error"}
    return sorted(codes - explained)


@refusals_recorded("submission-accepted", _submission_target)
def submission_accept(*, user: User, submission: Submission) -> Submission:
    """The holder council's data lead accepts; an invalid file needs a caveat per error code.

    Accepting supersedes earlier accepted versions for the same period.
    """
    # Decided outside the transaction, so a refusal is recorded although the change would
    # roll back; decided again under the row lock, in case it changed meanwhile.
    _require(user, access.Action.ACCEPT_SUBMISSION, Submission.objects.get(pk=submission.pk))
    return _accept(user=user, submission=submission)


@transaction.atomic
def _accept(*, user: User, submission: Submission) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    _require(user, access.Action.ACCEPT_SUBMISSION, submission)
    missing = unexplained_codes(submission)
    if missing:
        raise InvalidInput(
            "Explain each kind of error with a 'known error' caveat before accepting: "
            + ", ".join(f"'{ERROR_TYPES.get(code, (code, ''))[0]}'" for code in missing),
            code="caveats-needed",
        )
    Submission.objects.filter(
        dataset=submission.dataset, period=submission.period, state=Submission.State.ACCEPTED
    ).update(state=Submission.State.SUPERSEDED)
    submission.state = Submission.State.ACCEPTED
    submission.decided_by, submission.decided_at = user, timezone.now()
    submission.save(update_fields=["state", "decided_by", "decided_at"])
    Dataset.objects.filter(pk=submission.dataset_id).update(kind=Kind.SUBMISSION)
    record(
        user=user,
        action="submission-accepted",
        target_type="submission",
        target_id=submission.pk,
        area=_area_of(submission.dataset),
        dataset=submission.dataset.slug,
        caveats=len(submission.caveats),
    )
    notices.data_accepted(dataset=submission.dataset, period=submission.period, by=user)
    return submission


@refusals_recorded("submission-withdrawn", _submission_target)
def submission_withdraw(*, user: User, submission: Submission) -> Submission:
    """Withdraw a pending submission; its data key is destroyed so the file is unreadable."""
    # Decided outside the transaction, so a refusal is recorded although the change would
    # roll back; decided again under the row lock, in case it changed meanwhile.
    _require(user, access.Action.WITHDRAW_SUBMISSION, Submission.objects.get(pk=submission.pk))
    return _withdraw(user=user, submission=submission)


@transaction.atomic
def _withdraw(*, user: User, submission: Submission) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    _require(user, access.Action.WITHDRAW_SUBMISSION, submission)
    submission.state = Submission.State.WITHDRAWN
    submission.decided_by, submission.decided_at = user, timezone.now()
    submission.save(update_fields=["state", "decided_by", "decided_at"])
    blob_destroy(blob=submission.blob)
    record(
        user=user,
        action="submission-withdrawn",
        target_type="submission",
        target_id=submission.pk,
        area=_area_of(submission.dataset),
        dataset=submission.dataset.slug,
    )
    record(
        user=user,
        action="delete",
        target_type="blob",
        target_id=submission.blob.file_id,
        reason="withdrawn",
    )
    return submission


def submission_get_for_user(*, pk: int, user: User) -> Submission:
    """A submission of a dataset the user's area can see (for contractor staff, under an
    agreement that names their organisation); ``NotFound`` otherwise."""
    found = (
        Submission.objects.select_related("dataset", "dataset__agreement", "blob", "submitted_by")
        .filter(pk=pk, dataset__area__memberships__user=user)
        .first()
    )
    hidden_from_contractor = (
        found is not None
        and user.contractor_id is not None
        and not found.dataset.agreement.versions.filter(  # type: ignore[union-attr]
            contractors=user.contractor_id
        ).exists()
    )
    if found is None or hidden_from_contractor:
        elsewhere = Submission.objects.filter(pk=pk, dataset__area__isnull=False).first()
        if elsewhere is not None:
            record_hidden(
                user=user,
                target_type="submission",
                target_id=elsewhere.pk,
                area=str(_area_of(elsewhere.dataset)),
                reason="contractor-not-named" if hidden_from_contractor else "other-area",
            )
        raise NotFound(f"There is no submission {pk} that you can see", code="submission-not-found")
    return found


def can_see_report(user: User, submission: Submission, data: Decision) -> bool:
    """The report quotes cells and common values, so it is data: the providing council sees it,
    others only when ``data`` (the policy's view-data decision) allows."""
    return user.council_id == submission.dataset.publisher_id or data.allowed


def require_report(user: User, submission: Submission) -> dict[str, Any]:
    """Return the report as the user may see it (``visible_report``); raises ``AccessDenied``
    (recorded, with the policy's reason) unless the user may see it at all."""
    if user.council_id == submission.dataset.publisher_id:
        return full_report(submission)
    decision = access.require(
        user=user,
        action=access.Action.VIEW_DATA,
        dataset=submission.dataset,
        submission=submission.pk,
        report=True,
    )
    return visible_report(submission, decision)


def latest_accepted(dataset: Dataset) -> Submission | None:
    return (
        Submission.objects.filter(dataset=dataset, state=Submission.State.ACCEPTED)
        .select_related("blob")
        .order_by("-decided_at")
        .first()
    )


def visible_report(submission: Submission, decision: Decision) -> dict[str, Any]:
    """The report as ``decision`` lets its reader see it: errors, profiles and caveats about
    fields the reader may not see are left out (they quote cells)."""
    report = full_report(submission)
    if decision.fields is None:
        return report
    hidden = set(_all_fields(report)) - set(decision.shown(_all_fields(report)))

    def shown(item: Mapping[str, Any], key: str) -> bool:
        return item.get(key) not in hidden

    report["errors"] = [e for e in report.get("errors", []) if shown(e, "field")]
    report["profile"] = [p for p in report.get("profile", []) if shown(p, "name")]
    report["caveats"] = [c for c in report.get("caveats", []) if shown(c, "field")]
    return report


def _all_fields(report: Mapping[str, Any]) -> list[str]:
    names = [p["name"] for p in report.get("profile", [])]
    names += [e["field"] for e in report.get("errors", []) if e.get("field")]
    return list(dict.fromkeys(names))


def caveat_lines(submission: Submission) -> list[str]:
    lines = []
    for c in submission.caveats:
        where = f" ({c['field']})" if c.get("field") else ""
        lines.append(f"{CAVEAT_KINDS.get(c['kind'], c['kind'])}{where}: {c['text']}")
    return lines


def about_text(submission: Submission) -> str:
    """The 'about this data' text that travels with every download and export."""
    dataset = submission.dataset
    agreement = dataset.agreement
    version = agreement.current() if agreement else None
    lines = [
        f"{dataset.title}",
        f"Provided by {dataset.publisher_name} for the period {submission.period}, "
        f"submission {submission.reference} version {submission.version}.",
        f"Standard: {submission.standard_name} {submission.standard_version}. "
        f"Validation: {'valid' if submission.valid else 'accepted with known errors'}.",
    ]
    if agreement and version:
        lines += [
            f"Shared under {agreement.reference} ({agreement.title}).",
            f"Sensitivity: {version.classification}. Use only for the agreement's purposes.",
            "Delete by: "
            + (f"{version.delete_by:%d %B %Y}" if version.delete_by else version.retention_event),
        ]
    caveats = caveat_lines(submission)
    lines += ["", "Quality caveats:", *(caveats or ["None declared."])]
    return "\n".join(lines) + "\n"


def caveats_json(submission: Submission) -> str:
    return json.dumps(submission.caveats, indent=2)


def report_json(report: Mapping[str, Any]) -> str:
    return json.dumps(report, indent=2, default=str)
