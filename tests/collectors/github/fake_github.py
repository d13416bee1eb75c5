"""A GitHub on loopback for the collector tests: recorded answer shapes, real HTTP.

``FakeGitHub`` serves the REST endpoints the collector uses from two pytest-httpserver
instances, one for the API (optionally under GitHub Enterprise's ``/api/v3``) and one for
codeload, so the tarball redirect crosses origins as it does on github.com. It behaves like
GitHub where the collector depends on it: bearer-token or App-JWT auth, ``Link`` pagination
through ``/organizations/{id}/repos``, the sha media type with ``ETag``/``If-None-Match``
(304 costs no rate limit), the 302 to a signed codeload URL, ``x-ratelimit-*`` headers. Every
request is logged, so tests count on the server side what the client really sent.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jwt
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "github"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
ORG = "acme-corp"
ORG_ID = 98765432
CODELOAD_TOKEN = "AABBCCDDcodeloadsecret"
MTIME = 1716282450  # 2024-05-21T09:07:30Z


def load(name: str):
    return json.loads((FIXTURES / name).read_text())


def files_of(directory: Path) -> dict[str, bytes]:
    """Every file below ``directory`` (bytecode caches aside), by relative POSIX path."""
    found = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            found[path.relative_to(directory).as_posix()] = path.read_bytes()
    return found


def make_tarball(
    prefix: str,
    files: Mapping[str, bytes],
    *,
    sha: str | None = None,
    extra: Iterable[tuple[tarfile.TarInfo, bytes | None]] = (),
) -> bytes:
    """A ``.tar.gz`` laid out like GitHub's: top folder, folder entries, pax comment = sha."""
    buffer = io.BytesIO()
    pax = {"comment": sha} if sha else None
    with tarfile.open(
        fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT, pax_headers=pax
    ) as archive:
        top = prefix.rstrip("/")
        archive.addfile(_dir(top))
        made = {top}
        for rel in sorted(files):
            parts = rel.split("/")
            for depth in range(1, len(parts)):
                folder = f"{top}/" + "/".join(parts[:depth])
                if folder not in made:
                    made.add(folder)
                    archive.addfile(_dir(folder))
            info = tarfile.TarInfo(f"{top}/{rel}")
            info.size, info.mode, info.mtime = len(files[rel]), 0o664, MTIME
            archive.addfile(info, io.BytesIO(files[rel]))
        for info, data in extra:
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def member(name: str, kind: bytes = tarfile.REGTYPE, data: bytes = b"", **attrs):
    """One crafted archive entry: ``(TarInfo, body)`` for ``make_tarball(extra=...)``."""
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.mtime = kind, 0o664, MTIME
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    for key, value in attrs.items():
        setattr(info, key, value)
    return info, (data if kind == tarfile.REGTYPE else None)


def _dir(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o775, MTIME
    return info


def repo_like(template: dict, name: str, repo_id: int, **fields) -> dict:
    """A copy of a recorded repository object renamed to ``name``: every URL follows."""
    old = template["full_name"]
    owner = old.split("/")[0]
    data = json.loads(json.dumps(template).replace(old, f"{owner}/{name}"))
    data.update(name=name, id=repo_id, node_id=f"R_kgDO{repo_id:08d}", **fields)
    return data


def primary_limit(reset: float) -> dict[str, str]:
    return {
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-used": "5000",
        "x-ratelimit-reset": str(int(reset)),
        "x-ratelimit-resource": "core",
    }


@dataclass
class Hit:
    host: str  # "api" or "codeload"
    method: str
    path: str  # without the Enterprise prefix
    raw_path: str  # as requested
    query: str
    status: int
    kind: str
    authorization: str | None
    if_none_match: str | None
    accept: str | None


class FakeGitHub:
    def __init__(
        self,
        api: HTTPServer,
        codeload: HTTPServer,
        *,
        prefix: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.api, self.codeload = api, codeload
        self.prefix = prefix
        self.clock = clock
        self.token = "ghp_0123456789abcdefTESTTOKEN0123456789"
        self.app: dict | None = None  # see enable_app
        self.installation_tokens: dict[str, tuple[int, float]] = {}
        self.token_requests: list[dict] = []
        self.jwt_claims: list[dict] = []
        self.repos: dict[str, dict] = {}
        self.heads: dict[str, str] = {}
        self.archives: dict[tuple[str, str], bytes | Callable[[], Response]] = {}
        self.page_size = 100
        self.remaining = 5000
        self.log: list[Hit] = []
        self.injected: dict[str, list[Callable[[Request], Response]]] = {}
        self._pushes = 0
        api.expect_request(re.compile(".*")).respond_with_handler(self._api)
        codeload.expect_request(re.compile(".*")).respond_with_handler(self._codeload)

    # -- set-up -------------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        return self.api.url_for(self.prefix or "/").rstrip("/")

    def add_repo(self, data: dict, files: Mapping[str, bytes] | None = None, **push) -> dict:
        self.repos[data["full_name"]] = data
        if files is not None:
            self.push(data["full_name"], files, **push)
        return data

    def push(
        self,
        full_name: str,
        files: Mapping[str, bytes],
        *,
        extra: Iterable[tuple[tarfile.TarInfo, bytes | None]] | Callable = (),
        archive: bytes | Callable[[], Response] | None = None,
    ) -> str:
        """A new head commit on the default branch with these files; its sha.

        ``extra``: crafted archive entries, or a callable given the top folder's name.
        """
        self._pushes += 1
        digest = hashlib.sha1(f"{full_name}:{self._pushes}".encode())
        for rel in sorted(files):
            digest.update(rel.encode() + b"\0" + files[rel])
        sha = digest.hexdigest()
        owner, name = full_name.split("/")
        top = f"{owner}-{name}-{sha[:7]}"
        extra = list(extra(top) if callable(extra) else extra)
        if archive is None:
            archive = make_tarball(top, files, sha=sha, extra=extra)
        self.archives[(full_name, sha)] = archive
        self.heads[full_name] = sha
        return sha

    def enable_app(self, app_id: str, public_key, installations: list[dict]) -> None:
        self.app = {"app_id": app_id, "public_key": public_key, "installations": installations}

    def inject(self, kind: str, status: int, body: object = None, headers=None, times=1) -> None:
        """Answer the next ``times`` requests of ``kind`` with this instead."""

        def answer(request: Request) -> Response:
            return _json_response(status, body, headers)

        self.injected.setdefault(kind, []).extend([answer] * times)

    # -- what happened ------------------------------------------------------------------
    def hits(self, kind: str | None = None, host: str | None = None) -> list[Hit]:
        return [
            hit
            for hit in self.log
            if (kind is None or hit.kind == kind) and (host is None or hit.host == host)
        ]

    def counted(self) -> list[Hit]:
        """API requests that cost rate limit: everything but 304 (codeload is not the API)."""
        return [hit for hit in self.log if hit.host == "api" and hit.status != 304]

    def reset_log(self) -> None:
        self.log.clear()

    # -- the API ------------------------------------------------------------------------
    def _api(self, request: Request) -> Response:
        path = request.path
        if self.prefix:
            if not path.startswith(self.prefix + "/"):
                return self._record(request, "api", path, "unknown", _not_found())
            path = path[len(self.prefix) :]
        kind = _kind(request.method, path)
        queue = self.injected.get(kind)
        response = queue.pop(0)(request) if queue else self._route(request, path, kind)
        if "x-ratelimit-remaining" not in response.headers:
            if response.status_code != 304:
                self.remaining -= 1
            response.headers.update(
                {
                    "x-ratelimit-limit": "5000",
                    "x-ratelimit-remaining": str(self.remaining),
                    "x-ratelimit-used": str(5000 - self.remaining),
                    "x-ratelimit-reset": str(int(self.clock()) + 3600),
                    "x-ratelimit-resource": "core",
                }
            )
        return self._record(request, "api", path, kind, response)

    def _record(self, request: Request, host: str, path: str, kind: str, response: Response):
        self.log.append(
            Hit(
                host=host,
                method=request.method,
                path=path,
                raw_path=request.path,
                query=request.query_string.decode(),
                status=response.status_code,
                kind=kind,
                authorization=request.headers.get("Authorization"),
                if_none_match=request.headers.get("If-None-Match"),
                accept=request.headers.get("Accept"),
            )
        )
        return response

    def _route(self, request: Request, path: str, kind: str) -> Response:
        if path.startswith("/app/"):
            refused = self._check_jwt(request)
            if refused:
                return refused
            if kind == "installations":
                return _json_response(200, self.app["installations"] if self.app else [])
            if kind == "installation_token":
                return self._mint(request, int(path.split("/")[3]))
            return _not_found()
        account = self._check_token(request)
        if isinstance(account, Response):
            return account
        parts = path.strip("/").split("/")
        if kind == "repos":
            org = parts[1] if parts[0] == "orgs" else {str(ORG_ID): ORG}.get(parts[1], "")
            if org.lower() != ORG and not self._owned(org):
                return _not_found()
            return self._page(request, self._owned(org))
        if kind == "installation_repos":
            return self._page(request, self._owned(account), key="repositories")
        if kind in ("commit", "tarball"):
            full_name = f"{parts[1]}/{parts[2]}"
            if full_name not in self.repos or (account and parts[1].lower() != account):
                return _not_found()
            if kind == "commit":
                return self._commit(request, full_name, "/".join(parts[4:]))
            return self._tarball(request, full_name, "/".join(parts[4:]))
        return _not_found()

    def _owned(self, owner: str) -> list[dict]:
        return [r for r in self.repos.values() if r["owner"]["login"].lower() == owner.lower()]

    def _page(self, request: Request, items: list[dict], key: str | None = None) -> Response:
        size = min(int(request.args.get("per_page", 30)), self.page_size)
        page = int(request.args.get("page", 1))
        chunk = items[(page - 1) * size : page * size]
        last = max(1, -(-len(items) // size))
        body = {"total_count": len(items), "repository_selection": "selected", key: chunk}
        response = _json_response(200, body if key else chunk)
        if key:
            base = f"{self.api_url}/installation/repositories?per_page={size}"
        else:
            base = f"{self.api_url}/organizations/{ORG_ID}/repos?per_page={size}&type=all"
        links = []
        if page < last:
            links.append(f'<{base}&page={page + 1}>; rel="next"')
            links.append(f'<{base}&page={last}>; rel="last"')
        if page > 1:
            links.insert(0, f'<{base}&page={page - 1}>; rel="prev"')
            links.append(f'<{base}&page=1>; rel="first"')
        if links:
            response.headers["Link"] = ", ".join(links)
        return response

    def _commit(self, request: Request, full_name: str, ref: str) -> Response:
        repo = self.repos[full_name]
        sha = self.heads.get(full_name)
        if sha is None:
            return _json_response(409, load("errors.json")["empty_repository"])
        if ref not in (repo["default_branch"], sha):
            return _json_response(422, {"message": f"No commit found for SHA: {ref}"})
        etag = f'"{sha}"'
        if request.headers.get("If-None-Match") in (etag, f"W/{etag}"):
            return Response(b"", status=304, headers={"ETag": etag})
        if "application/vnd.github.sha" in (request.headers.get("Accept") or ""):
            return Response(
                sha.encode(),
                status=200,
                headers={"ETag": etag},
                content_type="application/vnd.github.sha; charset=utf-8",
            )
        return _json_response(200, {"sha": sha, "node_id": "C_x"}, {"ETag": 'W/"json"'})

    def _tarball(self, request: Request, full_name: str, ref: str) -> Response:
        sha = self.heads.get(full_name) if ref == self.repos[full_name]["default_branch"] else ref
        if (full_name, sha) not in self.archives:
            return _not_found()
        location = self.codeload.url_for(f"/{full_name}/legacy.tar.gz/{sha}?token={CODELOAD_TOKEN}")
        return Response(b"", status=302, headers={"Location": location}, content_type="text/html")

    def _codeload(self, request: Request) -> Response:
        parts = request.path.strip("/").split("/")
        response: Response
        if len(parts) != 4 or request.args.get("token") != CODELOAD_TOKEN:
            response = Response(b"404: Not Found", status=404, content_type="text/plain")
        else:
            archive = self.archives.get((f"{parts[0]}/{parts[1]}", parts[3]))
            if archive is None:
                response = Response(b"404: Not Found", status=404, content_type="text/plain")
            elif callable(archive):
                response = archive()
            else:
                filename = f"{parts[0]}-{parts[1]}-{parts[3][:7]}.tar.gz"
                response = Response(
                    archive,
                    status=200,
                    content_type="application/x-gzip",
                    headers={"Content-Disposition": f"attachment; filename={filename}"},
                )
        return self._record(request, "codeload", request.path, "codeload", response)

    # -- auth ---------------------------------------------------------------------------
    def _check_token(self, request: Request) -> str | Response:
        """'' for the personal token, the installation's account login for an App token."""
        auth = request.headers.get("Authorization", "")
        if not self.app and auth == f"Bearer {self.token}":
            return ""
        if self.app and auth.startswith("Bearer ghs_"):
            known = self.installation_tokens.get(auth.removeprefix("Bearer "))
            if known and known[1] > self.clock():
                for item in self.app["installations"]:
                    if item["id"] == known[0]:
                        return item["account"]["login"].lower()
        return _json_response(401, load("errors.json")["bad_credentials"])

    def _check_jwt(self, request: Request) -> Response | None:
        refused = _json_response(
            401,
            {
                "message": "A JSON web token could not be decoded",
                "documentation_url": "https://docs.github.com/rest",
                "status": "401",
            },
        )
        if not self.app:
            return refused
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(
                token,
                self.app["public_key"],
                algorithms=["RS256"],
                options={
                    "require": ["iat", "exp", "iss"],
                    "verify_exp": False,
                    "verify_iat": False,
                },
            )
        except jwt.PyJWTError:
            return refused
        now = self.clock()
        if str(claims["iss"]) != self.app["app_id"]:
            return refused
        if claims["exp"] <= now or claims["exp"] - now > 600 or claims["iat"] > now + 60:
            return _json_response(
                401, {"message": "'Expiration time' claim ('exp') is too far in the future"}
            )
        self.jwt_claims.append(claims)
        return None

    def _mint(self, request: Request, installation_id: int) -> Response:
        if not any(item["id"] == installation_id for item in self.app["installations"]):
            return _not_found()
        self.token_requests.append(
            {"installation": installation_id, "body": json.loads(request.data or b"{}")}
        )
        token = f"ghs_{installation_id}x{len(self.token_requests):04d}TESTINSTALLATIONTOKEN"
        expires = self.clock() + 3600
        self.installation_tokens[token] = (installation_id, expires)
        body = load("installation_token.json")
        body.update(
            token=token,
            expires_at=datetime.fromtimestamp(int(expires), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        return _json_response(201, body)


def _kind(method: str, path: str) -> str:
    parts = path.strip("/").split("/")
    if path == "/app/installations":
        return "installations"
    if method == "POST" and re.fullmatch(r"/app/installations/\d+/access_tokens", path):
        return "installation_token"
    if path == "/installation/repositories":
        return "installation_repos"
    if len(parts) == 3 and parts[0] in ("orgs", "organizations") and parts[2] == "repos":
        return "repos"
    if len(parts) >= 5 and parts[0] == "repos" and parts[3] == "commits":
        return "commit"
    if len(parts) >= 5 and parts[0] == "repos" and parts[3] == "tarball":
        return "tarball"
    return "unknown"


def _json_response(status: int, body: object = None, headers=None) -> Response:
    data = b"" if body is None else json.dumps(body).encode()
    return Response(
        data,
        status=status,
        headers=dict(headers or {}),
        content_type="application/json; charset=utf-8",
    )


def _not_found() -> Response:
    return _json_response(404, load("errors.json")["not_found"])
