"""Two pages of explanation: how LGR Share follows the LGA guidance, and how it protects data.

Both are plain content about the service; the second reads this installation's settings so IT
security sees what is true here (HTTPS, two-factor, the database), not what could be.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lgrshare.web.references import REFERENCES


# Each point of the LGA guidance, what LGR Share does about it, where (URL names inside the
# service), and what to consult outside it. The guidance's own words are quoted short.
@dataclass(frozen=True, slots=True)
class Point:
    id: str
    title: str
    point: str
    does: str
    where: tuple[tuple[str, str], ...]
    consult: tuple[str, ...]


GUIDANCE = tuple(
    Point(**point)  # type: ignore[arg-type]
    for point in (
        {
            "id": "public-first",
            "title": "Public data first",
            "point": "Much of the data you need may already be in the public domain",
            "does": "Find starts with public data: council, ward and LSOA figures from ONS and "
            "MHCLG are in the catalogue, each with its source, vintage and licence, before "
            "anything is asked of another council.",
            "where": (("catalogue", "The catalogue"),),
            "consult": ("lg-inform", "lg-inform-plus"),
        },
        {
            "id": "existing-agreement",
            "title": "Data already shared under an agreement",
            "point": "You may already have a data sharing agreement set up with other councils",
            "does": "Find looks next at data already shared under an active agreement of your "
            "area, and the public transparency register lists every active agreement.",
            "where": (("transparency", "Agreements in force"),),
            "consult": (),
        },
        {
            "id": "forum",
            "title": "A forum for data requests, each with one question",
            "point": "Consider setting up a dedicated forum for coordinating data requests across "
            "the area. Be very clear of what question you want to answer",
            "does": "Each area has a register of data requests: a request names one question, the "
            "minimum data items, geography and period, and the holding councils' data teams "
            "answer in its thread.",
            "where": (("home", "Your areas, and their requests"),),
            "consult": ("knowledge-hub",),
        },
        {
            "id": "minimum",
            "title": "Only the data the task needs",
            "point": "The data you share should only be that which is required to do the task",
            "does": "An agreement lists the fields each recipient may see; uploads with other "
            "columns are refused or have them removed, and every read shows only agreed fields.",
            "where": (("home", "Your areas' agreements"),),
            "consult": ("ico-data-sharing-code",),
        },
        {
            "id": "standards",
            "title": "Agreed data standards",
            "point": "Agree data standards: common labelling and layout",
            "does": "Standards are Frictionless Table Schemas with ONS GSS code lists, templates "
            "and a validator that data teams can also run on their own computers.",
            "where": (("standards", "Data standards"),),
            "consult": (),
        },
        {
            "id": "quality",
            "title": "Openness about data quality",
            "point": "Encourage openness about data quality ... so long as the caveats are clearly "
            "communicated",
            "does": "Every submission is profiled, its problems reported in plain words, and its "
            "caveats travel with the data into every download and export.",
            "where": (("catalogue", "Shared datasets and their caveats"),),
            "consult": (),
        },
        {
            "id": "security",
            "title": "Secure storage and transfer, at an agreed level",
            "point": "Data should be stored in a secure location ... sent in a secure way. The "
            "level of security ... should be agreed between those sharing it",
            "does": "Files are encrypted at rest with a key each and only reached through the "
            "service; each party's IT security officer agrees an agreement's security level, and "
            "must for OFFICIAL-SENSITIVE data, before it is signed.",
            "where": (("data-protection", "How LGR Share protects the data"),),
            "consult": (),
        },
        {
            "id": "retention",
            "title": "How long data is kept, and secure removal",
            "point": "Consider how long the data is required for ... when, and how it will be "
            "removed securely",
            "does": "Every agreement has a delete-by date and a deletion method; access stops on "
            "that date.",
            "where": (("home", "Your areas' agreements"),),
            "consult": (),
        },
        {
            "id": "dsa-dpia",
            "title": "Data sharing agreements and DPIAs",
            "point": "Complete a Data Sharing Agreement ... agree whether to complete a Data "
            "Protection Impact Assessment if personal data is involved",
            "does": "Agreements hold purposes, data items, lawful basis, who may access (including "
            "contractors), security, retention and legal requirements; screening says when a DPIA "
            "is required, and nothing goes live until the DPO records it.",
            "where": (("tasks", "Your tasks"),),
            "consult": ("ico-data-sharing-code", "ico-dpia", "savvi-ig"),
        },
        {
            "id": "contractors",
            "title": "Contractors",
            "point": "If you plan to share the data with contractors, you will need to have the "
            "appropriate agreements in place with them",
            "does": "Contractor staff reach only data of agreements that name them, and only under "
            "a contractor agreement with the Article 28 particulars that their council's DPO "
            "signed off.",
            "where": (("home", "Your areas' contractors"),),
            "consult": ("ico-data-sharing-code",),
        },
        {
            "id": "experts",
            "title": "Your own experts: DPO, legal, IT security",
            "point": "Talk internally to your own professional experts - particularly your Data "
            "Protection Officer, as well as the information governance, legal and data teams",
            "does": "Each party's DPO reviews an agreement; its legal adviser reviews the legal "
            "power and lawful basis (required where personal data is involved); IT security agrees "
            "the security level. The agreement shows who advised, when, and what is still needed.",
            "where": (("tasks", "Your tasks"),),
            "consult": ("knowledge-hub", "savvi-ig"),
        },
    )
)


@require_safe
@login_not_required
def guidance(request: HttpRequest) -> HttpResponse:
    points = [
        {
            "id": point.id,
            "title": point.title,
            "point": point.point,
            "does": point.does,
            "where": point.where,
            "references": [REFERENCES[key] for key in point.consult],
        }
        for point in GUIDANCE
    ]
    return render(
        request,
        "guidance.html",
        {"points": points, "lga": REFERENCES["lga-guidance"]},
    )


@require_safe
@login_not_required
def data_protection(request: HttpRequest) -> HttpResponse:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    context = {
        "https": settings.HTTPS,
        "two_factor": settings.TWO_FACTOR_REQUIRED,
        "database": {"postgresql": "PostgreSQL", "sqlite3": "SQLite"}.get(engine, engine),
        "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "absolute_hours": settings.SESSION_ABSOLUTE_SECONDS // 3600,
    }
    return render(request, "data_protection.html", context)
