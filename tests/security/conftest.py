"""Shared by the security tests: the hypothesis profile, the fake AWS and the fake GitHub.

The profile is deterministic (``derandomize``) so a CI failure replays the same examples, with
a generous deadline: the bound it enforces is "no pathological slowness", not a benchmark.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings

from tests.collectors.aws.conftest import (  # noqa: F401 (fixtures shared by import)
    moto,
    moto_endpoint,
)
from tests.collectors.github.conftest import (  # noqa: F401 (fixtures shared by import)
    _codeload_session,
    codeload_server,
    fake_time,
    github,
)

settings.register_profile(
    "security",
    derandomize=True,
    deadline=timedelta(seconds=5),
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)
settings.load_profile("security")
