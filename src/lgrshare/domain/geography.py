"""England's small areas and the published figures an option appraisal adds up, as Polars frames.

Read once from the shipped files in ``lgrshare/reference_data`` (see ``ATTRIBUTION.md``) and
cached: they never change while the process runs. Three frames:

- ``lsoa_frame()``: every English LSOA 2021 with its ward 2024, district and county (ONS best-fit
  lookup), its IMD 2025 score and decile, and an *estimated* population.
- ``district_frame()``: every English district and unitary with its mid-2024 population in age
  bands, land area, council tax 2023-24, dwellings by band (2022) and its revenue outturn lines.
- ``county_frame()``: the 21 county councils' revenue outturn lines and their Band D.

The shipped data has no population for an LSOA (ONS publishes small-area estimates separately),
so an LSOA's population is estimated as an equal share of its district's mid-2024 population:
LSOAs are built to hold similar numbers of people (about 1,000 to 3,000). ``SOURCES`` names every
source and ``METHODS`` every method, so each figure can say where it came from.

Returns not received (``[x]`` in the MHCLG files) are null here, never zero.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

import polars as pl

OGL = "Open Government Licence v3.0"
ENGLAND = "E92000001"
GUIDELINE_POPULATION = 500_000
ENGLAND_AVERAGE_BAND_D_2023_24 = 2065.06
BANDS = ("A", "B", "C", "D", "E", "F", "G", "H")
AGE_BANDS = {"0-17": (0, 17), "18-64": (18, 64), "65+": (65, 90)}


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    title: str
    publisher: str
    vintage: str
    file: str
    licence: str = OGL


SOURCES = {
    s.key: s
    for s in (
        Source(
            "lookup",
            "LSOA (2021) to electoral ward (2024) to LAD (2024) best-fit lookup; LTLA to UTLA "
            "lookup (April 2023)",
            "ONS",
            "2024",
            "ons_lsoa21_wd24_lad24_ew_lookup.csv, ons_ltla23_utla23_ew_lookup.csv",
        ),
        Source(
            "population",
            "Mid-year population estimates, MYE2 persons by single year of age, districts",
            "ONS",
            "mid-2024",
            "ons_mye24_mye2_persons_ew_lad.csv",
        ),
        Source(
            "land-area",
            "Standard Area Measurements, local authority districts (land area, hectares)",
            "ONS",
            "December 2024",
            "ons_sam_lad_dec2024_uk.csv",
        ),
        Source(
            "imd",
            "English Indices of Deprivation 2025, IMD score and decile by LSOA 2021",
            "MHCLG",
            "2025",
            "mhclg_imd2025_england_lsoa21.csv",
        ),
        Source(
            "imd-district",
            "English Indices of Deprivation 2025, district summaries (average score)",
            "MHCLG",
            "2025",
            "mhclg_imd2025_england_ltla24.csv",
        ),
        Source(
            "council-tax",
            "Council Tax levels set by local authorities in England 2023-24, Table 9 "
            "(tax base line 7, Band D lines 9 and 16; England average Band D £2,065.06)",
            "DLUHC (now MHCLG)",
            "2023-24",
            "dluhc_ctr_table9_2023-24_billing_authorities.csv, "
            "dluhc_ctr_table9_2023-24_precepting_authorities.csv",
        ),
        Source(
            "dwellings",
            "Council Taxbase 2022, Table 1.01: dwellings on the valuation list by band",
            "DLUHC (now MHCLG)",
            "3 October 2022",
            "dluhc_council_taxbase_2022_la_data.csv",
        ),
        Source(
            "outturn",
            "Revenue Outturn Summary (RS) 2023-24, £ thousand",
            "MHCLG",
            "outturn 2023-24, updated 12 December 2024",
            "mhclg_rs_2023-24_key_columns.csv",
        ),
        Source(
            "service-expenditure",
            "Service Expenditure Summary (RSX) 2024-25, net current expenditure, £ thousand",
            "MHCLG",
            "outturn 2024-25, updated 4 December 2025",
            "mhclg_rsx_2024-25_data_by_la.csv",
        ),
    )
}

METHODS = {
    "sum": "Sum of the published figures of the predecessor districts.",
    "lsoa-share": "Whole districts: their published figure. A district split by wards or LSOAs: "
    "its figure shared by the proportion of its LSOAs in each part (the shipped data has no "
    "LSOA population; LSOAs hold similar numbers of people).",
    "not-apportioned": "Shown only where every district is whole: land is not spread evenly "
    "over LSOAs, so a split district's area cannot be estimated from the shipped data.",
    "density": "Population divided by land area in square kilometres (hectares / 100).",
    "guideline": "Population minus the government's guideline of 500,000.",
    "imd-weighted": "Mean of LSOA IMD 2025 scores weighted by each LSOA's estimated population "
    "(its district's mid-2024 population shared equally among the district's LSOAs).",
    "imd-share": "LSOAs of the council in England's most deprived decile(s) of IMD 2025, "
    "divided by all its LSOAs.",
    "band-d": "Predecessor Band D for the new council: the district's average Band D "
    "(including adult social care, excluding parish precepts; Table 9 line 9) plus the "
    "county's Band D (line 16). Police and fire precepts are left out: they do not change.",
    "band-d-weighted": "Tax-base-weighted average of the predecessors' Band D: the single Band D "
    "that raises the same council tax from the same tax base.",
    "change-to-harmonise": "The tax-base-weighted average minus the predecessor's Band D: the "
    "change each area's Band D would make to reach the average (negative: it would fall).",
    "ratio": "Share of net revenue expenditure, both sides summed over the councils that made "
    "a return.",
    "dsg-deficit": "The Dedicated Schools Grant adjustment account at 31 March 2024, a deficit "
    "shown as a positive amount.",
    "debt-service": "Minimum revenue provision plus external interest payable, as a share of "
    "net revenue expenditure.",
    "spread": "Largest minus smallest value among the option's councils.",
    "neighbours": "Existing English unitary councils (unitaries, metropolitan and London "
    "boroughs) nearest on log population, log density and IMD average score, each "
    "standardised over all of them (Euclidean distance).",
}


def _read(file_name: str, **kwargs: object) -> pl.DataFrame:
    raw = resources.files("lgrshare").joinpath("reference_data", file_name).read_bytes()
    # utf-8-sig: several ONS files start with a byte order mark.
    text = raw.decode("utf-8-sig").encode()
    return pl.read_csv(io.BytesIO(text), infer_schema=False, **kwargs)  # type: ignore[arg-type]


def _number(column: str | pl.Expr) -> pl.Expr:
    """A published cell as a float; ``[x]`` (not received), ``[z]`` and blanks become null."""
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.str.strip_chars().cast(pl.Float64, strict=False)


@cache
def district_county() -> pl.DataFrame:
    """``district_code, county_code``: every English lower-tier council and its county (a
    unitary's county is itself)."""
    return (
        _read("ons_ltla23_utla23_ew_lookup.csv")
        .filter(pl.col("ltla23_code").str.starts_with("E"))
        .select(
            pl.col("ltla23_code").alias("district_code"),
            pl.col("utla23_code").alias("county_code"),
        )
    )


@cache
def population_by_age() -> pl.DataFrame:
    """``code, name, population, age_0_17, age_18_64, age_65_plus`` for every row of MYE2
    (districts, counties, regions, countries)."""
    df = _read("ons_mye24_mye2_persons_ew_lad.csv")
    ages = {
        band: [str(a) for a in range(low, high + 1) if a < 90] + (["90+"] if high == 90 else [])
        for band, (low, high) in AGE_BANDS.items()
    }
    return df.select(
        pl.col("Code").alias("code"),
        pl.col("Name").alias("name"),
        pl.col("All ages").cast(pl.Int64).alias("population"),
        *(
            pl.sum_horizontal(pl.col(cols).cast(pl.Int64)).alias(_age_column(band))
            for band, cols in ages.items()
        ),
    )


def _age_column(band: str) -> str:
    return {"0-17": "age_0_17", "18-64": "age_18_64", "65+": "age_65_plus"}[band]


@cache
def lsoa_frame() -> pl.DataFrame:
    """Every English LSOA: ``lsoa_code, lsoa_name, ward_code, ward_name, district_code,
    county_code, imd_score, imd_decile, lsoas_in_district, est_population``."""
    lookup = (
        _read("ons_lsoa21_wd24_lad24_ew_lookup.csv")
        .filter(pl.col("ltla24_code").str.starts_with("E"))
        .select(
            pl.col("lsoa21_code").alias("lsoa_code"),
            pl.col("lsoa21_name").alias("lsoa_name"),
            pl.col("ward24_code").alias("ward_code"),
            pl.col("ward24_name").alias("ward_name"),
            pl.col("ltla24_code").alias("district_code"),
        )
    )
    imd = _read("mhclg_imd2025_england_lsoa21.csv").select(
        pl.col("lsoa21_code").alias("lsoa_code"),
        pl.col("IMD_score").cast(pl.Float64).alias("imd_score"),
        pl.col("IMD_decile").cast(pl.Int64).alias("imd_decile"),
    )
    population = population_by_age().select(pl.col("code").alias("district_code"), "population")
    return (
        lookup.join(district_county(), on="district_code", how="left")
        .join(imd, on="lsoa_code", how="left")
        .with_columns(pl.len().over("district_code").alias("lsoas_in_district"))
        .join(population, on="district_code", how="left")
        .with_columns((pl.col("population") / pl.col("lsoas_in_district")).alias("est_population"))
        .drop("population")
        .sort("lsoa_code")
    )


# RS 2023-24 lines used by the appraisal: column code → our name.
OUTTURN_LINES = {
    "RS-netrevexp-net-exp": "net_revenue_expenditure",
    "RS-ctrtot-net-exp": "council_tax_requirement",
    "RS-resoth-end-cy": "earmarked_reserves",
    "RS-resunall-end-cy": "unallocated_reserves",
    "RS-resdsgadj-end-cy": "dsg_adjustment_account",
    "RS-provprin-net-exp": "minimum_revenue_provision",
    "RS-intextpay-net-exp": "external_interest",
}

# RSX 2024-25 service groups (net current expenditure): column code → our name.
SERVICE_LINES = {
    "RSX-edu-net-cur-exp": "education",
    "RSX-trans-net-cur-exp": "highways_transport",
    "RSX-csc-net-cur-exp": "childrens_social_care",
    "RSX-asc-net-cur-exp": "adult_social_care",
    "RSX-phs-net-cur-exp": "public_health",
    "RSX-hous-net-cur-exp": "housing",
    "RSX-cul-net-cur-exp": "cultural",
    "RSX-env-net-cur-exp": "environmental_regulatory",
    "RSX-plan-net-cur-exp": "planning_development",
    "RSX-cen-net-cur-exp": "central_services",
    "RSX-oth-net-cur-exp": "other_services",
    "RSX-totsx-net-cur-exp": "total_service_expenditure",
}


@cache
def outturn() -> pl.DataFrame:
    """``code, outturn_received`` and the ``OUTTURN_LINES`` (£ thousand; null = no return)."""
    df = _read("mhclg_rs_2023-24_key_columns.csv")
    return df.filter(pl.col("ONS Code").str.contains(r"^E(06|07|08|09|10)\d{6}$")).select(
        pl.col("ONS Code").alias("code"),
        (pl.col("Certification") != "[x]").alias("outturn_received"),
        *(_number(column).alias(name) for column, name in OUTTURN_LINES.items()),
    )


@cache
def service_expenditure() -> pl.DataFrame:
    """``code, services_received`` and the ``SERVICE_LINES`` (£ thousand; null = no return)."""
    df = _read("mhclg_rsx_2024-25_data_by_la.csv")
    codes = [row["column_code"] for row in _read("mhclg_rsx_2024-25_columns.csv").to_dicts()]
    df = df.rename(dict(zip(df.columns[7:], codes, strict=True)))
    return df.filter(pl.col("ONS Code").str.contains(r"^E(06|07|08|09|10)\d{6}$")).select(
        pl.col("ONS Code").alias("code"),
        (pl.col("Certification") != "[x]").alias("services_received"),
        *(_number(column).alias(name) for column, name in SERVICE_LINES.items()),
    )


@cache
def council_tax() -> pl.DataFrame:
    """Billing authorities: ``code, tax_base, band_d_own, band_d_county`` (Table 9, 2023-24)."""
    df = _read("dluhc_ctr_table9_2023-24_billing_authorities.csv")
    c = df.columns  # headers hold long notes and newlines: positions, as in the workbook
    return df.filter(pl.col(c[1]).str.contains(r"^E(06|07|08|09)\d{6}$")).select(
        pl.col(c[1]).alias("code"),
        _number(c[23]).alias("tax_base"),
        _number(c[27]).alias("band_d_own"),
        _number(c[33]).alias("band_d_county"),
    )


@cache
def county_band_d() -> pl.DataFrame:
    """County councils: ``code, county_tax_base, county_band_d`` (Table 9 precepting, 2023-24)."""
    df = _read("dluhc_ctr_table9_2023-24_precepting_authorities.csv")
    c = df.columns
    return df.filter(pl.col(c[1]).str.starts_with("E10")).select(
        pl.col(c[1]).alias("code"),
        _number(c[11]).alias("county_tax_base"),
        _number(c[13]).alias("county_band_d"),
    )


@cache
def dwellings() -> pl.DataFrame:
    """``code, dwellings_A … dwellings_H, dwellings_total`` (Taxbase 2022, Table 1.01)."""
    df = _read("dluhc_council_taxbase_2022_la_data.csv", has_header=False, skip_rows=2)
    c = df.columns
    return df.filter(pl.col(c[1]).str.contains(r"^E(06|07|08|09)\d{6}$")).select(
        pl.col(c[1]).alias("code"),
        *(_number(c[5 + i]).alias(f"dwellings_{band}") for i, band in enumerate(BANDS)),
        _number(c[13]).alias("dwellings_total"),
    )


@cache
def district_frame() -> pl.DataFrame:
    """Every English district and unitary (E06-E09): ``district_code, district_name,
    county_code`` and its figures (population in age bands, land area, council tax, dwellings,
    outturn and service lines)."""
    land = _read("ons_sam_lad_dec2024_uk.csv").select(
        pl.col("LAD24CD").alias("code"), pl.col("AREALHECT").cast(pl.Float64).alias("land_ha")
    )
    return (
        district_county()
        .join(population_by_age().rename({"code": "district_code"}), on="district_code")
        .rename({"name": "district_name"})
        .join(land.rename({"code": "district_code"}), on="district_code", how="left")
        .join(council_tax().rename({"code": "district_code"}), on="district_code", how="left")
        .join(dwellings().rename({"code": "district_code"}), on="district_code", how="left")
        .join(outturn().rename({"code": "district_code"}), on="district_code", how="left")
        .join(
            service_expenditure().rename({"code": "district_code"}),
            on="district_code",
            how="left",
        )
        .sort("district_code")
    )


@cache
def county_frame() -> pl.DataFrame:
    """The county councils (E10): ``county_code, county_name``, population in age bands, Band D
    and the outturn and service lines."""
    return (
        population_by_age()
        .filter(pl.col("code").str.starts_with("E10"))
        .rename({"code": "county_code", "name": "county_name"})
        .join(county_band_d().rename({"code": "county_code"}), on="county_code", how="left")
        .join(outturn().rename({"code": "county_code"}), on="county_code", how="left")
        .join(service_expenditure().rename({"code": "county_code"}), on="county_code", how="left")
        .sort("county_code")
    )


@cache
def existing_unitaries() -> pl.DataFrame:
    """Existing single-tier English councils (E06, E08, E09): ``code, name, population,
    land_ha, density, imd_score`` (IMD 2025 district average score)."""
    imd = _read("mhclg_imd2025_england_ltla24.csv").select(
        pl.col("ltla24_code").alias("district_code"),
        pl.col("imd_average_score").cast(pl.Float64).alias("imd_score"),
    )
    return (
        district_frame()
        .filter(pl.col("district_code").str.contains(r"^E0[689]"))
        .join(imd, on="district_code", how="left")
        .select(
            pl.col("district_code").alias("code"),
            pl.col("district_name").alias("name"),
            "population",
            "land_ha",
            (pl.col("population") / (pl.col("land_ha") / 100)).alias("density"),
            "imd_score",
        )
        .drop_nulls()
    )
