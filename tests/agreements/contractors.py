"""A contractor agreement with every Article 28(3) particular, as a council's DPO records it."""

from datetime import date, timedelta

from lgrshare.agreements import services
from lgrshare.domain.contractors import article_28_obligations

# A minimal, well-formed PDF: the signed contract the vault keeps encrypted.
SIGNED_CONTRACT = b"%PDF-1.4\n% Contract for services: Example Analytics Ltd\n%%EOF\n"

PARTICULARS = {
    "scope": "Financial modelling of the reorganisation proposals for Surrey County Council",
    "nature_and_purpose": "Analysis of contract and council tax figures, to cost the options",
    "personal_data_types": "None: aggregate figures only",
    "data_subject_categories": "None",
}


def record_contractor_agreement(dpo, contractor, **changes):
    details = {
        **PARTICULARS,
        "processor_obligations": [o.code for o in article_28_obligations()],
        "starts_on": date.today() - timedelta(days=1),
        "ends_on": date.today() + timedelta(days=300),
        "document_name": "contract.pdf",
        "document": SIGNED_CONTRACT,
        **changes,
    }
    return services.contractor_agreement_record(user=dpo, contractor=contractor, **details)
