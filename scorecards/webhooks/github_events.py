"""What a GitHub webhook delivery asks the portal to do, decided from its payload alone.

Pure (no ORM, no network) so every event shape is tested without a database. ``decide`` returns
a ``Decision``: ``work`` is None for deliveries the portal has nothing to do for (answered 204
with the reason), otherwise a small JSON-serialisable dict the worker executes:

- ``{"kind": "rescan", "repository", "commit", "reason"}``: a push to the default branch;
- ``{"kind": "pull_request", "repository", "number", "head_sha", "head_ref", "installation_id"}``;
- ``{"kind": "catalogue", "change": "retire"|"restore"|"rename", "repository", "old_repository"}``;
- ``{"kind": "discover", "reason"}``: a GitHub source scan (repositories created, installations).
"""

from __future__ import annotations

from dataclasses import dataclass

PR_ACTIONS = frozenset({"opened", "synchronize", "reopened"})
ZERO_SHA = "0" * 40


@dataclass(frozen=True)
class Decision:
    reason: str
    work: dict | None = None

    @property
    def ignored(self) -> bool:
        return self.work is None


def _object(value: object) -> dict:
    """``value`` when it is a JSON object, else an empty one: a field of the wrong type in a
    delivery reads as missing instead of failing the request."""
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    """A scalar as text; objects, arrays and null as "" (they never name a ref or a commit)."""
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value)


def _number(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _repository(payload: dict) -> str:
    return _text(_object(payload.get("repository")).get("full_name"))


def _installation_id(payload: dict) -> int | None:
    installation = _object(payload.get("installation"))
    return _number(installation.get("id")) or None


def decide(event: str, payload: dict) -> Decision:
    handler = _HANDLERS.get(event)
    if handler is None:
        return Decision(f"event {event or '(none)'!r} is not one the portal acts on")
    return handler(payload)


def _ping(payload: dict) -> Decision:
    return Decision("pong")


def _push(payload: dict) -> Decision:
    repository = _repository(payload)
    repo = _object(payload.get("repository"))
    ref = _text(payload.get("ref"))
    default = _text(repo.get("default_branch") or repo.get("master_branch"))
    if not repository or not ref:
        return Decision("push without a repository or ref")
    if not ref.startswith("refs/heads/"):
        return Decision(f"{ref} is not a branch")
    branch = ref.removeprefix("refs/heads/")
    if branch != default:
        return Decision(f"push to {branch}, not the default branch {default or '(unknown)'}")
    commit = _text(payload.get("after"))
    if payload.get("deleted") or commit == ZERO_SHA:
        return Decision(f"the default branch of {repository} was deleted")
    return Decision(
        f"push to the default branch of {repository}",
        {
            "kind": "rescan",
            "repository": repository,
            "commit": commit,
            "reason": f"push to {repository}@{commit[:7]}",
        },
    )


def _pull_request(payload: dict) -> Decision:
    action = _text(payload.get("action"))
    if action not in PR_ACTIONS:
        return Decision(f"pull_request {action[:60]!r} changes no code")
    pr = _object(payload.get("pull_request"))
    head = _object(pr.get("head"))
    repository = _repository(payload)
    head_repo = _text(_object(head.get("repo")).get("full_name")) or repository
    sha = _text(head.get("sha"))
    if not repository or not sha:
        return Decision("pull_request without a repository or head commit")
    return Decision(
        f"pull request #{_text(pr.get('number'))[:20]} of {repository} {action}",
        {
            "kind": "pull_request",
            "repository": repository,
            # A fork's head commit is also served by the base repository's tarball endpoint
            # (pull request heads are fetchable there), so the base repository is asked.
            "head_repository": head_repo,
            "number": _number(payload.get("number")) or _number(pr.get("number")),
            "head_sha": sha,
            "head_ref": _text(head.get("ref")),
            "installation_id": _installation_id(payload),
        },
    )


def _repository_event(payload: dict) -> Decision:
    action = _text(payload.get("action"))
    repository = _repository(payload)
    if not repository:
        return Decision("repository event without a repository")
    if action in ("archived", "deleted"):
        work = {"kind": "catalogue", "change": "retire", "repository": repository}
    elif action == "unarchived":
        work = {"kind": "catalogue", "change": "restore", "repository": repository}
    elif action == "renamed":
        old_name = _object(_object(_object(payload.get("changes")).get("repository")).get("name"))
        old = _text(old_name.get("from"))
        if not old:
            return Decision("renamed without the old name")
        owner = repository.partition("/")[0]
        work = {
            "kind": "catalogue",
            "change": "rename",
            "repository": repository,
            "old_repository": f"{owner}/{old}",
        }
    elif action in ("created", "transferred"):
        work = {"kind": "discover", "reason": f"repository {repository} {action}"}
    else:
        return Decision(f"repository {action[:60]!r} does not change the catalogue")
    return Decision(f"repository {repository} {action}", work)


def _account(payload: dict) -> str:
    installation = _object(payload.get("installation"))
    return _text(_object(installation.get("account")).get("login")) or "?"


def _full_names(items: object) -> list[str]:
    return [_text(_object(r).get("full_name")) for r in items] if isinstance(items, list) else []


def _installation(payload: dict) -> Decision:
    action = _text(payload.get("action"))
    account = _account(payload)
    if action in ("deleted", "suspend"):
        # Discovery cannot list what the App no longer sees; the next scheduled scan retires it.
        return Decision(f"installation on {account} {action}: nothing to scan")
    return Decision(
        f"installation on {account} {action}",
        {"kind": "discover", "reason": f"GitHub App installation on {account} {action}"},
    )


def _installation_repositories(payload: dict) -> Decision:
    action = _text(payload.get("action"))
    account = _account(payload)
    added = _full_names(payload.get("repositories_added"))
    removed = _full_names(payload.get("repositories_removed"))
    return Decision(
        f"installation on {account}: {len(added)} repositories added, {len(removed)} removed",
        {
            "kind": "discover",
            "reason": f"GitHub App repositories {action} on {account}",
            "retire": [name for name in removed if name],
        },
    )


_HANDLERS = {
    "ping": _ping,
    "push": _push,
    "pull_request": _pull_request,
    "repository": _repository_event,
    "installation": _installation,
    "installation_repositories": _installation_repositories,
}
