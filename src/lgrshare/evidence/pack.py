"""The evidence pack of an area's options: the appraisals and the indicators from compiled
submissions, as XLSX or a Frictionless Data Package."""

from __future__ import annotations

from collections.abc import Sequence

from lgrshare import access
from lgrshare.councils.models import Area, User
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.evidence_pack import pack_xlsx, pack_zip
from lgrshare.domain.policy.options import OptionsAction
from lgrshare.evidence.compiled import pack_indicators
from lgrshare.evidence.services import options_compare
from lgrshare.trail import record


def evidence_pack_export(
    *, user: User, area: Area, pks: Sequence[int], file_format: str
) -> tuple[bytes, str]:
    """Return the evidence pack of option sets ``pks`` as (bytes, file name): ``xlsx`` or
    ``zip`` (a Frictionless Data Package), with the indicators from every standard compiled
    under the area's agreements that ``user`` may compile (``pack_indicators``); audited as
    ``evidence-pack-exported``.

    Raises ``AccessDenied`` unless the policy allows ``export-evidence``, ``InvalidInput``
    (``unknown-format``, ``no-options``) and what ``options_compare`` raises."""
    access.require_on_options(user=user, action=OptionsAction.EXPORT, area=area.county_id)
    if file_format not in {"xlsx", "zip"}:
        raise InvalidInput("The pack comes as xlsx or zip.", code="unknown-format")
    if not pks:
        raise InvalidInput("Choose at least one option for the pack.", code="no-options")
    compared = options_compare(user=user, area=area, pks=pks)
    appraisals = [c.appraisal for c in compared]
    figures, sources = pack_indicators(user=user, area=area, compared=compared)
    write = pack_xlsx if file_format == "xlsx" else pack_zip
    content = write(appraisals, figures, sources)
    record(
        user=user,
        action="evidence-pack-exported",
        target_type="area",
        target_id=area.county_id,
        area=area.county_id,
        options=",".join(f"{c.option_set.pk}v{c.version.number}" for c in compared),
        file_format=file_format,
        compiled=",".join(s.title for s in sources if not s.refused),
    )
    return content, f"lgr-options-{area.county_id}.{file_format}"
