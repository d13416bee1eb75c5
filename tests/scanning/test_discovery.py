"""The service resolver: one service joined across repositories, AWS and Kubernetes."""

from scorecards.discovery import RepoEntry, resolve_services


def _catalog(path, *components):
    return {
        "path": path,
        "category": "catalog",
        "docs": [
            {
                "data": {
                    "apiVersion": "backstage.io/v1alpha1",
                    "kind": kind,
                    "metadata": meta,
                    "spec": spec,
                }
            }
            for kind, meta, spec in components
        ],
    }


def test_a_monorepo_declares_several_components_each_rooted_at_its_catalog_file():
    facts = {
        "documents": [
            _catalog(
                "services/api/catalog-info.yaml",
                ("Component", {"name": "orders-api"}, {"owner": "group:default/payments"}),
            ),
            _catalog(
                "services/worker/catalog-info.yaml",
                ("Component", {"name": "orders-worker"}, {"owner": "payments"}),
                ("System", {"name": "orders"}, {}),
            ),
        ]
    }
    specs = resolve_services([RepoEntry("acme/orders", facts)])
    assert [(s.slug, s.repository, s.repository_path, s.team) for s in specs] == [
        ("orders-api", "acme/orders", "services/api", "payments"),
        ("orders-worker", "acme/orders", "services/worker", "payments"),
    ]
    assert specs[0].team_source == "catalog-info.yaml"


def test_without_a_catalog_the_repository_is_the_service_owned_per_codeowners():
    facts = {
        "codeowners": [
            {
                "path": ".github/CODEOWNERS",
                "rules": [
                    {"pattern": "*", "owners": ["@acme/platform"], "line": 1},
                    {"pattern": "/docs/", "owners": ["@acme/writers"], "line": 2},
                ],
            }
        ]
    }
    [spec] = resolve_services([RepoEntry("acme/Billing_Service", facts, topics=["team-x"])])
    assert (spec.slug, spec.name, spec.team, spec.team_source) == (
        "billing-service",
        "Billing_Service",
        "platform",
        "CODEOWNERS",
    )


def test_a_github_topic_names_the_team_when_nothing_else_does():
    [spec] = resolve_services([RepoEntry("acme/search", {}, topics=["python", "team-discovery"])])
    assert (spec.team, spec.team_source) == ("discovery", "GitHub topic")


def test_aws_resources_join_the_repository_by_their_service_tag_and_bring_a_team():
    aws = [
        {
            "type": "lambda.function",
            "arn": "arn:aws:lambda:eu-west-1:1:function:orders-prod",
            "name": "orders-prod",
            "tags": {"Service": "orders", "Team": "payments"},
        },
        {
            "type": "logs.log-group",
            "arn": "arn:aws:logs:eu-west-1:1:log-group:/x",
            "name": "/x",
            "tags": {},
        },
        {
            "type": "lambda.function",
            "arn": "arn:aws:lambda:eu-west-1:1:function:untagged",
            "name": "untagged",
            "tags": {},
        },
    ]
    specs = {s.slug: s for s in resolve_services([RepoEntry("acme/orders", {})], aws)}
    assert set(specs) == {"orders", "untagged"}
    assert specs["orders"].repository == "acme/orders"
    assert specs["orders"].aws_arns == ["arn:aws:lambda:eu-west-1:1:function:orders-prod"]
    assert (specs["orders"].team, specs["orders"].team_source) == ("payments", "AWS tag")


def test_kubernetes_workloads_group_by_part_of_and_hpas_join_their_target():
    def obj(kind, name, labels=None, spec=None):
        return {
            "cluster": "prod",
            "namespace": "shop",
            "kind": kind,
            "name": name,
            "locator": f"prod/shop/{kind}/{name}",
            "labels": labels or {},
            "object": {
                "kind": kind,
                "metadata": {"name": name, "labels": labels or {}},
                "spec": spec or {},
            },
        }

    objects = [
        obj(
            "Deployment",
            "shop-web",
            {
                "app.kubernetes.io/name": "shop-web",
                "app.kubernetes.io/part-of": "shop",
                "team": "retail",
            },
        ),
        obj("Deployment", "shop-worker", {"app.kubernetes.io/part-of": "shop"}),
        obj(
            "HorizontalPodAutoscaler",
            "web-hpa",
            spec={"scaleTargetRef": {"kind": "Deployment", "name": "shop-web"}},
        ),
        obj("Deployment", "redis", {"app": "redis"}),
    ]
    specs = {s.slug: s for s in resolve_services(k8s_objects=objects)}
    assert set(specs) == {"shop", "redis"}
    assert specs["shop"].k8s_locators == [
        "prod/shop/Deployment/shop-web",
        "prod/shop/Deployment/shop-worker",
        "prod/shop/HorizontalPodAutoscaler/web-hpa",
    ]
    assert specs["shop"].team == "retail"


def test_log_groups_follow_the_functions_that_write_to_them():
    function = "arn:aws:lambda:eu-west-1:1:function:orders-prod"
    group = "arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/orders-prod"
    aws = [
        {
            "type": "lambda.function",
            "arn": function,
            "name": "orders-prod",
            "tags": {"service": "orders"},
        },
        # Untagged, as Lambda creates it: only its writers say whose it is.
        {
            "type": "logs.log-group",
            "arn": group,
            "name": "/aws/lambda/orders-prod",
            "tags": {},
            "writers": [function],
        },
        {
            "type": "logs.log-group",
            "arn": "arn:aws:logs:eu-west-1:1:log-group:/other",
            "name": "/other",
            "tags": {},
            "writers": [],
        },
    ]
    [spec] = resolve_services(aws_resources=aws)
    assert spec.slug == "orders"
    assert spec.aws_arns == [function, group]


def test_unlabelled_services_and_claims_join_the_workload_they_serve():
    def obj(kind, name, labels=None, spec=None):
        return {
            "cluster": "prod",
            "namespace": "shop",
            "kind": kind,
            "name": name,
            "locator": f"prod/shop/{kind}/{name}",
            "labels": labels or {},
            "object": {
                "kind": kind,
                "metadata": {"name": name, "labels": labels or {}},
                "spec": spec or {},
            },
        }

    web = obj(
        "Deployment",
        "web",
        {"app.kubernetes.io/name": "web"},
        {
            "template": {
                "metadata": {"labels": {"pod": "web"}},
                "spec": {
                    "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]
                },
            }
        },
    )
    objects = [
        web,
        obj("Service", "web-svc", spec={"selector": {"pod": "web"}}),
        obj("PersistentVolumeClaim", "data"),
        obj("ConfigMap", "unrelated-settings"),
        obj("Service", "other-svc", spec={"selector": {"pod": "other"}}),
    ]
    specs = {s.slug: s for s in resolve_services(k8s_objects=objects)}
    # Objects that name no service and belong to no workload do not become services.
    assert set(specs) == {"web"}
    assert specs["web"].k8s_locators == [
        "prod/shop/Deployment/web",
        "prod/shop/Service/web-svc",
        "prod/shop/PersistentVolumeClaim/data",
    ]
