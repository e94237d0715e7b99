"""The validator: check a CSV or XLSX file against a data standard, fast, and say what is wrong.

``validate(source, standard)`` returns a ``Report``. Malformed data is findings, never
exceptions: every error is a ``ValidationError`` with a frictionless-compatible code and its
position (row, with the header as row 1; field; column; the cell, shown cut to 1,000
characters). In an XLSX file, a formula with no saved value or a cell holding one of Excel's
error values (``#N/A``) is a ``format-error`` at that cell, and the rest of the file is checked.

Files that cannot be read as a table at all are findings too, and consistently so: an empty
file, a binary or encrypted file, a corrupt XLSX, a ZIP bomb, a line over 16 MB, a quote never
closed, a NUL byte or bytes that are neither UTF-8 nor Windows-1252 give a report holding one
``format-error`` or ``encoding-error``, with ``valid`` and ``stats["readable"]`` false (the CLI
exits 2 for these: the file could not be validated). ``validate`` raises (an ``LgrShareError``)
only when it cannot run: a path that does not exist (``source-not-found``), a sheet the workbook
does not have (``sheet-not-found``), a bad argument (``invalid-input``, ``caveat-invalid``).

Codes: ``encoding-error``, ``format-error``, ``blank-header``, ``duplicate-label``,
``missing-label``, ``extra-label``, ``incorrect-label``, ``blank-row``, ``extra-cell``,
``missing-cell``, ``type-error``, ``constraint-error`` (``constraint`` names the rule),
``unique-error``, ``primary-key-error``, ``code-list-error`` (a value not in the field's GSS
code list), ``row-rule-error`` and ``table-rule-error`` (the standard's rules across fields and
rows: ``constraint`` names the rule, ``values`` the fields and values involved),
``wrong-organisation`` and ``wrong-period`` (given a ``Subject``: a row about another
organisation, or another period than the one declared).
"""

from lgrshare.domain.validation.caveats import CAVEAT_KINDS, Caveat, CaveatInvalid
from lgrshare.domain.validation.engine import SourceNotFound, validate
from lgrshare.domain.validation.errors import ERROR_TYPES, ValidationError
from lgrshare.domain.validation.report import FieldProfile, Report
from lgrshare.domain.validation.rules import Subject
from lgrshare.domain.validation.xlsx_reader import SheetNotFound

__all__ = [
    "CAVEAT_KINDS",
    "ERROR_TYPES",
    "Caveat",
    "CaveatInvalid",
    "FieldProfile",
    "Report",
    "SheetNotFound",
    "SourceNotFound",
    "Subject",
    "ValidationError",
    "validate",
]
