"""Webhooks: GitHub deliveries and the generic rescan hook, turned into durable queued work.

``signatures`` verifies, ``github_events`` decides from a payload what (if anything) to do,
``deliveries`` records the decision and queues it, ``processing`` does it on a worker and
``pull_requests`` scores a pull request's head and reports back to GitHub.
"""
