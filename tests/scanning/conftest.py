"""The fake GitHub of the collector tests, for scans through the GitHub source."""

from tests.collectors.github.conftest import (  # noqa: F401 (fixtures shared by import)
    _codeload_session,
    codeload_server,
    fake_time,
    github,
)
