"""Importing this module registers every check function with the registry.

Kept apart from the package ``__init__`` so that importing a leaf such as
``scorecards.checks.results`` (the collectors do, for ``REDACTED``) never drags in every check
module, and through them the collectors again.
"""

from scorecards.checks import (  # noqa: F401
    admin,
    backing,
    beyond,
    build,
    codebase,
    concurrency,
    config,
    deps,
    disposability,
    logs,
    parity,
    port,
    processes,
)
