"""AWS misbehaving under a real worker: throttling and expired credentials.

moto answers the calls; the proxy in front of it answers chosen ones with AWS's own errors
(``ThrottlingException`` as JSON, ``ExpiredToken`` as STS's XML), so boto3's adaptive retries
and the collector's error handling meet the real thing.
"""

from __future__ import annotations

import pytest

from scorecards.models import Scan, Scorecard, Service, Snapshot, SourceRun
from tests.faults.conftest import aws_error, scan_in_process, scan_on_worker

pytestmark = pytest.mark.django_db(transaction=True)
THROTTLED = aws_error("ThrottlingException", "Rate exceeded")
EXPIRED = aws_error("ExpiredToken", "The security token included in the request is expired", 403)


@pytest.fixture
def scanned(aws):
    first = scan_in_process()
    assert first.state == Scan.State.SUCCEEDED, first.error
    service = Service.objects.get(slug="orders-fn")
    assert service.aws_resources
    aws.log.clear()
    return first, service


def _aws_snapshot(scan: Scan, service: Service) -> Snapshot:
    return Snapshot.objects.get(scan=scan, service=service, source="aws")


def test_throttling_is_absorbed_by_adaptive_retries(aws, scanned, workers):
    aws.fail("lambda", THROTTLED, times=1)
    workers(**aws.env)
    scan = scan_on_worker("throttled once")

    assert scan.state == Scan.State.SUCCEEDED, scan.error
    lambda_answers = [status for service, status in aws.log if service == "lambda"]
    assert lambda_answers[:2] == [400, 200]
    assert not SourceRun.objects.get(scan=scan).error
    assert not _aws_snapshot(scan, scanned[1]).stale


def test_throttling_past_the_retries_keeps_the_last_functions_marked_stale(
    aws, scanned, workers, scorecard_page
):
    first, service = scanned
    aws.fail("lambda", THROTTLED, times=None)
    workers(**aws.env, AWS_MAX_ATTEMPTS="2")
    scan = scan_on_worker("throttled for good")

    assert scan.state == Scan.State.PARTIAL
    assert "ThrottlingException" in scan.error
    service.refresh_from_db()
    assert not service.retired and service.latest_scorecard.scan_id == scan.pk
    snapshot = _aws_snapshot(scan, service)
    assert snapshot.stale and "ThrottlingException: Rate exceeded" in snapshot.error
    before = _aws_snapshot(first, service).facts.data["resources"]
    after = snapshot.facts.data["resources"]
    assert [r["arn"] for r in after] == [r["arn"] for r in before]
    assert service.latest_scorecard.stale_sources == ["aws"]
    html = scorecard_page(service)
    assert "Some facts are stale: aws" in html and "Next try:" in html


def test_expired_credentials_keep_every_resource_marked_stale(
    aws, scanned, workers, scorecard_page
):
    first, service = scanned
    previous = service.latest_scorecard
    aws.fail("sts", EXPIRED, times=None)
    workers(**aws.env)
    scan = scan_on_worker("credentials expired")

    assert scan.state == Scan.State.PARTIAL
    assert "ExpiredToken" in scan.error
    assert not [s for s, _status in aws.log if s == "lambda"]  # nothing read without an account
    service.refresh_from_db()
    assert not service.retired
    snapshot = _aws_snapshot(scan, service)
    assert snapshot.stale and "The security token included in the request is expired" in (
        snapshot.error
    )
    carried = snapshot.facts.data["resources"]
    assert carried and all(r["stale"] for r in carried)
    before = _aws_snapshot(first, service).facts.data["resources"]
    assert [{k: v for k, v in r.items() if k != "stale"} for r in carried] == before
    # The earlier scorecard stays in the history, the new one scores the same facts.
    assert Scorecard.objects.filter(pk=previous.pk).exists()
    assert service.latest_scorecard.score == previous.score
    assert "ExpiredToken" in scorecard_page(service)
