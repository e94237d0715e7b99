"""``{{ agreement|agreement_status }}``: the status code a page shows for an agreement."""

from __future__ import annotations

from django import template

from lgrshare.agreements.models import Agreement
from lgrshare.agreements.status import status_of

register = template.Library()


@register.filter
def agreement_status(agreement: Agreement) -> str:
    """Return ``status_of(agreement)``: its state, or ``expired`` once its data is due."""
    return status_of(agreement)
