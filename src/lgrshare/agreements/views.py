"""Agreement pages: register, draft, the agreement, sign-off, terms, PDF, transparency."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lgrshare import access
from lgrshare.accounts.auth import person
from lgrshare.agreements import readiness, services
from lgrshare.agreements.advice import advice_of, missing_for
from lgrshare.agreements.build import build_document
from lgrshare.agreements.dpia_documents import dpia_document_decision, dpia_document_download
from lgrshare.agreements.forms import (
    AcceptTermsForm,
    AgreementForm,
    ContractorAgreementForm,
    DpiaForm,
    ExpertReviewForm,
    ReasonForm,
    ReviewForm,
    initial_from,
)
from lgrshare.agreements.models import Agreement, ContractorAgreement, Dpia, State
from lgrshare.agreements.pdf import render_pdf
from lgrshare.agreements.status import status_of
from lgrshare.agreements.terms import SECURITY_RULES
from lgrshare.councils.models import Area, Contractor, User
from lgrshare.councils.permissions import area_permissions, can, contractor_target
from lgrshare.councils.services import area_for_council, area_get_for_user
from lgrshare.domain.agreement_terms import TermsInvalid
from lgrshare.domain.contractors import article_28_obligations
from lgrshare.domain.errors import InvalidInput, NotFound
from lgrshare.domain.files import check_file
from lgrshare.domain.policy.people import PeopleAction
from lgrshare.domain.screening import AgreementNotReady
from lgrshare.domain.standards.model import StandardNotFound
from lgrshare.requests.services import request_get_for_user
from lgrshare.standards.services import standard_get


@require_safe
def agreements_register(request: HttpRequest, county_gss: str) -> HttpResponse:
    area = area_get_for_user(county_gss=county_gss, user=person(request))
    groups = services.register(area=area)
    return render(request, "agreements/register.html", {"area": area, "groups": groups})


@require_http_methods(["GET", "POST"])
def agreement_new(request: HttpRequest, county_gss: str) -> HttpResponse:
    area = area_get_for_user(county_gss=county_gss, user=person(request))
    source = None
    initial: dict[str, Any] = {}
    if request.GET.get("request", "").isdigit():
        source = request_get_for_user(pk=int(request.GET["request"]), user=person(request))
        initial = initial_from(*services.terms_from_request(source))
    form = AgreementForm(request.POST or None, initial=initial, area=area)
    if request.method == "POST" and _draft_ready(request, form, area):
        try:
            created = services.agreement_create(
                user=person(request),
                area=area,
                title=form.cleaned_data["title"],
                parties=form.parties_map(),
                terms=form.terms(),
                named=list(User.objects.filter(pk__in=form.cleaned_data["named_people"])),
                contractors=_contractors(form),
                request=source,
            )
        except TermsInvalid as exc:  # something changed since the check: show it the same way
            form.show_problems(exc.problems)
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("agreement", pk=created.pk)
    return render(request, "agreements/form.html", {"area": area, "form": form, "source": source})


@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = services.agreement_get_for_user(pk=pk, user=person(request))
    version = agreement.current()
    parties = {p.council_id: p.provides_data for p in version.parties.all()}
    initial = initial_from(agreement.title, parties, version.terms)
    initial["named_people"] = [str(pk) for pk in version.named_people.values_list("pk", flat=True)]
    initial["contractors"] = [str(pk) for pk in version.contractors.values_list("pk", flat=True)]
    form = AgreementForm(request.POST or None, initial=initial, area=agreement.area)
    if request.method == "POST" and _draft_ready(request, form, agreement.area):
        try:
            services.agreement_update(
                user=person(request),
                agreement=agreement,
                parties=form.parties_map(),
                terms=form.terms(),
                named=list(User.objects.filter(pk__in=form.cleaned_data["named_people"])),
                contractors=_contractors(form),
            )
        except TermsInvalid as exc:
            form.show_problems(exc.problems)
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("agreement", pk=agreement.pk)
    context = {
        "area": agreement.area,
        "form": form,
        "agreement": agreement,
        # A draft saved before a standard's level rose: said before the drafter starts.
        "level_warnings": ()
        if form.is_bound
        else readiness.level_problems(
            version.terms, contractor_access=version.contractors.exists()
        ),
    }
    return render(request, "agreements/form.html", context)


def _contractors(form: AgreementForm) -> list[Contractor]:
    chosen = getattr(form, "cleaned_data", {}).get("contractors") or []
    return list(Contractor.objects.filter(pk__in=chosen))


def _draft_ready(request: HttpRequest, form: AgreementForm, area: Area) -> bool:
    """Whether the posted draft can be saved. Every problem is checked at once, the form's own
    and the draft's (``services.draft_problems``), and put on the form for one error summary.
    "Show the fields" (``refresh``) shows the form again with the field lists for the
    standard and councils chosen, judging nothing yet."""
    if "refresh" in request.POST:
        form.errors.clear()
        return False
    form.is_valid()
    data = form.cleaned_data
    problems = services.draft_problems(
        area=area,
        parties=form.parties_map(),
        terms=form.terms(),
        title=data.get("title") or ("" if "title" not in form.errors else "-"),
        contractors=_contractors(form),
    )
    form.show_problems([*form.recipient_problems(), *problems])
    return not form.errors


def _dpia_initial(agreement: Agreement) -> dict[str, str]:
    """What the DPIA form starts with: the decision recorded so far, to change one part."""
    dpia = Dpia.objects.filter(agreement=agreement).first()
    if dpia is None:
        return {}
    fields = DpiaForm.base_fields.keys() - {"document"}
    return {name: getattr(dpia, name) for name in fields}


def _context(
    request: HttpRequest, agreement: Agreement, number: int | None = None
) -> dict[str, Any]:
    user = person(request)
    version = services.version_get(agreement=agreement, number=number)
    screened = services.screening(agreement, version)
    is_current = version.number == agreement.current().number
    own = version.parties.filter(council_id=user.council_id).first()
    accepted = agreement.acceptances.filter(user=user, version=version.number).exists()
    return {
        "standards_to_finish": [] if version.frozen_at else services.standards_to_finish(version),
        "agreement": agreement,
        "status": status_of(agreement),
        "area": agreement.area,
        "version": version,
        "is_current": is_current,
        # "Before this can go live": what blocks review, approval or signature, for the parties.
        "problems": readiness.problems_of(version, screened)
        if is_current and own is not None and agreement.state in {State.DRAFT, State.IN_REVIEW}
        else (),
        "document": build_document(version, screened),
        "screening": screened,
        # Every form and button of the page, as the policy answers for this person.
        "perms_for": access.perms_for(
            agreement=services.permissions(user=user, agreement=agreement)
        ),
        "own_party": own,
        "accept_form": AcceptTermsForm(),
        "accepted": accepted,
        "versions": agreement.versions.order_by("-number"),
        "review_form": ReviewForm(),
        "expert_review_form": ExpertReviewForm(),
        "advice": advice_of(version),
        # What stops the person's own council signing (expert reviews missing or asking changes).
        "own_missing": missing_for(own, version) if own is not None and is_current else (),
        "security_rules": SECURITY_RULES.get(version.classification, ()),
        "reason_form": ReasonForm(),
        "dpia_form": DpiaForm(initial=_dpia_initial(agreement)),
        "dpia": getattr(agreement, "dpia", None),
        "dpia_document_readable": dpia_document_decision(user=user, agreement=agreement).allowed,
    }


@require_safe
def agreement_detail(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    agreement = services.agreement_get_for_user(pk=pk, user=person(request))
    return render(request, "agreements/detail.html", _context(request, agreement, number))


@require_safe
def agreement_pdf(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    agreement = services.agreement_get_for_user(pk=pk, user=person(request))
    version = services.version_get(agreement=agreement, number=number)
    content = render_pdf(build_document(version, services.screening(agreement, version)))
    response = HttpResponse(content, content_type="application/pdf")
    name = f"{agreement.reference}-v{version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
def dpia_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The DPIA document, for the parties' DPOs only (audited either way)."""
    agreement = services.agreement_get_for_user(pk=pk, user=person(request))
    dpia, content = dpia_document_download(user=person(request), agreement=agreement)
    response = HttpResponse(content, content_type=dpia.document_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, dpia.document_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def agreement_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    agreement = services.agreement_get_for_user(pk=pk, user=person(request))
    # The policy first, whatever was sent: someone who may not act on this agreement is
    # refused (403) before an unknown action or a form is answered (400).
    services.agreement_require(user=person(request), agreement=agreement, action=action)
    try:
        return _act(request, agreement, action)
    except AgreementNotReady as refusal:
        context = _context(request, agreement) | {"refusal": refusal}
        return render(request, "agreements/detail.html", context, status=refusal.status)


def _act(request: HttpRequest, agreement: Agreement, action: str) -> HttpResponse:
    user = person(request)
    if action == "send":
        services.agreement_send_for_review(user=user, agreement=agreement)
        messages.success(request, "Sent to the parties' DPOs for review.")
    elif action == "review":
        review = ReviewForm(request.POST)
        if not review.is_valid():
            # Back to the page with the comments as typed and the error beside the radios.
            context = _context(request, agreement) | {"review_form": review}
            return render(request, "agreements/detail.html", context, status=400)
        approve = review.cleaned_data["decision"] == "approve"
        services.agreement_dpo_review(
            user=user,
            agreement=agreement,
            approve=approve,
            comments=review.cleaned_data["comments"],
        )
        messages.success(request, "Approved." if approve else "Returned to draft with comments.")
    elif action == "sign":
        if request.POST.get("confirm") != "on":
            refused = InvalidInput(
                "Confirm you have authority to sign and have read this version in full: tick "
                "the declaration above the button",
                code="declaration-required",
            )
            refused.next_step = ("Back to the agreement", f"/agreements/{agreement.pk}/")
            raise refused
        seen = request.POST.get("version", "")
        services.agreement_sign(
            user=user, agreement=agreement, version=int(seen) if seen.isdigit() else None
        )
        agreement.refresh_from_db()
        messages.success(
            request,
            "Signed."
            + (" The agreement is now active." if agreement.state == State.ACTIVE else ""),
        )
    elif action in {"legal-review", "it-security-review"}:
        expert = ExpertReviewForm(request.POST)
        if expert.is_valid():
            try:
                services.expert_review_record(
                    user=user,
                    agreement=agreement,
                    kind=action.removesuffix("-review"),
                    outcome=expert.cleaned_data["outcome"],
                    comments=expert.cleaned_data["comments"],
                )
            except InvalidInput as exc:
                if exc.code != "comments-required":
                    raise
                expert.add_error("comments", exc.message)
        if expert.errors:
            # Back to the page, the form as filled in and its errors beside it.
            context = _context(request, agreement) | {"expert_review_form": expert}
            return render(request, "agreements/detail.html", context, status=400)
        messages.success(request, "Your review is recorded.")
    elif action == "ask-legal":
        services.legal_review_ask(user=user, agreement=agreement)
        messages.success(request, "Your council's legal advisers have been asked to review it.")
    elif action in {"suspend", "terminate"}:
        reasons = ReasonForm(request.POST)
        reason = reasons.cleaned_data["reason"] if reasons.is_valid() else ""
        stop = services.agreement_suspend if action == "suspend" else services.agreement_terminate
        stop(user=user, agreement=agreement, reason=reason)
        messages.success(request, f"The agreement is {action}ed.")
    elif action == "accept":
        accept = AcceptTermsForm(request.POST)
        declared = accept.is_valid()
        try:
            # The policy first: only someone who may accept hears about the declaration.
            services.terms_accept(user=user, agreement=agreement, declared=declared)
        except InvalidInput as exc:
            if exc.code != "declaration-required" or declared:
                raise
            # Back to the page with the error summary and the error beside the declaration.
            context = _context(request, agreement) | {"accept_form": accept}
            return render(request, "agreements/detail.html", context, status=400)
        messages.success(request, "You have accepted the terms.")
        return redirect("agreement", pk=agreement.pk)
    elif action == "dpia":
        dpia = DpiaForm(request.POST, request.FILES)
        if not dpia.is_valid():
            raise InvalidInput("Choose the DPIA's status", code="dpia-status-invalid")
        upload = dpia.cleaned_data["document"]
        content = None
        if upload is not None:
            head = upload.read(4096)
            upload.seek(0)
            checked = check_file(
                name=upload.name or "",
                size=upload.size or 0,
                head=head,
                max_bytes=5_000_000,
                allowed=frozenset({"pdf", "docx"}),
            )
            content = upload.read()
        services.dpia_record(
            user=user,
            agreement=agreement,
            status=dpia.cleaned_data["status"],
            outcome=dpia.cleaned_data["outcome"],
            document_name=checked.name if upload else "",
            document=content,
            document_type=checked.content_type if upload else "",
            residual_risk=dpia.cleaned_data["residual_risk"],
            ico_consultation=dpia.cleaned_data["ico_consultation"],
            appropriate_policy_document=dpia.cleaned_data["appropriate_policy_document"],
        )
        messages.success(request, "The DPIA decision is recorded.")
    else:
        raise InvalidInput(f"Unknown action {action!r}", code="unknown-action")
    return redirect("agreement", pk=agreement.pk)


@require_safe
@login_not_required
def transparency(request: HttpRequest) -> HttpResponse:
    """Public: what is shared between which councils and why, and what sharing has ended (a
    register that forgot ended agreements would hide what was shared). No data, no personal
    details."""
    signed = (State.ACTIVE, State.SUSPENDED, State.TERMINATED, State.CLOSED)
    agreements = (
        Agreement.objects.filter(state__in=signed)
        .select_related("area")
        .prefetch_related("versions__parties__council")
        .order_by("area__name", "pk")
    )
    entries = [
        {"agreement": a, "status": status_of(a), "what": _what_is_shared(a.current())}
        for a in agreements
    ]
    return render(request, "agreements/transparency.html", {"entries": entries})


def _what_is_shared(version: Any) -> list[str]:
    """The data items of ``version`` in words: each standard's title, or the item's text."""
    named = []
    for item in version.terms.data_items:
        if not item.standard:
            named.append(item.text)
            continue
        try:
            named.append(standard_get(name=item.standard).title)
        except StandardNotFound:
            named.append(item.standard)
    return named


def _upload_bytes(upload: Any) -> tuple[str, bytes]:
    """The safe name and bytes of an uploaded PDF or Word file, checked; raises
    ``InvalidInput``."""
    head = upload.read(4096)
    upload.seek(0)
    checked = check_file(
        name=upload.name or "",
        size=upload.size or 0,
        head=head,
        max_bytes=5_000_000,
        allowed=frozenset({"pdf", "docx"}),
    )
    return checked.name, bytes(upload.read())


@require_http_methods(["GET", "POST"])
def contractors(request: HttpRequest, county_gss: str) -> HttpResponse:
    user = person(request)
    area = area_get_for_user(county_gss=county_gss, user=user)
    in_area = list(
        Contractor.objects.filter(works_for__in=area.councils()).select_related("works_for")
    )
    recordable = [
        c
        for c in in_area
        if can(
            user=user,
            action=PeopleAction.RECORD_CONTRACTOR_AGREEMENT,
            target=contractor_target(c),
        )
    ]
    form = ContractorAgreementForm(
        request.POST or None, request.FILES or None, contractors=recordable
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contractor = next(c for c in recordable if str(c.pk) == data["contractor"])
        try:
            document_name, document = _upload_bytes(data["document"])
            services.contractor_agreement_record(
                user=user,
                contractor=contractor,
                scope=data["scope"],
                nature_and_purpose=data["nature_and_purpose"],
                personal_data_types=data["personal_data_types"],
                data_subject_categories=data["data_subject_categories"],
                processor_obligations=data["obligations"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                document_name=document_name,
                document=document,
            )
        except services.ContractorAgreementInvalid as exc:
            for problem in exc.problems:
                form.add_error(_FORM_FIELD.get(problem.field, problem.field), problem.message)
        except InvalidInput as exc:
            form.add_error("document" if exc.code.startswith("file") else None, exc.message)
        else:
            messages.success(
                request,
                f"The contractor agreement for {contractor} is recorded. It gives no access until "
                f"{contractor.works_for.name}'s DPO signs it off.",
            )
            return redirect("contractors", county_gss=area.gss_code)
    obligations = {o.code: o for o in article_28_obligations()}
    records = [
        {
            "record": r,
            "obligations": [obligations[c] for c in r.processor_obligations if c in obligations],
            "perms": access.perms_for(
                record=services.contractor_agreement_permissions(user=user, record=r)
            )["record"],
        }
        for r in ContractorAgreement.objects.filter(contractor__in=in_area).select_related(
            "contractor", "council", "signed_off_by"
        )
    ]
    context = {
        "area": area,
        "form": form if recordable else None,
        "records": records,
        "contractors": in_area,
        "perms_for": access.perms_for(area=area_permissions(user=user, area=area)),
    }
    return render(request, "agreements/contractors.html", context)


_FORM_FIELD = {"subject_matter": "scope", "obligations": "obligations"}


def _contractor_agreement(user: User, pk: int) -> ContractorAgreement:
    areas = Area.objects.visible_to(user).values_list("county_id", flat=True)
    found = (
        ContractorAgreement.objects.filter(pk=pk)
        .filter(Q(council_id__in=areas) | Q(council__county_id__in=areas))
        .select_related("contractor__works_for")
        .first()
    )
    if found is None:
        raise NotFound(
            "There is no such contractor agreement", code="contractor-agreement-not-found"
        )
    return found


@require_POST
def contractor_agreement_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    found = _contractor_agreement(user, pk)
    services.contractor_agreement_sign_off(user=user, contractor_agreement=found)
    messages.success(
        request,
        f"Signed off: {found.contractor}'s staff named on an agreement can now accept its terms.",
    )
    area = area_for_council(found.council)
    assert area is not None, "a contractor agreement belongs to a council of an area"
    return redirect("contractors", county_gss=area.gss_code)


@require_safe
def contractor_agreement_download(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    name, content = services.contractor_agreement_document(
        user=user, contractor_agreement=_contractor_agreement(user, pk)
    )
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
