"""Factor III checks scored on fixture repositories through the real collector."""

from tests.checks.helpers import result_for, result_from_facts

ENV = "config-env-settings"
ENV_FILE = "config-no-committed-env-file"
SECRETS = "config-no-hardcoded-secrets"
STORE = "config-secrets-from-store"
ENDPOINTS = "config-no-hardcoded-endpoints"


def test_it_passes_code_that_reads_the_environment():
    result = result_for(f"{ENV}/reads-environment", "config.env-settings")
    assert result.status == "pass"
    assert "reads DATABASE_URL from the environment" in [e.excerpt for e in result.evidence]


def test_it_fails_code_that_reads_configuration_only_from_files():
    result = result_for(f"{ENV}/literals-only", "config.env-settings")
    assert result.status == "fail"
    assert "files or literals only" in result.message


def test_it_warns_when_only_node_env_is_read():
    assert result_for(f"{ENV}/node-env-only", "config.env-settings").status == "warn"


def test_it_passes_a_third_party_image_configured_by_its_manifest():
    facts = {
        "documents": [
            {
                "path": "k8s/redis.yaml",
                "category": "k8s",
                "docs": [
                    {
                        "line": 1,
                        "lines": {},
                        "data": {
                            "apiVersion": "apps/v1",
                            "kind": "Deployment",
                            "metadata": {"name": "grafana"},
                            "spec": {
                                "template": {
                                    "spec": {
                                        "containers": [
                                            {
                                                "name": "g",
                                                "image": "grafana/grafana:11.0.0",
                                                "env": [
                                                    {
                                                        "name": "GF_SERVER_ROOT_URL",
                                                        "value": "https://g",
                                                    }
                                                ],
                                            }
                                        ]
                                    }
                                }
                            },
                        },
                    }
                ],
            }
        ]
    }
    assert result_from_facts(facts, "config.env-settings").status == "pass"


def test_it_does_not_judge_a_repository_without_code_or_manifests():
    assert result_from_facts({}, "config.env-settings").status == "unknown"


def test_it_fails_a_committed_env_file_with_values_and_shows_no_value():
    result = result_for(f"{ENV_FILE}/env-with-values", "config.no-committed-env-file")
    assert result.status == "fail"
    assert result.evidence[0].locator == ".env:2"
    assert all("localhost" not in e.excerpt for e in result.evidence)
    assert "EMPTY" not in " ".join(e.excerpt for e in result.evidence)


def test_it_passes_example_env_files_and_ignores_test_fixtures():
    result = result_for(f"{ENV_FILE}/example-only", "config.no-committed-env-file")
    assert result.status == "pass"


def test_it_passes_a_repository_without_env_files():
    result = result_from_facts({}, "config.no-committed-env-file")
    assert result.status == "pass"
    assert result.message == "No .env file is committed."


def test_it_fails_a_password_literal_in_production_code():
    result = result_for(f"{SECRETS}/password-literal", "config.no-hardcoded-secrets")
    assert result.status == "fail"
    assert [e.locator for e in result.evidence] == ["app/settings.py:4"]
    assert "Xk9#" not in result.evidence[0].excerpt


def test_it_ignores_secrets_in_tests_and_deploy_manifest_env_entries():
    assert result_for(f"{SECRETS}/clean", "config.no-hardcoded-secrets").status == "pass"


def test_it_fails_when_the_only_secret_is_an_env_lookup_default():
    # Catalogue decision 6: the fallback ships wherever the variable is unset.
    signal = {
        "rule": "secret.env-default",
        "path": "app/settings.py",
        "line": 3,
        "lang": "python",
        "excerpt": 'KEY = os.getenv("KEY", "«redacted»")',
        "detail": {"type": "Default of an environment lookup", "name": "KEY"},
    }
    assert result_from_facts({"signals": [signal]}, "config.no-hardcoded-secrets").status == "fail"


def test_it_fails_a_literal_secret_in_a_kubernetes_env_entry():
    result = result_for(f"{STORE}/k8s-literal", "config.secrets-from-store")
    assert result.status == "fail"
    assert [e.locator for e in result.evidence] == ["k8s/deployment.yaml:15"]
    assert "Xk9#" not in result.evidence[0].excerpt


def test_it_fails_a_literal_secret_in_serverless_environment():
    result = result_for(f"{STORE}/serverless-literal", "config.secrets-from-store")
    assert result.status == "fail"
    assert "PAYMENT_API_KEY" in result.evidence[0].excerpt


def test_it_passes_secret_key_refs_resolve_noecho_and_ecs_secrets():
    result = result_for(f"{STORE}/from-stores", "config.secrets-from-store")
    assert result.status == "pass"
    assert len(result.evidence) == 4


def test_it_warns_on_a_secret_taken_from_helm_values():
    assert result_for(f"{STORE}/helm-values", "config.secrets-from-store").status == "warn"


def test_it_cannot_tell_without_deploy_manifests():
    assert result_for(f"{STORE}/no-manifests", "config.secrets-from-store").status == "unknown"


def test_it_fails_a_literal_database_url_and_redacts_its_credentials():
    result = result_for(f"{ENDPOINTS}/literal-url", "config.no-hardcoded-endpoints")
    assert result.status == "fail"
    assert [e.locator for e in result.evidence] == ["app/db.py:4"]
    assert result.evidence[0].excerpt == "postgresql://«redacted»@db.internal.acme.io:5432/app"


def test_it_passes_urls_that_are_defaults_of_environment_lookups():
    result = result_for(f"{ENDPOINTS}/env-defaults", "config.no-hardcoded-endpoints")
    assert result.status == "pass"


def test_a_class_path_assigned_to_a_password_named_setting_is_no_credential(tmp_path):
    (tmp_path / "settings.py").write_text(
        'PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"\n'
        'PASSWORD_HASHER = "com.acme.security.Pbkdf2Hasher"\n'
    )
    assert result_for(tmp_path, "config.no-hardcoded-secrets").status == "pass"
    (tmp_path / "settings.py").write_text('DB_PASSWORD = "sk.Ab9xQrT2mN"\n')
    assert result_for(tmp_path, "config.no-hardcoded-secrets").status == "fail"
