"""``{% consult "lga-guidance" "ico-dpia" %}``: the external references for a step."""

from __future__ import annotations

from django import template

from lgrshare.web.references import REFERENCES

register = template.Library()


@register.inclusion_tag("includes/consult.html")
def consult(*keys: str, heading: str = "") -> dict[str, object]:
    """Render the named references; an unknown key is a programming error (``KeyError``)."""
    return {
        "references": [REFERENCES[key] for key in keys],
        "heading": heading,
        "id": "-".join(keys)[:60],
    }
