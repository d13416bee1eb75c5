"""The catalogue's 2026.12 decisions on deploy definitions (../shared/checks.md), decision by
decision, each with a passing and a failing repository written as real projects write them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scorecards.checks.results import Status
from tests.checks.helpers import result_for


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def check(root: Path, files: dict[str, str], check_id: str):
    return result_for(write(root, files), check_id)


def locators(result) -> list[str]:
    return [e.locator for e in result.evidence]


# --- Helm charts -----------------------------------------------------------------------------

CHART = """
    apiVersion: v2
    name: shop
    version: 0.3.0
    appVersion: "2.4.1"
"""
DEPLOYMENT = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {{ include "shop.fullname" . }}
    spec:
      {{- if not .Values.autoscaling.enabled }}
      replicas: {{ .Values.replicaCount }}
      {{- end }}
      selector:
        matchLabels:
          app: shop
      template:
        spec:
          containers:
            - name: shop
              image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
              ports:
                - containerPort: 8080
              readinessProbe:
                httpGet:
                  path: /healthz
                  port: 8080
"""
HPA = """
    {{- if .Values.autoscaling.enabled }}
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: {{ include "shop.fullname" . }}
    spec:
      scaleTargetRef:
        apiVersion: apps/v1
        kind: Deployment
        name: {{ include "shop.fullname" . }}
      minReplicas: {{ .Values.autoscaling.minReplicas }}
      maxReplicas: {{ .Values.autoscaling.maxReplicas }}
    {{- end }}
"""


def helm_chart(values: str) -> dict[str, str]:
    return {
        "charts/shop/Chart.yaml": CHART,
        "charts/shop/values.yaml": values,
        "charts/shop/templates/deployment.yaml": DEPLOYMENT,
        "charts/shop/templates/hpa.yaml": HPA,
        "Dockerfile": 'FROM python:3.12.4-slim\nCMD ["gunicorn", "shop.wsgi"]\n',
    }


def test_decision_1_a_chart_with_the_hpa_switched_off_and_one_replica_fails_autoscaling(
    tmp_path,
):
    values = """
        replicaCount: 1
        image:
          repository: ghcr.io/acme/shop
          tag: ""
        autoscaling:
          enabled: false
          minReplicas: 2
          maxReplicas: 10
    """
    result = check(tmp_path, helm_chart(values), "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert "charts/shop/values.yaml:6" in locators(result)


def test_decision_1_a_chart_with_the_hpa_switched_on_passes_autoscaling(tmp_path):
    values = """
        replicaCount: 1
        autoscaling:
          enabled: true
          minReplicas: 2
          maxReplicas: 10
    """
    result = check(tmp_path, helm_chart(values), "concurrency.autoscaling")
    assert result.status == Status.PASS
    assert "charts/shop/templates/hpa.yaml:2" in locators(result)


def test_decision_1_a_chart_that_leaves_replicas_out_fails_instead_of_unknown(tmp_path):
    files = helm_chart("image:\n  repository: ghcr.io/acme/shop\n")
    files["charts/shop/templates/deployment.yaml"] = "\n".join(
        line
        for line in DEPLOYMENT.splitlines()
        if not any(key in line for key in ("autoscaling.enabled", "replicas:", "{{- end }}"))
    )
    del files["charts/shop/templates/hpa.yaml"]
    result = check(tmp_path, files, "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert any("left out" in e.excerpt for e in result.evidence)
    assert locators(result)[0].startswith("charts/shop/templates/deployment.yaml:")


def test_decision_1_a_plain_deployment_without_replicas_fails_autoscaling(tmp_path):
    files = {
        "k8s/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              template:
                spec:
                  containers:
                    - name: api
                      image: ghcr.io/acme/api:1.4.2
        """
    }
    result = check(tmp_path, files, "concurrency.autoscaling")
    assert result.status == Status.FAIL
    assert locators(result) == ["k8s/deployment.yaml:5"]  # its spec, where replicas is missing


def test_decision_1_without_any_deploy_definition_autoscaling_stays_unknown(tmp_path):
    files = {
        "Dockerfile": 'FROM node:20.11.1\nCMD ["node", "server.js"]\n',
        "package.json": '{"name": "api", "dependencies": {"express": "4.19.2"}}',
    }
    assert check(tmp_path, files, "concurrency.autoscaling").status == Status.UNKNOWN


def test_decision_1_a_kustomize_base_without_replicas_fails_and_an_overlay_with_three_passes(
    tmp_path,
):
    base = {
        "deploy/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
        "deploy/base/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              template:
                spec:
                  containers:
                    - name: api
                      image: ghcr.io/acme/api:1.4.2
        """,
    }
    assert check(tmp_path / "a", base, "concurrency.autoscaling").status == Status.FAIL
    overlay = {
        **base,
        "deploy/overlays/prod/kustomization.yaml": """
            resources:
              - ../../base
            replicas:
              - name: api
                count: 3
        """,
    }
    result = check(tmp_path / "b", overlay, "concurrency.autoscaling")
    assert result.status == Status.PASS
    assert locators(result) == ["deploy/overlays/prod/kustomization.yaml:4"]
