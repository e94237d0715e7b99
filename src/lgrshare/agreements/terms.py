"""What an agreement's terms mean in practice: security rules by classification, headings.

Kept as data so the page, the PDF and the API say the same thing.
"""

from __future__ import annotations

SECURITY_RULES = {
    "OFFICIAL": (
        "The data is stored in LGR Share, encrypted at rest with a key for each file, and "
        "reached only over HTTPS by people this agreement permits, after accepting its terms.",
        "Downloaded copies are kept only on devices and systems managed by a party, protected "
        "by the party's usual OFFICIAL controls, and never on personal devices or accounts.",
        "The data is sent between parties only through LGR Share, not by email.",
    ),
    "OFFICIAL-SENSITIVE": (
        "The data is stored in LGR Share, encrypted at rest with a key for each file, and "
        "reached only over HTTPS by people this agreement permits, after accepting its terms.",
        "Downloads are kept to the minimum: copies are held only in a party's access-controlled "
        "storage for OFFICIAL-SENSITIVE information, never on removable media, personal devices "
        "or personal accounts, and are not printed.",
        "The data is sent only through LGR Share: never by email, messaging or file-sharing "
        "links. Every view, download and export is recorded in the audit trail.",
        "Any suspected loss or unauthorised access is reported to every party's DPO within "
        "24 hours.",
    ),
}

ACTION_LABELS = {
    "view-data": "See the data",
    "download": "Download it",
    "export": "Export compiled data",
    "compile": "Compile it with other councils' data",
    "submit": "Submit data (the providing councils)",
}
