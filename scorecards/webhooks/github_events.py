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


def _repository(payload: dict) -> str:
    repo = payload.get("repository")
    return str(repo.get("full_name") or "") if isinstance(repo, dict) else ""


def _installation_id(payload: dict) -> int | None:
    installation = payload.get("installation")
    if isinstance(installation, dict) and isinstance(installation.get("id"), int):
        return installation["id"]
    return None


def decide(event: str, payload: dict) -> Decision:
    handler = _HANDLERS.get(event)
    if handler is None:
        return Decision(f"event {event or '(none)'!r} is not one the portal acts on")
    return handler(payload)


def _ping(payload: dict) -> Decision:
    return Decision("pong")


def _push(payload: dict) -> Decision:
    repository = _repository(payload)
    repo = payload.get("repository") or {}
    ref = str(payload.get("ref") or "")
    default = str(repo.get("default_branch") or repo.get("master_branch") or "")
    if not repository or not ref:
        return Decision("push without a repository or ref")
    if not ref.startswith("refs/heads/"):
        return Decision(f"{ref} is not a branch")
    branch = ref.removeprefix("refs/heads/")
    if branch != default:
        return Decision(f"push to {branch}, not the default branch {default or '(unknown)'}")
    commit = str(payload.get("after") or "")
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
    action = str(payload.get("action") or "")
    if action not in PR_ACTIONS:
        return Decision(f"pull_request {action!r} changes no code")
    pr = payload.get("pull_request") or {}
    head = pr.get("head") or {}
    repository = _repository(payload)
    head_repo = (head.get("repo") or {}).get("full_name") or repository
    sha = str(head.get("sha") or "")
    if not repository or not sha:
        return Decision("pull_request without a repository or head commit")
    return Decision(
        f"pull request #{pr.get('number')} of {repository} {action}",
        {
            "kind": "pull_request",
            "repository": repository,
            # A fork's head commit is also served by the base repository's tarball endpoint
            # (pull request heads are fetchable there), so the base repository is asked.
            "head_repository": head_repo,
            "number": int(payload.get("number") or pr.get("number") or 0),
            "head_sha": sha,
            "head_ref": str(head.get("ref") or ""),
            "installation_id": _installation_id(payload),
        },
    )


def _repository_event(payload: dict) -> Decision:
    action = str(payload.get("action") or "")
    repository = _repository(payload)
    if not repository:
        return Decision("repository event without a repository")
    if action in ("archived", "deleted"):
        work = {"kind": "catalogue", "change": "retire", "repository": repository}
    elif action == "unarchived":
        work = {"kind": "catalogue", "change": "restore", "repository": repository}
    elif action == "renamed":
        old_name = ((payload.get("changes") or {}).get("repository") or {}).get("name") or {}
        old = str(old_name.get("from") or "")
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
        return Decision(f"repository {action!r} does not change the catalogue")
    return Decision(f"repository {repository} {action}", work)


def _installation(payload: dict) -> Decision:
    action = str(payload.get("action") or "")
    account = ((payload.get("installation") or {}).get("account") or {}).get("login") or "?"
    if action in ("deleted", "suspend"):
        # Discovery cannot list what the App no longer sees; the next scheduled scan retires it.
        return Decision(f"installation on {account} {action}: nothing to scan")
    return Decision(
        f"installation on {account} {action}",
        {"kind": "discover", "reason": f"GitHub App installation on {account} {action}"},
    )


def _installation_repositories(payload: dict) -> Decision:
    action = str(payload.get("action") or "")
    account = ((payload.get("installation") or {}).get("account") or {}).get("login") or "?"
    added = [r.get("full_name") for r in payload.get("repositories_added") or []]
    removed = [r.get("full_name") for r in payload.get("repositories_removed") or []]
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
