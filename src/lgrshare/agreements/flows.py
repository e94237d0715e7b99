"""An agreement's flows: which party gives which fields of which standard to which party.

A version holds its flows as data (``AgreementVersion.flows``); the policy reads them as
``lgrshare.domain.policy.Flow`` facts and shows a recipient only its flows' fields.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from lgrshare.agreements.models import AgreementVersion
from lgrshare.domain import policy
from lgrshare.domain.agreement_terms import Terms, TermsInvalid, flow_problems
from lgrshare.domain.standards.model import Standard
from lgrshare.standards.services import standard_get


def version_named(data_items: list[dict[str, Any]], standard: str) -> str:
    """The version of ``standard`` that ``data_items`` name ("" when none: the current one)."""
    return next(
        (str(item.get("version") or "") for item in data_items if item.get("standard") == standard),
        "",
    )


def named_standard(version: AgreementVersion, standard: str) -> Standard:
    """``standard`` at the version that agreement ``version`` names: what its templates,
    validation and submissions use, whatever later versions of it say. Raises
    ``StandardNotFound``."""
    return standard_get(name=standard, version=version_named(version.data_items, standard))


def default_flows(
    parties: dict[str, bool], data_items: list[dict[str, Any]], recipients: list[str] | None = None
) -> list[dict[str, Any]]:
    """The flows a draft gets unless it says otherwise: each providing party gives the fields
    each standard item names (every field when it names none) to each of ``recipients``,
    by default the parties that do not provide (all the others where every party provides)."""
    providers = [code for code, provides in parties.items() if provides]
    if recipients is None:
        recipients = [code for code, provides in parties.items() if not provides] or list(parties)
    flows = []
    for item in data_items:
        if "standard" not in item:
            continue
        named = standard_get(name=item["standard"], version=str(item.get("version") or ""))
        fields = list(item.get("fields") or [f.name for f in named.fields])
        flows += [
            {"standard": item["standard"], "provider": p, "recipient": r, "fields": fields}
            for p in providers
            for r in recipients
            if r != p
        ]
    return flows


def agreed_fields(*, version: AgreementVersion, standard: str, provider: str) -> list[str]:
    """The fields of ``standard`` that ``provider`` shares with anyone under ``version``, in the
    standard's order: all a submission of it may hold."""
    given = {
        name
        for flow in version.flows
        if (flow["standard"], flow["provider"]) == (standard, provider)
        for name in flow["fields"]
    }
    return [f.name for f in named_standard(version, standard).fields if f.name in given]


def check_flows(
    parties: dict[str, bool], items: dict[str, set[str]], flows: list[dict[str, Any]]
) -> None:
    """Each flow goes from a providing party to another party, for a standard the agreement
    shares, with some of the fields it names (``items``: standard -> its fields); each
    recipient's fields are its own. Raises ``TermsInvalid`` listing every problem."""
    typed = Terms.from_dict({"flows": flows}).flows
    problems = flow_problems(parties, items, typed)
    if problems:
        raise TermsInvalid(problems)


def flows_of(version: AgreementVersion) -> tuple[policy.Flow, ...]:
    """The policy's view of ``version``'s flows."""
    return tuple(
        policy.Flow(f["standard"], f["provider"], f["recipient"], frozenset(f["fields"]))
        for f in version.flows
    )


def flow_lines(version: AgreementVersion, names: dict[str, str]) -> list[str]:
    """The flows in words, one line for each provider and field list: who gives whom what.
    ``names`` maps GSS codes to council names."""
    grouped: dict[tuple[str, str, tuple[str, ...]], list[str]] = defaultdict(list)
    for flow in version.flows:
        key = (flow["standard"], flow["provider"], tuple(flow["fields"]))
        grouped[key].append(names.get(flow["recipient"], flow["recipient"]))
    return [
        f"{names.get(provider, provider)} gives {' and '.join(sorted(recipients))} these fields "
        f"of '{named_standard(version, standard).title}': {', '.join(fields)}."
        for (standard, provider, fields), recipients in grouped.items()
    ]
