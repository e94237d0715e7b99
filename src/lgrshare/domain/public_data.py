"""Published reference tables the hub offers as public data, read from the shipped files.

Each table is a ``PublicTable``: catalogue metadata (title, publisher, source, licence, vintage,
geography) and a loader that returns a Polars DataFrame of the published figures, unchanged
except for choosing and naming columns. Loaders read the files in ``lgrshare/reference_data``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import polars as pl

from lgrshare.domain import geography
from lgrshare.domain.errors import NotFound

ONS = "Office for National Statistics"
MHCLG = "Ministry of Housing, Communities and Local Government"
OGL = "Open Government Licence v3.0"
# English local authority codes: districts, unitaries, metropolitan and London boroughs, counties.
_ENGLISH_COUNCIL = r"^E(06|07|08|09|10)\d{6}$"


def _read(file_name: str, **kwargs: object) -> pl.DataFrame:
    raw = resources.files("lgrshare").joinpath("reference_data", file_name).read_bytes()
    return pl.read_csv(io.BytesIO(raw), infer_schema=False, **kwargs)  # type: ignore[arg-type]


def _population() -> pl.DataFrame:
    df = _read("ons_mye24_mye2_persons_ew_lad.csv")
    df = df.rename({df.columns[0]: "Code"})  # the file starts with a byte order mark
    return df.filter(
        pl.col("Code").str.contains(_ENGLISH_COUNCIL) | (pl.col("Code") == "E92000001")
    ).select(
        pl.col("Code").alias("gss_code"),
        pl.col("Name").alias("name"),
        pl.col("Geography").alias("geography"),
        pl.col("All ages").cast(pl.Int64).alias("population_mid2024"),
    )


def _land_area() -> pl.DataFrame:
    df = _read("ons_sam_lad_dec2024_uk.csv")
    df = df.rename({df.columns[0]: "LAD24CD"})
    return df.filter(pl.col("LAD24CD").str.starts_with("E")).select(
        pl.col("LAD24CD").alias("gss_code"),
        pl.col("LAD24NM").alias("name"),
        pl.col("AREALHECT").cast(pl.Float64).alias("land_area_ha"),
        pl.col("AREAEHECT").cast(pl.Float64).alias("area_to_extent_of_realm_ha"),
    )


def _imd_lad() -> pl.DataFrame:
    return _read("mhclg_imd2025_england_ltla24.csv").select(
        pl.col("ltla24_code").alias("gss_code"),
        pl.col("ltla24_name").alias("name"),
        pl.col("imd_average_score").cast(pl.Float64),
        pl.col("imd_rank_of_average_score").cast(pl.Int64),
        pl.col("imd_proportion_of_lso_as_in_most_deprived_10_percent_nationally")
        .cast(pl.Float64)
        .alias("proportion_of_lsoas_in_most_deprived_10pc"),
        pl.col("imd25_extent").cast(pl.Float64).alias("imd_extent"),
        pl.col("imd25_local_concentration").cast(pl.Float64).alias("imd_local_concentration"),
    )


def _imd_lsoa() -> pl.DataFrame:
    lookup = _lsoa_lookup().select("lsoa21_code", "lsoa21_name", "ltla24_code", "ltla24_name")
    scores = _read("mhclg_imd2025_england_lsoa21.csv").select(
        "lsoa21_code",
        pl.col("IMD_score").cast(pl.Float64).alias("imd_score"),
        pl.col("IMD_rank").cast(pl.Int64).alias("imd_rank"),
        pl.col("IMD_decile").cast(pl.Int64).alias("imd_decile"),
    )
    return lookup.join(scores, on="lsoa21_code", how="inner").sort("lsoa21_code")


def _council_tax() -> pl.DataFrame:
    # Column positions of the DLUHC Table 9 workbook (its headers hold long notes and newlines).
    billing = _read("dluhc_ctr_table9_2023-24_billing_authorities.csv")
    cols = billing.columns
    billing_rows = billing.filter(pl.col(cols[1]).str.contains(_ENGLISH_COUNCIL)).select(
        pl.col(cols[1]).alias("gss_code"),
        pl.col(cols[2]).alias("name"),
        pl.col(cols[4]).alias("class"),
        pl.col(cols[23]).cast(pl.Float64, strict=False).alias("tax_base_band_d_equivalents"),
        pl.col(cols[27]).cast(pl.Float64, strict=False).alias("band_d_own_excluding_parishes"),
        pl.col(cols[33]).cast(pl.Float64, strict=False).alias("band_d_county_or_gla"),
        pl.col(cols[37]).cast(pl.Float64, strict=False).alias("band_d_area_total"),
    )
    precepting = _read("dluhc_ctr_table9_2023-24_precepting_authorities.csv")
    pcols = precepting.columns
    county_rows = precepting.filter(pl.col(pcols[1]).str.contains(_ENGLISH_COUNCIL)).select(
        pl.col(pcols[1]).alias("gss_code"),
        pl.col(pcols[2]).alias("name"),
        pl.col(pcols[4]).alias("class"),
        pl.col(pcols[11]).cast(pl.Float64, strict=False).alias("tax_base_band_d_equivalents"),
        pl.col(pcols[13]).cast(pl.Float64, strict=False).alias("band_d_own_excluding_parishes"),
        pl.lit(None, dtype=pl.Float64).alias("band_d_county_or_gla"),
        pl.lit(None, dtype=pl.Float64).alias("band_d_area_total"),
    )
    return pl.concat([county_rows, billing_rows]).sort("gss_code")


def _lsoa_lookup() -> pl.DataFrame:
    return _read("ons_lsoa21_wd24_lad24_ew_lookup.csv").filter(
        pl.col("ltla24_code").str.starts_with("E")
    )


def _district_county() -> pl.DataFrame:
    return _read("ons_ltla23_utla23_ew_lookup.csv").filter(
        pl.col("ltla23_code").str.starts_with("E")
    )


def _with_names(frame: pl.DataFrame) -> pl.DataFrame:
    names = _read("mysociety_uk_local_authorities_current.csv").select(
        pl.col("gss-code").alias("gss_code"), pl.col("nice-name").alias("name")
    )
    return names.join(frame.rename({"code": "gss_code"}), on="gss_code", how="inner").sort(
        "gss_code"
    )


def _population_by_age() -> pl.DataFrame:
    return (
        geography.population_by_age()
        .filter(pl.col("code").str.contains(_ENGLISH_COUNCIL) | (pl.col("code") == "E92000001"))
        .rename({"code": "gss_code"})
    )


def _outturn() -> pl.DataFrame:
    return _with_names(geography.outturn())


def _dwellings() -> pl.DataFrame:
    return _with_names(geography.dwellings())


@dataclass(frozen=True)
class PublicTable:
    slug: str
    title: str
    description: str
    publisher: str
    source: str
    licence: str
    vintage: str
    geography_level: str
    loader: Callable[[], pl.DataFrame]


PUBLIC_TABLES = (
    PublicTable(
        "population-mid-2024",
        "Population estimates, mid-2024, by council",
        "Usual resident population of every English council (districts, unitaries, metropolitan "
        "and London boroughs, counties) and England, all ages, from the ONS mid-year estimates.",
        ONS,
        "ONS mid-year population estimates, MYE2 persons, local authority districts",
        OGL,
        "mid-2024",
        "council",
        _population,
    ),
    PublicTable(
        "land-area-2024",
        "Land area by council, hectares",
        "Area of every English local authority district in hectares: land only, and to the "
        "extent of the realm, from the ONS Standard Area Measurements.",
        ONS,
        "ONS Standard Area Measurements for local authority districts, December 2024",
        OGL,
        "December 2024",
        "council",
        _land_area,
    ),
    PublicTable(
        "imd-2025-district",
        "English Indices of Deprivation 2025: district summaries",
        "Summary measures of the Index of Multiple Deprivation 2025 for each district: average "
        "score and its rank, the share of neighbourhoods (LSOAs) in the most deprived 10% "
        "nationally, extent and local concentration.",
        MHCLG,
        "English Indices of Deprivation 2025, local authority district summaries",
        OGL,
        "2025",
        "council",
        _imd_lad,
    ),
    PublicTable(
        "imd-2025-lsoa",
        "English Indices of Deprivation 2025: neighbourhoods (LSOA)",
        "Index of Multiple Deprivation 2025 score, rank and decile of every lower layer super "
        "output area (LSOA 2021) in England, with its district.",
        MHCLG,
        "English Indices of Deprivation 2025, File 1 and scores by LSOA 2021",
        OGL,
        "2025",
        "lsoa",
        _imd_lsoa,
    ),
    PublicTable(
        "council-tax-2023-24",
        "Council tax levels and tax base, 2023-24",
        "Council tax base (Band D equivalents) and average Band D council tax for 2023-24 of "
        "each English billing authority (with the county and the whole-area total) and each "
        "county council, from DLUHC Table 9.",
        MHCLG,
        "DLUHC Council Tax levels set by local authorities in England 2023-24, Table 9",
        OGL,
        "2023-24",
        "council",
        _council_tax,
    ),
    PublicTable(
        "population-by-age-mid-2024",
        "Population by age band, mid-2024, by council",
        "Mid-2024 population of every English council and England in three age bands (0-17, "
        "18-64, 65 and over), summed from the ONS single-year-of-age estimates.",
        ONS,
        "ONS mid-year population estimates, MYE2 persons by single year of age",
        OGL,
        "mid-2024",
        "council",
        _population_by_age,
    ),
    PublicTable(
        "revenue-outturn-2023-24",
        "Revenue outturn 2023-24: spending, council tax requirement and reserves",
        "Net revenue expenditure, council tax requirement, earmarked and unallocated reserves at "
        "31 March 2024, the Dedicated Schools Grant adjustment account, minimum revenue "
        "provision and external interest of every English council, £ thousand. Councils whose "
        "return was not received (marked [x]) have empty figures, never zero.",
        MHCLG,
        "MHCLG Revenue Outturn Summary (RS) 2023-24, second release",
        OGL,
        "2023-24",
        "council",
        _outturn,
    ),
    PublicTable(
        "dwellings-by-band-2022",
        "Dwellings by council tax band, October 2022",
        "Dwellings on the valuation list in each council tax band (A to H) of every English "
        "billing authority, from the Council Taxbase 2022.",
        MHCLG,
        "DLUHC Council Taxbase 2022, Table 1.01",
        OGL,
        "3 October 2022",
        "council",
        _dwellings,
    ),
    PublicTable(
        "lookup-lsoa-ward-district",
        "Lookup: neighbourhoods (LSOA 2021) to wards (2024) to districts",
        "Best-fit lookup from each LSOA 2021 to its electoral ward (2024) and local authority "
        "district, for building ward and district figures from small-area data.",
        ONS,
        "ONS LSOA (2021) to electoral ward (2024) to LAD (2024) best-fit lookup",
        OGL,
        "2024",
        "lsoa",
        _lsoa_lookup,
    ),
    PublicTable(
        "lookup-district-county",
        "Lookup: districts to counties",
        "Each lower-tier council (district) and the upper-tier council (county) it sits in; "
        "unitary councils map to themselves. Defines the two-tier areas being reorganised.",
        ONS,
        "ONS lower tier local authority to upper tier local authority lookup, April 2023",
        OGL,
        "April 2023",
        "council",
        _district_county,
    ),
)


def public_table(slug: str) -> PublicTable:
    """Return the public table ``slug``; raises ``NotFound`` (``public-table-not-found``)."""
    for table in PUBLIC_TABLES:
        if table.slug == slug:
            return table
    raise NotFound(f"There is no public table {slug!r}", code="public-table-not-found")


@cache
def load_public_table(slug: str) -> pl.DataFrame:
    """Return the table's published figures (cached: the shipped files never change)."""
    return public_table(slug).loader()
