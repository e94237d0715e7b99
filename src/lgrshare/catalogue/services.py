"""Catalogue use cases: load the public tables, search, open a table, record held data."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db import transaction
from django.utils.text import slugify

from lgrshare.catalogue import search as fulltext
from lgrshare.catalogue.models import Access, Dataset, DatasetQuerySet, Kind
from lgrshare.councils.models import Area, Council, User
from lgrshare.domain.errors import InvalidInput, NotFound
from lgrshare.domain.public_data import PUBLIC_TABLES, load_public_table
from lgrshare.trail import OTHER_AREA, record, record_hidden, refusals_recorded


def _fields_of(frame: pl.DataFrame) -> list[dict[str, str]]:
    return [
        {"name": name, "title": name.replace("_", " "), "type": str(dtype)}
        for name, dtype in frame.schema.items()
    ]


@transaction.atomic
def catalogue_load_public() -> int:
    """Create or refresh the catalogue entries of the shipped public tables; return how many."""
    for table in PUBLIC_TABLES:
        dataset, _ = Dataset.objects.update_or_create(
            slug=table.slug,
            defaults={
                "title": table.title,
                "description": table.description,
                "publisher_name": table.publisher,
                "source": table.source,
                "licence": table.licence,
                "vintage": table.vintage,
                "geography_level": table.geography_level,
                "fields": _fields_of(load_public_table(table.slug).head(0)),
                "access": Access.PUBLIC,
                "kind": Kind.REFERENCE,
                "area": None,
            },
        )
        fulltext.index_dataset(dataset)
    return len(PUBLIC_TABLES)


@dataclass(frozen=True)
class SearchFilters:
    geography_level: str = ""
    council: str = ""
    access: str = ""
    standard: str = ""


def dataset_search(
    *,
    user: User,
    text: str = "",
    filters: SearchFilters | None = None,
    any_word: bool = False,
    ignore: frozenset[str] = frozenset(),
) -> DatasetQuerySet:
    """Return the datasets ``user`` may see that match ``text`` and the filters, best first.

    ``any_word`` matches a question (any significant word) rather than a search (every word).
    """
    found = Dataset.objects.visible_to(user).select_related("publisher", "area")
    filters = filters or SearchFilters()
    if filters.geography_level:
        found = found.filter(geography_level=filters.geography_level)
    if filters.access:
        found = found.filter(access=filters.access)
    if filters.standard:
        found = found.filter(standard_name=filters.standard)
    if filters.council:
        found = found.filter(publisher_id=filters.council)
    return fulltext.search(found, text, any_word=any_word, ignore=ignore)


def dataset_get_for_user(*, slug: str, user: User) -> Dataset:
    """Return a dataset ``user`` may see; raises ``NotFound`` (``dataset-not-found``) otherwise.

    Contractor staff see a dataset shared under an agreement only when the agreement names
    their organisation, as for the agreement and its submissions (found by the authorisation
    matrix: the catalogue page of such a dataset was shown to an unnamed contractor)."""
    dataset = (
        Dataset.objects.visible_to(user)
        .select_related("publisher", "area")
        .filter(slug=slug)
        .first()
    )
    hidden_from_contractor = (
        dataset is not None
        and dataset.agreement_id is not None
        and user.contractor_id is not None
        and not dataset.agreement.versions.filter(  # type: ignore[union-attr]
            contractors=user.contractor_id
        ).exists()
    )
    if dataset is None or hidden_from_contractor:
        elsewhere = Dataset.objects.filter(slug=slug, area__isnull=False).first()
        if elsewhere is not None:
            record_hidden(
                user=user,
                target_type="dataset",
                target_id=slug,
                area=elsewhere.area.county_id,  # type: ignore[union-attr]
                reason="contractor-not-named" if hidden_from_contractor else OTHER_AREA,
            )
        raise NotFound(f"There is no dataset {slug!r} that you can see", code="dataset-not-found")
    return dataset


@refusals_recorded(
    "holding-recorded", lambda kwargs: ("area", kwargs["area"].county_id, kwargs["area"].county_id)
)
@transaction.atomic
def dataset_held_create(
    *,
    user: User,
    area: Area,
    title: str,
    description: str,
    geography_level: str,
    standard_name: str = "",
    fields: list[dict[str, str]] | None = None,
    contact: str,
    vintage: str = "",
) -> Dataset:
    """Record that the user's council holds a dataset (no agreement yet). Returns the entry.

    Raises ``InvalidInput`` (``not-a-council-member``) for contractors, who hold nothing.
    """
    if user.council_id is None:
        raise InvalidInput(
            "Only council staff can record what their council holds", code="not-a-council-member"
        )
    council: Council = user.council  # type: ignore[assignment]
    base = slugify(f"{council.name}-{title}")[:70] or "dataset"
    slug, n = base, 1
    while Dataset.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    dataset = Dataset.objects.create(
        slug=slug,
        title=title,
        description=description,
        publisher_name=council.official_name,
        publisher=council,
        geography_level=geography_level,
        standard_name=standard_name,
        fields=fields or [],
        access=Access.HELD,
        kind=Kind.REGISTER,
        area=area,
        contact=contact,
        vintage=vintage,
        created_by=user,
    )
    fulltext.index_dataset(dataset)
    record(
        user=user,
        action="holding-recorded",
        target_type="dataset",
        target_id=dataset.slug,
        area=area.county_id,
        council=council.gss_code,
    )
    return dataset
