"""Pages of an area's unitary options: the list, a new option or version, one option with its
appraisal, options compared side by side with charts, and the evidence pack."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from lgrshare import access
from lgrshare.accounts.auth import person
from lgrshare.councils.services import area_get_for_user
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.options import Problem, option_as_lines, option_from_lines
from lgrshare.domain.policy.options import OptionsAction
from lgrshare.evidence import services
from lgrshare.evidence.forms import OptionForm
from lgrshare.evidence.pack import evidence_pack_export
from lgrshare.evidence.presenting import comparison, indicators


def _pks(request: HttpRequest) -> list[int]:
    try:
        return [int(v) for v in request.GET.getlist("option")]
    except ValueError:
        raise InvalidInput("Choose options from the list.", code="invalid-option-id") from None


def _indicator(request: HttpRequest) -> str:
    return request.GET.get("indicator", "")[:200]


@require_safe
def option_list(request: HttpRequest, county_gss: str) -> HttpResponse:
    user = person(request)
    area = area_get_for_user(county_gss=county_gss, user=user)
    sets = services.option_sets_for(user=user, area=area)
    return render(
        request,
        "evidence/list.html",
        {
            "area": area,
            "option_sets": [(s, s.latest()) for s in sets],
            "may_save": access.may_on_options(
                user=user, action=OptionsAction.SAVE, area=area.county_id
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def option_new(request: HttpRequest, county_gss: str, pk: int | None = None) -> HttpResponse:
    user = person(request)
    area = area_get_for_user(county_gss=county_gss, user=user)
    access.require_on_options(user=user, action=OptionsAction.SAVE, area=area.county_id)
    option_set = services.option_set_get(area=area, pk=pk) if pk is not None else None
    initial = {}
    if option_set is not None:
        latest = option_set.latest().option()
        initial = {"name": option_set.name, "councils": option_as_lines(latest)}
    form = OptionForm(request.POST or None, initial=initial)
    if option_set is not None:
        form.fields["name"].required = False  # a new version keeps its set's name
    problems: tuple[Problem, ...] = ()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            option = option_from_lines(
                name=option_set.name if option_set else data["name"],
                text=data["councils"],
                area=area.county_id,
            )
            version = services.option_save(
                user=user, area=area, option=option, option_set=option_set, note=data["note"]
            )
        except services.OptionHasProblems as exc:
            problems = exc.problems
            form.add_error("councils", "The option does not cover the area exactly once")
        except InvalidInput as exc:
            form.add_error("name" if exc.code == "option-name-taken" else "councils", exc.message)
        else:
            return redirect("option", county_gss=area.county_id, pk=version.option_set_id)
    context = {"area": area, "form": form, "option_set": option_set, "problems": problems}
    return render(request, "evidence/new.html", context, status=400 if form.errors else 200)


@require_safe
def option_detail(request: HttpRequest, county_gss: str, pk: int) -> HttpResponse:
    user = person(request)
    area = area_get_for_user(county_gss=county_gss, user=user)
    compared = services.options_compare(user=user, area=area, pks=[pk])
    option_set = compared[0].option_set
    context = {
        "area": area,
        "option_set": option_set,
        "versions": option_set.versions.select_related("created_by"),
        "may_save": access.may_on_options(
            user=user, action=OptionsAction.SAVE, area=area.county_id
        ),
        **comparison(compared),
        **indicators(user=user, area=area, compared=compared, key=_indicator(request)),
    }
    return render(request, "evidence/detail.html", context)


@require_safe
def option_compare(request: HttpRequest, county_gss: str) -> HttpResponse:
    user = person(request)
    area = area_get_for_user(county_gss=county_gss, user=user)
    pks = _pks(request)
    if not pks:
        return redirect("options", county_gss=area.county_id)
    compared = services.options_compare(user=user, area=area, pks=pks)
    context = {
        "area": area,
        "pks": pks,
        **comparison(compared),
        **indicators(user=user, area=area, compared=compared, key=_indicator(request)),
    }
    return render(request, "evidence/compare.html", context)


@require_safe
def evidence_pack(request: HttpRequest, county_gss: str, file_format: str) -> HttpResponse:
    user = person(request)
    area = area_get_for_user(county_gss=county_gss, user=user)
    content, file_name = evidence_pack_export(
        user=user, area=area, pks=_pks(request), file_format=file_format
    )
    kind = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zip": "application/zip",
    }[file_format]
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
