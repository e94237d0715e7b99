"""Cells whose reading needs Python, not a Polars expression: JSON values (``object``,
``array``, ``geojson``, ``geopoint`` in its ``array`` and ``object`` formats), ``binary``
strings (base64) and ``duration`` (ISO 8601).

Each reader takes a cell's text and returns its canonical text (JSON written with sorted keys
and no spaces, so that ``{"a": 1, "b": 2}`` and ``{"b":2,"a":1}`` are one value to ``unique``
and ``enum``, as frictionless-py compares them parsed), or None when the text is not a value of
the type. They run once per distinct value of a column checked by value, or once per cell.

Bounded: a cell is at most the reader's record size (``csv_fast.MAX_RECORD_BYTES``); JSON
nested deeper than ``MAX_JSON_DEPTH`` is refused before it is parsed (a recursive value cannot
exhaust the stack), and a value of more than ``MAX_JSON_CHARS`` characters is not parsed at all.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_JSON_DEPTH = 64
MAX_JSON_CHARS = 1_000_000
# GeoJSON object types (RFC 7946) and TopoJSON's.
GEOJSON_TYPES = frozenset(
    {
        "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
        "GeometryCollection", "Feature", "FeatureCollection",
    }
)  # fmt: skip
_GEOMETRY_TYPES = GEOJSON_TYPES - {"Feature", "FeatureCollection", "GeometryCollection"}
# ISO 8601 durations as frictionless-py reads them (``isodate``): PnYnMnWnDTnHnMnS, any part a
# decimal, each part optional but "P" alone not a duration (a bare "PT" is, there); an optional
# sign; or the alternative form PYYYY-MM-DDThh:mm:ss.
_NUMBER = r"[0-9]+(?:[.,][0-9]+)?"
_DURATION = re.compile(
    rf"^[+-]?P(?=\w)(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?$"
)
_ALTERNATIVE = re.compile(r"^[+-]?P[0-9]{4}-?[0-9]{2}-?[0-9]{2}T[0-9]{2}:?[0-9]{2}:?[0-9]{2}$")

Reader = Callable[[str], str | None]


def canonical(value: Any) -> str:
    """Return a parsed JSON value as canonical text (sorted keys, no spaces)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _depth_ok(text: str) -> bool:
    """Return whether the brackets of ``text`` nest at most ``MAX_JSON_DEPTH`` deep (a bracket
    inside a JSON string counts too: an overestimate, which only refuses sooner)."""
    depth = 0
    for char in text:
        if char in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return False
        elif char in "]}":
            depth -= 1
    return True


def parse_json(text: str) -> tuple[bool, Any]:
    """Return (True, the value) when ``text`` is JSON within the bounds, else (False, None)."""
    if len(text) > MAX_JSON_CHARS or not _depth_ok(text):
        return False, None
    try:
        # frictionless-py (Python's json) takes NaN and Infinity too.
        return True, json.loads(text)
    except (ValueError, RecursionError):
        return False, None


def read_object(text: str) -> str | None:
    parsed, value = parse_json(text)
    return canonical(value) if parsed and isinstance(value, dict) else None


def read_array(text: str) -> str | None:
    parsed, value = parse_json(text)
    return canonical(value) if parsed and isinstance(value, list) else None


def json_length(text: str) -> int | None:
    """Return how many members or items a JSON object or array has (``minLength``)."""
    parsed, value = parse_json(text)
    return len(value) if parsed and isinstance(value, dict | list) else None


def _is_position(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) >= 2
        and all(isinstance(n, int | float) and not isinstance(n, bool) for n in value)
    )


def _geometry_ok(value: dict[str, Any]) -> bool:
    kind = value.get("type")
    if kind == "GeometryCollection":
        members = value.get("geometries")
        return isinstance(members, list) and all(
            isinstance(m, dict) and _geometry_ok(m) for m in members
        )
    if kind not in _GEOMETRY_TYPES:
        return False
    coordinates = value.get("coordinates")
    depth = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2}
    return _nested_positions(coordinates, depth.get(str(kind), 3))


def _nested_positions(value: Any, depth: int) -> bool:
    if depth == 0:
        return _is_position(value)
    return isinstance(value, list) and all(_nested_positions(item, depth - 1) for item in value)


def _geojson_ok(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    kind = value.get("type")
    if kind == "Feature":
        geometry = value.get("geometry", False)
        return "properties" in value and (
            geometry is None or (isinstance(geometry, dict) and _geometry_ok(geometry))
        )
    if kind == "FeatureCollection":
        features = value.get("features")
        return isinstance(features, list) and all(_geojson_ok(f) for f in features)
    return _geometry_ok(value)


def reader_geojson(format_: str) -> Reader:
    """Return the reader of a ``geojson`` field: GeoJSON (RFC 7946) objects, TopoJSON
    topologies (``format: topojson``), any JSON object for another format."""

    def read(text: str) -> str | None:
        parsed, value = parse_json(text)
        if not parsed or not isinstance(value, dict):
            return None
        if format_ == "default" and not _geojson_ok(value):
            return None
        if format_ == "topojson" and not (
            value.get("type") == "Topology" and isinstance(value.get("objects"), dict)
        ):
            return None
        return canonical(value)

    return read


def _point(lon: Any, lat: Any) -> str | None:
    try:
        if isinstance(lon, bool) or isinstance(lat, bool):
            return None
        lon_d, lat_d = Decimal(str(lon).strip()), Decimal(str(lat).strip())
        if not (-180 <= lon_d <= 180 and -90 <= lat_d <= 90):
            return None
    except (InvalidOperation, ValueError, TypeError):
        return None
    return f"{lon_d.normalize()},{lat_d.normalize()}"


def reader_geopoint(format_: str) -> Reader:
    """Return the reader of a ``geopoint`` field: ``"lon, lat"``, ``[lon, lat]`` or
    ``{"lon": …, "lat": …}``; its canonical text is ``lon,lat``."""

    def read(text: str) -> str | None:
        if format_ == "default":
            parts = text.split(",")
            return _point(parts[0], parts[1]) if len(parts) == 2 else None
        parsed, value = parse_json(text)
        if not parsed:
            return None
        if format_ == "array":
            return (
                _point(value[0], value[1]) if isinstance(value, list) and len(value) == 2 else None
            )
        if isinstance(value, dict) and len(value) == 2 and {"lon", "lat"} <= set(value):
            return _point(value["lon"], value["lat"])
        return None

    return read


def read_binary(text: str) -> str | None:
    """Return ``text`` when it is base64 as Python's ``b64decode`` reads it (letters outside
    the alphabet are skipped; the padding must be right)."""
    try:
        base64.b64decode(text)
    except (binascii.Error, ValueError):
        return None
    return text


def read_duration(text: str) -> str | None:
    """Return ``text`` when it is an ISO 8601 duration."""
    return text if _DURATION.match(text) or _ALTERNATIVE.match(text) else None


def reader(type_: str, format_: str) -> Reader | None:
    """Return the Python reader of a field of ``type_`` and ``format_``, or None when Polars
    reads it."""
    if type_ == "object":
        return read_object
    if type_ == "array":
        return read_array
    if type_ == "geojson":
        return reader_geojson(format_)
    if type_ == "geopoint":
        return reader_geopoint(format_)
    if type_ == "string" and format_ == "binary":
        return read_binary
    if type_ == "duration":
        return read_duration
    return None
