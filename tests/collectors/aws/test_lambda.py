"""Lambda functions collected from a real moto server."""

from __future__ import annotations

import json

from scorecards.collectors.aws import collect_aws
from tests.collectors.aws.builders import ACCOUNT, REGION, by_type, create_function, requests_for

DB_PASSWORD = "hunter2hunter2"
ACCESS_KEY = "AKIAZ7QWERTYUIOP4ABC"  # AKIA-shaped, not a real key
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:orders/db-AbCdEf"


def test_it_keeps_environment_names_and_never_their_values(moto):
    role = moto.lambda_role()
    create_function(
        moto,
        "orders",
        role,
        env={
            "DB_PASSWORD": DB_PASSWORD,
            "LEGACY_KEY": ACCESS_KEY,
            "API_TOKEN": SECRET_ARN,
            "STRIPE_SECRET": "",
            "LOG_LEVEL": "debug-verbose-mode",
            "DISABLE_AUTH_TOKEN": "true",
        },
    )

    inventory = collect_aws(moto.config())

    dumped = json.dumps(inventory)
    for value in (DB_PASSWORD, ACCESS_KEY, "debug-verbose-mode", "orders/db-AbCdEf"):
        assert value not in dumped
    env = {e["name"]: e for e in by_type(inventory, "lambda.function")["orders"]["env"]}
    assert env["DB_PASSWORD"] == {
        "name": "DB_PASSWORD",
        "value_kind": "literal",
        "secret_like_name": True,
        "secret_like_value": True,
        "flag": False,
    }
    assert env["LEGACY_KEY"]["secret_like_value"] is True  # the AKIA key under a plain name
    assert env["LEGACY_KEY"]["secret_like_name"] is False
    assert env["API_TOKEN"]["value_kind"] == "reference"
    assert env["API_TOKEN"]["secret_like_value"] is False
    assert env["STRIPE_SECRET"]["value_kind"] == "empty"
    assert env["LOG_LEVEL"]["secret_like_name"] is False
    assert env["LOG_LEVEL"]["secret_like_value"] is False
    assert env["DISABLE_AUTH_TOKEN"]["flag"] is True


def test_it_reads_configuration_tags_and_tracing(moto):
    role = moto.lambda_role()
    create_function(
        moto,
        "billing",
        role,
        runtime="python3.8",
        tags={"service": "billing", "team": "payments"},
        tracing="Active",
        MemorySize=512,
        Timeout=30,
        Description="billing webhooks",
    )

    function = by_type(collect_aws(moto.config()), "lambda.function")["billing"]

    assert function["arn"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:billing"
    assert (function["account"], function["region"]) == (ACCOUNT, REGION)
    assert function["tags"] == {"service": "billing", "team": "payments"}
    assert function["runtime"] == "python3.8"
    assert function["package_type"] == "Zip"
    assert (function["memory"], function["timeout"]) == (512, 30)
    assert function["tracing"] == "Active"
    assert function["code_size"] > 0
    assert function["logging"]["log_group"] == "/aws/lambda/billing"
    assert function["description"] == "billing webhooks"
    assert function["versions"] == [] and function["aliases"] == []


def test_it_lists_published_versions_aliases_and_reserved_concurrency(moto):
    role = moto.lambda_role()
    create_function(moto, "orders", role, publish=True)
    client = moto.client("lambda")
    client.update_function_code(FunctionName="orders", ZipFile=b"PK\x05\x06" + b"\x00" * 18)
    client.publish_version(FunctionName="orders", Description="commit 3f2a9c1")
    client.create_alias(FunctionName="orders", Name="live", FunctionVersion="2")
    client.put_function_concurrency(FunctionName="orders", ReservedConcurrentExecutions=25)
    create_function(moto, "unversioned", role)

    functions = by_type(collect_aws(moto.config()), "lambda.function")

    orders = functions["orders"]
    assert [v["version"] for v in orders["versions"]] == ["1", "2"]
    assert orders["versions"][1]["description"] == "commit 3f2a9c1"
    assert orders["aliases"] == [{"name": "live", "version": "2", "routing": None}]
    assert orders["reserved_concurrency"] == 25
    assert functions["unversioned"]["versions"] == []
    assert functions["unversioned"]["reserved_concurrency"] is None


def test_a_denied_or_missing_call_marks_fields_unreadable_and_is_not_repeated(moto):
    # moto has no provisioned-concurrency API: the 404 stands for an AccessDenied answer.
    role = moto.lambda_role()
    for name in ("a", "b", "c"):
        create_function(moto, name, role, publish=True)

    inventory = collect_aws(moto.config())

    functions = by_type(inventory, "lambda.function")
    assert all("provisioned_concurrency" in f["unreadable"] for f in functions.values())
    assert all(f["tags"] == {} and f["versions"] for f in functions.values())
    problems = [e for e in inventory["errors"] if "ProvisionedConcurrency" in e["error"]]
    assert len(problems) == 1
    assert problems[0]["service"] == "lambda" and problems[0]["region"] == REGION
    # one list page, then per function GetFunction + ListAliases, and a single failed try
    assert requests_for(inventory, "lambda") == 1 + 3 * 2 + 1


def test_it_records_the_image_of_container_functions(moto):
    role = moto.lambda_role()
    moto.client("lambda").create_function(
        FunctionName="renderer",
        Role=role,
        PackageType="Image",
        Code={"ImageUri": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/renderer:2.1.0"},
    )

    function = by_type(collect_aws(moto.config()), "lambda.function")["renderer"]

    assert function["package_type"] == "Image"
    assert function["image_uri"].endswith("/renderer:2.1.0")
    assert "@sha256:" in function["resolved_image_uri"]


def test_it_collects_every_function_of_a_large_region(moto):
    role = moto.lambda_role()
    for i in range(60):
        create_function(moto, f"fn-{i:02}", role)

    inventory = collect_aws(moto.config(services=("lambda",)))

    assert len(by_type(inventory, "lambda.function")) == 60
    assert inventory["errors"] == []
    # moto answers ListFunctions in one page; then GetFunction and ListAliases per function
    assert requests_for(inventory, "lambda") == 1 + 60 * 2
