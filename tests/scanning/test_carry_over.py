"""What a partly failed AWS or Kubernetes collection keeps from the last good inventory."""

from __future__ import annotations

from scorecards.carry_over import keep_last_good, stale_reason


def k8s(locator: str) -> dict:
    cluster, namespace, kind, name = locator.split("/")
    return {
        "cluster": cluster,
        "namespace": namespace,
        "kind": kind,
        "name": name,
        "locator": locator,
    }


def aws(arn: str, rtype: str, account: str = "111", region: str = "eu-west-1") -> dict:
    return {"arn": arn, "type": rtype, "account": account, "region": region}


PREVIOUS_K8S = {
    "objects": [k8s("prod/shop/Deployment/web"), k8s("prod/billing/Deployment/api"),
                k8s("prod/billing/Service/api"), k8s("staging/shop/Deployment/web")]
}  # fmt: skip


def test_a_complete_collection_is_kept_as_it_is():
    fresh = {"objects": [k8s("prod/shop/Deployment/web")], "errors": []}
    assert keep_last_good("kubernetes", fresh, PREVIOUS_K8S) is fresh


def test_a_forbidden_namespace_keeps_only_its_own_objects_marked_stale():
    error = {"cluster": "prod", "namespace": "billing", "kind": "Deployment", "error": "403"}
    fresh = {"objects": [k8s("prod/shop/Deployment/web")], "errors": [error]}
    kept = keep_last_good("kubernetes", fresh, PREVIOUS_K8S)
    assert [(o["locator"], o.get("stale")) for o in kept["objects"]] == [
        ("prod/shop/Deployment/web", None),
        ("prod/billing/Deployment/api", "403"),
    ]


def test_an_unreachable_cluster_keeps_every_object_of_that_cluster():
    error = {"cluster": "staging", "kind": None, "error": "cannot reach"}
    fresh = {"objects": [k8s("prod/shop/Deployment/web")], "errors": [error]}
    kept = keep_last_good("kubernetes", fresh, PREVIOUS_K8S)
    assert [o["locator"] for o in kept["objects"] if o.get("stale")] == [
        "staging/shop/Deployment/web"
    ]


def test_an_object_read_again_is_never_duplicated_or_marked_stale():
    error = {"cluster": "prod", "kind": None, "error": "timeout half-way"}
    fresh = {"objects": [k8s("prod/billing/Deployment/api")], "errors": [error]}
    kept = keep_last_good("kubernetes", fresh, PREVIOUS_K8S)
    locators = [o["locator"] for o in kept["objects"]]
    assert locators.count("prod/billing/Deployment/api") == 1
    assert kept["objects"][0].get("stale") is None


def test_a_throttled_aws_service_keeps_its_resources_of_that_region_only():
    previous = {
        "resources": [
            aws("arn:fn:a", "lambda.function"),
            aws("arn:fn:b", "lambda.function", region="us-east-1"),
            aws("arn:ecs:a", "ecs.service"),
        ]
    }
    error = {"account": "111", "region": "eu-west-1", "service": "lambda", "error": "Throttling"}
    fresh = {"resources": [aws("arn:ecs:a", "ecs.service")], "errors": [error]}
    kept = keep_last_good("aws", fresh, previous)
    assert [(r["arn"], r.get("stale")) for r in kept["resources"]] == [
        ("arn:ecs:a", None),
        ("arn:fn:a", "Throttling"),
    ]


def test_expired_credentials_keep_every_resource_of_the_account():
    previous = {"resources": [aws("arn:fn:a", "lambda.function"), aws("arn:ecs:a", "ecs.service")]}
    error = {"account": None, "region": None, "service": "sts", "error": "ExpiredToken"}
    kept = keep_last_good("aws", {"resources": [], "errors": [error]}, previous)
    assert stale_reason(kept) == "ExpiredToken"
    assert len(kept["resources"]) == 2


def test_without_an_earlier_inventory_nothing_is_invented():
    error = {"cluster": "prod", "kind": None, "error": "cannot reach"}
    fresh = {"objects": [], "errors": [error]}
    assert keep_last_good("kubernetes", fresh, None) == fresh
    assert stale_reason(fresh) == ""
