"""Indicators from compiled submissions: the demo's council tax base (DSA-00002, Guildford and
Woking for Surrey County Council) built up to Surrey's two-unitary option."""

from __future__ import annotations

import pytest

from lgrshare.agreements.models import Agreement
from lgrshare.agreements.services import terms_accept
from lgrshare.councils.models import Area, User
from lgrshare.demo import demo_load
from lgrshare.domain.errors import InvalidInput, LgrShareError
from lgrshare.evidence.compiled import option_compiled_indicators
from lgrshare.evidence.models import OptionSet
from tests.domain.test_appraisal import CTR, SURREY


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.HOME = tmp_path
    demo_load()
    terms_accept(
        user=User.objects.get(username="surrey.analyst"),
        agreement=Agreement.objects.get(
            title="Council tax base 2023-24 for harmonisation modelling"
        ),
    )
    area = Area.objects.get(county_id=SURREY)
    return {
        "area": area,
        "analyst": User.objects.get(username="surrey.analyst"),
        "option": OptionSet.objects.get(area=area, name="Two unitaries (East and West)"),
        "agreement": Agreement.objects.get(
            title="Council tax base 2023-24 for harmonisation modelling"
        ),
    }


def test_the_compiled_tax_base_adds_up_to_the_council_its_districts_join(demo):
    result = option_compiled_indicators(
        user=demo["analyst"],
        area=demo["area"],
        pk=demo["option"].pk,
        agreement_id=demo["agreement"].pk,
        standard_name="council-tax-base",
        measure="tax_base_band_d_equivalents",
    )
    values = {i.council: i.value for i in result.indicators.items}
    # Guildford and Woking submitted (DLUHC Table 9 line 7); both are in West Surrey.
    expected = float(CTR["E07000209"][23]) + float(CTR["E07000217"][23])
    assert values == {"West Surrey": pytest.approx(expected)}
    assert result.period == "2023-24"


def test_a_measure_the_data_does_not_have_is_refused(demo):
    with pytest.raises(InvalidInput) as caught:
        option_compiled_indicators(
            user=demo["analyst"],
            area=demo["area"],
            pk=demo["option"].pk,
            agreement_id=demo["agreement"].pk,
            standard_name="council-tax-base",
            measure="notes",
        )
    assert caught.value.code == "indicator-invalid"


def test_the_api_answers_the_indicators_and_bad_input_is_4xx(demo, client):
    from lgrshare.accounts.services import token_create

    _, secret = token_create(user=demo["analyst"], name="t")
    url = f"/api/v1/areas/{SURREY}/options/{demo['option'].pk}/indicators"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    query = {
        "agreement": demo["agreement"].pk,
        "standard": "council-tax-base",
        "measure": "tax_base_band_d_equivalents",
    }
    body = client.get(url, query, **auth).json()
    assert [i["council"] for i in body["indicators"]] == ["West Surrey"]
    assert body["period"] == "2023-24"
    assert client.get(url, {**query, "measure": "notes"}, **auth).status_code == 400
    assert client.get(url, {**query, "agreement": 10**12}, **auth).status_code == 404
    assert client.get(url, {**query, "period": "1999-00"}, **auth).status_code == 400


def test_compiling_through_an_option_goes_through_the_datasets_gate(demo):
    with pytest.raises(LgrShareError) as caught:
        option_compiled_indicators(
            user=User.objects.get(username="guildford.analyst"),
            area=demo["area"],
            pk=demo["option"].pk,
            agreement_id=demo["agreement"].pk,
            standard_name="council-tax-base",
            measure="tax_base_band_d_equivalents",
        )
    assert caught.value.code == "terms-not-accepted"  # the datasets gate decides, and records
