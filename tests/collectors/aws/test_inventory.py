"""The inventory as a whole: regions, accounts, errors, request counts and progress."""

from __future__ import annotations

import json

import boto3

from scorecards.collectors.aws import AwsConfig, collect_aws
from tests.collectors.aws.builders import ACCOUNT, REGION, by_type, create_function
from tests.collectors.aws.conftest import dummy_credentials, running_moto_server

OTHER_ACCOUNT = "210987654321"


def test_a_broken_region_is_reported_and_the_others_are_still_scanned(moto):
    create_function(moto, "orders", moto.lambda_role())
    moto.client("logs", "us-east-1").create_log_group(logGroupName="/us/app")

    inventory = collect_aws(moto.config(regions=[REGION, "not a region!", "us-east-1"]))

    assert "orders" in by_type(inventory, "lambda.function")
    assert by_type(inventory, "logs.log-group")["/us/app"]["region"] == "us-east-1"
    broken = [e for e in inventory["errors"] if e["region"] == "not a region!"]
    assert broken and all(e["account"] == ACCOUNT for e in broken)
    assert not [e for e in inventory["errors"] if e["region"] != "not a region!"]
    assert inventory["accounts"] == [
        {
            "account": ACCOUNT,
            "role_arn": None,
            "regions": [REGION, "not a region!", "us-east-1"],
            "error": None,
        }
    ]
    json.dumps(inventory)  # plain data all the way down


def test_it_counts_every_request_it_sends(moto):
    create_function(moto, "orders", moto.lambda_role())
    moto.client("logs").create_log_group(logGroupName="/aws/lambda/orders")

    inventory = collect_aws(moto.config(services=("lambda", "logs")))

    by_service = {e["service"]: e["requests"] for e in inventory["requests_by"]}
    # GetCallerIdentity; ListFunctions + GetFunction + ListAliases; DescribeLogGroups + tags
    assert by_service == {"sts": 1, "lambda": 3, "logs": 2}
    assert inventory["requests"] == 6


def test_it_assumes_each_role_and_keeps_going_when_one_fails(moto):
    sts = moto.client("sts")
    good_role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/scorecards-reader"
    credentials = sts.assume_role(RoleArn=good_role, RoleSessionName="setup")["Credentials"]
    other = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    moto.client("logs", session=other).create_log_group(logGroupName="/other/app")
    moto.client("logs").create_log_group(logGroupName="/default/app")
    bad_role = "arn:aws:iam::1:r"  # too short: refused before any request

    inventory = collect_aws(moto.config(role_arns=[good_role, bad_role]))

    groups = by_type(inventory, "logs.log-group")
    assert set(groups) == {"/other/app"}  # the default account is not scanned when roles are set
    assert groups["/other/app"]["account"] == OTHER_ACCOUNT
    accounts = {a["role_arn"]: a for a in inventory["accounts"]}
    assert accounts[good_role]["account"] == OTHER_ACCOUNT
    assert accounts[good_role]["error"] is None
    assert "ParamValidationError" in accounts[bad_role]["error"]
    assert [e["service"] for e in inventory["errors"]] == ["sts"]


def test_progress_counts_each_service_of_each_region(moto):
    calls = []

    collect_aws(
        moto.config(regions=[REGION, "us-east-1"], services=("lambda", "logs")),
        progress=lambda done, total, label: calls.append((done, total, label)),
    )

    assert [done for done, _, _ in calls] == [1, 2, 3, 4]
    assert {total for _, total, _ in calls} == {4}
    assert {label for _, _, label in calls} == {
        f"{ACCOUNT}/{REGION}/lambda",
        f"{ACCOUNT}/{REGION}/logs",
        f"{ACCOUNT}/us-east-1/lambda",
        f"{ACCOUNT}/us-east-1/logs",
    }


def test_access_denied_is_reported_not_raised(tmp_path, monkeypatch):
    dummy_credentials(monkeypatch, tmp_path)
    setup_requests = 5  # moto enforces IAM policies after this many requests
    with running_moto_server(
        tmp_path / "moto.log", {"INITIAL_NO_AUTH_ACTION_COUNT": str(setup_requests)}
    ) as endpoint:
        iam = boto3.client("iam", endpoint_url=endpoint)
        iam.create_user(UserName="reader")
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["sts:GetCallerIdentity", "logs:DescribeLogGroups"],
                    "Resource": "*",
                }
            ],
        }
        iam.put_user_policy(UserName="reader", PolicyName="read", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName="reader")["AccessKey"]
        logs = boto3.client("logs", endpoint_url=endpoint)
        logs.create_log_group(logGroupName="/app/one")
        logs.create_log_group(logGroupName="/app/two")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])

        inventory = collect_aws(
            AwsConfig(regions=[REGION], endpoint_url=endpoint, services=("ecs", "logs"))
        )

    groups = by_type(inventory, "logs.log-group")
    assert set(groups) == {"/app/one", "/app/two"}
    assert all(g["unreadable"] == ["tags"] for g in groups.values())
    errors = {e["service"]: e["error"] for e in inventory["errors"]}
    assert set(errors) == {"ecs", "logs"}
    assert "AccessDenied" in errors["ecs"] and "ecs:ListClusters" in errors["ecs"]
    assert "logs:ListTagsForResource" in errors["logs"]  # once, then not asked again
