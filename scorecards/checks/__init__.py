"""The twelve-factor checks: pure functions of facts, one module per factor.

Importing this package registers every check function with the registry.
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
