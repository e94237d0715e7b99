"""GSS code lists, from the ONS reference data shipped with the package."""

from __future__ import annotations

import pytest

from lgrshare.domain.standards.codelists import CodeListUnknown, code_list


def test_lad_is_every_english_district_and_unitary() -> None:
    lads = code_list("gss:lad")

    assert len(lads) == 296
    assert "E07000209" in lads  # Guildford
    assert {code[:3] for code in lads} == {"E06", "E07", "E08", "E09"}


def test_county_is_the_21_county_councils() -> None:
    counties = code_list("gss:county")

    assert len(counties) == 21
    assert "E10000030" in counties  # Surrey


def test_wards_and_lsoas_are_english_only() -> None:
    wards, lsoas = code_list("gss:ward-2024"), code_list("gss:lsoa-2021")

    assert len(wards) == 6817
    assert {code[:3] for code in wards} == {"E05"}
    assert len(lsoas) == 33_755
    assert {code[:3] for code in lsoas} == {"E01"}


def test_lists_are_built_once() -> None:
    assert code_list("gss:lad") is code_list("gss:lad")


def test_an_unknown_list_is_an_error_with_a_code() -> None:
    with pytest.raises(CodeListUnknown) as raised:
        code_list("gss:parish")

    assert raised.value.code == "code-list-unknown"
