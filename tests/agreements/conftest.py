"""The agreement tests' cast (three councils' leads, DPOs and signatories) and a draft, shared
by every module here."""

from tests.agreements.test_agreements import cast, draft  # noqa: F401 (fixtures)
