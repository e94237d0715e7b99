"""Full-text search of the catalogue with the database's own engine.

SQLite: an FTS5 table (``catalogue_dataset_fts``, rowid = dataset id, porter stemming) that the
services keep in step with each dataset. PostgreSQL: ``to_tsvector`` over the title and the
denormalised ``search_text`` with ``websearch_to_tsquery``, ranked. User text is never spliced into
SQL: SQLite gets quoted prefix terms as a bound parameter; PostgreSQL parses it as a web search.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Case, IntegerField, Value, When

from lgrshare.catalogue.models import Dataset, DatasetQuerySet

FTS_TABLE = "catalogue_dataset_fts"
_WORD = re.compile(r"\w+", re.UNICODE)


# Words that say nothing about which dataset answers a question: English function words, and
# words every catalogue entry shares. Used when matching a question rather than a search box.
_IGNORED = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "each",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "many",
        "much",
        "of",
        "on",
        "or",
        "our",
        "per",
        "should",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "they",
        "this",
        "to",
        "use",
        "used",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "all",
        "any",
        "new",
        "number",
        "numbers",
        "council",
        "councils",
        "county",
        "counties",
        "district",
        "districts",
        "borough",
        "boroughs",
        "area",
        "areas",
        "data",
        "england",
        "english",
        "local",
        "authority",
        "authorities",
    )
)


def significant_words(text: str, *, ignore: frozenset[str] = frozenset()) -> list[str]:
    """Return the words of ``text`` that can tell datasets apart, in order, at most 12.

    ``ignore`` adds words that are generic in context, such as the names of the area's councils.
    """
    words = [
        w
        for w in _WORD.findall(text.lower())
        if w not in _IGNORED and w not in ignore and len(w) > 2
    ]
    return list(dict.fromkeys(words))[:12]


def _fts5_query(words: list[str], *, any_word: bool = False) -> str:
    # Each word becomes a quoted prefix term, so FTS5 syntax in the input has no effect.
    return (" OR " if any_word else " ").join(f'"{word}"*' for word in words)


def index_dataset(dataset: Dataset) -> None:
    """Bring the search index up to date for ``dataset`` (call inside its transaction)."""
    document = dataset.search_document()
    text = " ".join(document.values())
    Dataset.objects.filter(pk=dataset.pk).update(search_text=text)
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [dataset.pk])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, description, fields, standard, publisher) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [dataset.pk, *document.values()],
        )


def unindex_dataset(dataset_id: int) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [dataset_id])  # noqa: S608


def search(
    queryset: DatasetQuerySet,
    text: str,
    *,
    any_word: bool = False,
    ignore: frozenset[str] = frozenset(),
) -> DatasetQuerySet:
    """Return ``queryset`` narrowed to datasets matching ``text``, best match first.

    A search box matches every word (``any_word=False``); a question matches any of its
    significant words (``any_word=True``), so "What is the population of each district?" finds
    the population table.
    """
    words = significant_words(text, ignore=ignore) if any_word else _WORD.findall(text.lower())[:12]
    if not words:
        return queryset.none() if any_word else queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A", config="english") + SearchVector(
            "search_text", weight="B", config="english"
        )
        if any_word:
            query = SearchQuery(words[0], config="english")
            for word in words[1:]:
                query = query | SearchQuery(word, config="english")
        else:
            query = SearchQuery(text, search_type="websearch", config="english")
        return (
            # Normalised by the log of the document's length (1), as bm25 is on SQLite: a table
            # whose fields repeat a word does not outrank the one named for it.
            queryset.annotate(rank=SearchRank(vector, query, normalization=Value(1)))
            .filter(rank__gt=0)
            .order_by("-rank", "title")
        )
    with connection.cursor() as cursor:
        # bm25 weights by column: title, description, fields, standard, publisher.
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
            f"ORDER BY bm25({FTS_TABLE}, 10.0, 2.0, 4.0, 4.0, 1.0)",
            [_fts5_query(words, any_word=any_word)],
        )
        ranked = [row[0] for row in cursor.fetchall()]
    if not ranked:
        return queryset.none()
    order = {pk: position for position, pk in enumerate(ranked)}
    matches = list(queryset.filter(pk__in=ranked).values_list("pk", flat=True))
    matches.sort(key=order.__getitem__)
    return queryset.filter(pk__in=matches).order_by(
        Case(
            *[When(pk=pk, then=Value(i)) for i, pk in enumerate(matches)],
            output_field=IntegerField(),
        )
    )
