"""The read API (``/api/v1/``), its exports (CSV, SARIF), badges and push of check results.

Plain Django views returning JSON: a dozen read-only endpoints do not earn a framework.
``auth`` checks bearer tokens, ``pagination`` pages querysets, ``representations`` turns rows
into the documented JSON, ``ingest`` records results pushed from outside.
"""
