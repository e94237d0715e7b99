"""A request's time limit (``domain.deadline``): checks pass without one, fail once it is
spent, and cut a parsing child's wall-clock limit to what is left."""

from __future__ import annotations

import pytest

from lgrshare.domain.deadline import (
    RequestTooSlow,
    deadline_check,
    deadline_remaining,
    deadline_restart,
    deadline_within,
)
from lgrshare.domain.isolation import FileTooComplex, Limits, run_limited
from tests.domain.validation.test_isolation import _spin


def test_without_a_limit_every_check_passes():
    assert deadline_remaining() is None
    deadline_check()


def test_a_spent_limit_fails_the_next_check_with_a_stable_code():
    with deadline_within(0.0), pytest.raises(RequestTooSlow) as raised:
        deadline_check()
    assert (raised.value.code, raised.value.status) == ("request-too-slow", 503)
    assert "LGRSHARE_REQUEST_SECONDS" in raised.value.message
    assert deadline_remaining() is None  # the block's limit ends with it


def test_limits_nest_and_restart():
    with deadline_within(3600):
        with deadline_within(0.0):
            assert deadline_remaining() == 0.0
        remaining = deadline_remaining()
        assert remaining is not None
        assert remaining > 3000
        deadline_restart()
        deadline_check()


def test_a_parsing_child_is_stopped_at_the_request_s_limit_not_its_own():
    # The child's own wall-clock limit is a minute; the request has a second left.
    limits = Limits(cpu_seconds=60, wall_seconds=60)
    with deadline_within(1), pytest.raises(RequestTooSlow) as raised:
        run_limited(_spin, 30, limits=limits, what="testing")
    assert "1 seconds" in raised.value.message
    # Past a child's own limit, the file is still the one to blame.
    with deadline_within(3600), pytest.raises(FileTooComplex):
        run_limited(_spin, 30, limits=Limits(cpu_seconds=60, wall_seconds=1), what="testing")
