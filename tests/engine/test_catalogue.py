"""The catalogue is the product's interface: every id of ../shared/checks.md, fully documented."""

import re

from scorecards.checks.registry import FACTORS, all_checks, catalogue, registered_function_ids

# Pinned on purpose: ids are part of the API, SARIF rule ids, waivers and exports.
CATALOGUE_IDS = [
    "codebase.vcs",
    "codebase.one-repo-per-app",
    "codebase.deploys-traceable",
    "deps.manifest",
    "deps.lockfile",
    "deps.base-image-pinned",
    "deps.no-remote-scripts",
    "deps.runtime-supported",
    "config.env-settings",
    "config.no-committed-env-file",
    "config.no-hardcoded-secrets",
    "config.secrets-from-store",
    "config.no-hardcoded-endpoints",
    "backing.attached-by-url",
    "backing.not-bundled",
    "build.ci-pipeline",
    "build.iac",
    "build.image-tag-immutable",
    "build.no-build-at-runtime",
    "build.release-versioned",
    "processes.stateless",
    "port.binding",
    "port.from-env",
    "port.declared",
    "concurrency.process-types",
    "concurrency.autoscaling",
    "concurrency.no-daemon",
    "disposability.exec-form",
    "disposability.health-probes",
    "disposability.graceful-shutdown",
    "disposability.fast-startup",
    "parity.local-env",
    "parity.same-backing-services",
    "parity.multi-env-iac",
    "logs.stdout",
    "logs.structured",
    "logs.aggregated",
    "logs.retention",
    "admin.one-off",
    "admin.same-image",
    "api.contract",
    "telemetry.instrumented",
    "security.non-root",
    "security.dependency-updates",
]


def test_the_catalogue_holds_exactly_the_published_check_ids():
    assert sorted(catalogue()) == sorted(CATALOGUE_IDS)


def test_every_check_has_a_function_and_every_function_a_catalogue_entry():
    assert registered_function_ids() == set(CATALOGUE_IDS)


def test_every_check_is_documented_for_people():
    for spec, _ in all_checks():
        assert spec.title and spec.title != "TODO", spec.id
        assert len(spec.decides) > 40 and "TODO" not in spec.decides, spec.id
        assert "TODO" not in spec.remediation, spec.id
        assert len(spec.remediation) > 200, spec.id
        assert re.search(r"\*\*Why", spec.remediation), f"{spec.id}: remediation says why"


def test_checks_come_in_factor_order():
    order = [f.key for f in FACTORS]
    positions = [order.index(spec.factor) for spec, _ in all_checks()]
    assert positions == sorted(positions)
