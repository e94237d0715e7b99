"""An agreement's flows: which party gives which fields of which standard to which party.

A version holds its flows in its terms (``Terms.flows``, planned by
``lgrshare.domain.agreement_terms.plan_flows``); the policy reads them as
``lgrshare.domain.policy.Flow`` facts and shows a recipient only its flows' fields.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from lgrshare.agreements.models import AgreementVersion
from lgrshare.domain import policy
from lgrshare.domain.agreement_terms import FlowTerm, Terms
from lgrshare.domain.standards.model import Standard
from lgrshare.standards.services import standard_get


def version_named(terms: Terms, standard: str) -> str:
    """The version of ``standard`` that ``terms`` name ("" when none: the one in use)."""
    return next((item.version for item in terms.data_items if item.standard == standard), "")


def named_standard(version: AgreementVersion, standard: str) -> Standard:
    """``standard`` at the version that agreement ``version`` names: what its templates,
    validation and submissions use, whatever later versions of it say. Raises
    ``StandardNotFound``."""
    return standard_get(name=standard, version=version_named(version.terms, standard))


def agreed_fields(*, version: AgreementVersion, standard: str, provider: str) -> list[str]:
    """The fields of ``standard`` that ``provider`` shares with anyone under ``version``, in the
    standard's order: all a submission of it may hold."""
    given = {
        name
        for flow in version.terms.flows
        if (flow.standard, flow.provider) == (standard, provider)
        for name in flow.fields
    }
    return [f.name for f in named_standard(version, standard).fields if f.name in given]


def flows_of(version: AgreementVersion) -> tuple[policy.Flow, ...]:
    """The policy's view of ``version``'s flows."""
    return tuple(
        policy.Flow(f.standard, f.provider, f.recipient, frozenset(f.fields))
        for f in version.terms.flows
    )


def flow_lines(
    flows: Iterable[FlowTerm], names: Mapping[str, str], versions: Mapping[str, str] | None = None
) -> list[str]:
    """The flows in words, one line for each provider and field list: who gives whom what,
    the fields by their titles. ``names`` maps GSS codes to council names; ``versions`` each
    standard to the version the agreement names (none: the one in use)."""
    grouped: dict[tuple[str, str, tuple[str, ...]], list[str]] = defaultdict(list)
    for flow in flows:
        grouped[(flow.standard, flow.provider, flow.fields)].append(
            names.get(flow.recipient, flow.recipient)
        )
    lines = []
    for (standard, provider, fields), recipients in grouped.items():
        found = standard_get(name=standard, version=(versions or {}).get(standard, ""))
        titles = {f.name: f.title or f.name for f in found.fields}
        lines.append(
            f"{names.get(provider, provider)} gives {' and '.join(sorted(recipients))} these "
            f"fields of '{found.title}': {', '.join(titles.get(n, n) for n in fields)}."
        )
    return lines
