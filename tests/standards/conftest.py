"""People of Surrey, Guildford and Kent for the area standards' tests."""

import pytest

from tests.conftest import GUILDFORD, KENT, SURREY, _make


@pytest.fixture
def people(db):
    people = {
        "surrey_lead": _make("sue", ["data-lead"], SURREY),
        "guildford_lead": _make("gary", ["data-lead"], GUILDFORD),
        "kent_lead": _make("ken", ["data-lead"], KENT),
        "guildford_dpo_only": _make("vic", ["ig-officer"], GUILDFORD),
    }
    for council, gss in (("surrey", SURREY), ("guildford", GUILDFORD)):
        people[f"{council}_dpo"] = _make(f"{council[0]}dpo", ["dpo"], gss)
        people[f"{council}_sign"] = _make(f"{council[0]}sign", ["senior-signatory"], gss)
    return people
