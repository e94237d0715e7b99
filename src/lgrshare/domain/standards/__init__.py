"""Data standards: Table Schema plus LGR metadata, the built-in standards and GSS code lists."""

from lgrshare.domain.standards.codelists import CodeListUnknown, code_list
from lgrshare.domain.standards.model import (
    FieldSpec,
    Standard,
    StandardInvalid,
    StandardNotFound,
    builtin_standards,
    load_standard,
    parse_standard,
)

__all__ = [
    "CodeListUnknown",
    "FieldSpec",
    "Standard",
    "StandardInvalid",
    "StandardNotFound",
    "builtin_standards",
    "code_list",
    "load_standard",
    "parse_standard",
]
