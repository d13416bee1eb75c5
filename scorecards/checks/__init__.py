"""The twelve-factor checks: pure functions of facts, one module per factor.

``registry.all_checks()`` imports ``factors``, which registers every check function.
"""
