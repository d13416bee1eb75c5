"""A stateful Kubernetes API (kmock's emulator) on a loopback port, for the official client.

The emulator runs its own event loop in a thread, so the synchronous collector talks to it over
real HTTP exactly as it talks to a cluster. ``forbid`` makes chosen resources answer 403 to list
requests, as an API server does when the scanner's role lacks ``list`` on them.

kmock ignores ``limit``/``continue``; this subclass pages list answers as an API server does
(stable order, an opaque continue token, ``resourceVersion`` on the list) and, after
``expire_continue_tokens()``, answers the next request carrying a token ``410 Gone`` with the
``Expired`` status a compacted etcd produces, so a client must list again from the start.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp.web
import kmock
import yaml
from kubernetes import config as k8s_config
from kubernetes import utils as k8s_utils


class _Emulator(kmock.KubernetesEmulator):
    forbidden: frozenset[str] = frozenset()
    generation: int = 1  # continue tokens of older generations are expired
    expire_next: bool = False
    gone_answers: int = 0
    pages: int = 0

    async def _handle(self, request):
        resource = request.resource
        token = request.params.get("continue") if resource is not None else None
        if token and request.action == kmock.action.LIST and self._expired(token):
            self.gone_answers += 1
            status = {
                "kind": "Status",
                "apiVersion": "v1",
                "status": "Failure",
                "reason": "Expired",
                "code": 410,
                "message": "The provided continue parameter is too old to display a consistent "
                "list result. You can start a new list without the continue parameter.",
            }
            return aiohttp.web.json_response(status, status=410)
        if (
            resource is not None
            and request.action == kmock.action.LIST
            and resource.plural in self.forbidden
        ):
            status = {
                "kind": "Status",
                "apiVersion": "v1",
                "status": "Failure",
                "reason": "Forbidden",
                "code": 403,
                "message": f'{resource.plural} is forbidden: User "scanner" cannot list '
                f'resource "{resource.plural}"',
            }
            return aiohttp.web.json_response(status, status=403)
        return await super()._handle(request)

    def _expired(self, token: str) -> bool:
        if self.expire_next:
            self.expire_next = False
            self.generation += 1
        return token.partition(":")[0] != str(self.generation)

    async def _serve_list(self, request):
        payload = await super()._serve_list(request)
        self.pages += 1
        limit = int(request.params.get("limit") or 0)
        items = sorted(payload["items"], key=_list_order)
        start = int((request.params.get("continue") or "0:0").partition(":")[2])
        end = start + limit if limit > 0 else len(items)
        metadata = {"resourceVersion": str(self.generation)}
        if end < len(items):
            metadata["continue"] = f"{self.generation}:{end}"
        return {"metadata": metadata, "items": items[start:end]}


def _list_order(item: dict) -> tuple[str, str]:
    metadata = item.get("metadata") or {}
    return str(metadata.get("namespace") or ""), str(metadata.get("name") or "")


class EmulatedCluster:
    def __init__(self, emulator: _Emulator, port: int, kubeconfig: Path) -> None:
        self.emulator = emulator
        self.port = port
        self.kubeconfig = kubeconfig

    def forbid(self, *plurals: str) -> None:
        self.emulator.forbidden = frozenset(plurals)

    def expire_continue_tokens(self) -> None:
        """The next request carrying a continue token is answered 410 Gone (etcd compacted)."""
        self.emulator.expire_next = True

    def client(self):
        """An official-client ``ApiClient`` for this cluster (the caller closes it)."""
        return k8s_config.new_client_from_config(config_file=str(self.kubeconfig))

    def load(self, path: Path, namespace: str) -> int:
        """Create every document of a manifest file in ``namespace``; how many were created."""
        api = k8s_config.new_client_from_config(config_file=str(self.kubeconfig))
        created = 0
        try:
            for document in yaml.safe_load_all(path.read_text()):
                if not isinstance(document, dict) or document.get("kind") == "Namespace":
                    continue  # the emulator answers 500 to Namespace objects
                document.setdefault("metadata", {})["namespace"] = namespace
                k8s_utils.create_from_dict(api, document, namespace=namespace)
                created += 1
        finally:
            api.close()
        return created


@contextmanager
def emulated_cluster(workdir: Path, context: str = "emulated") -> Iterator[EmulatedCluster]:
    started = threading.Event()
    state: dict = {}

    async def serve() -> None:
        async with _Emulator() as emulator, kmock.Server(emulator) as server:
            emulator.resources.load_bundled()
            state.update(emulator=emulator, port=server.port, stop=asyncio.Event())
            state["loop"] = asyncio.get_running_loop()
            started.set()
            await state["stop"].wait()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    if not started.wait(15):
        raise RuntimeError("the Kubernetes emulator did not start")
    kubeconfig = workdir / "kubeconfig"
    kubeconfig.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [
                    {"name": context, "cluster": {"server": f"http://127.0.0.1:{state['port']}"}}
                ],
                "users": [{"name": "scanner", "user": {"token": "emulated"}}],
                "contexts": [{"name": context, "context": {"cluster": context, "user": "scanner"}}],
                "current-context": context,
            }
        )
    )
    try:
        yield EmulatedCluster(state["emulator"], state["port"], kubeconfig)
    finally:
        state["loop"].call_soon_threadsafe(state["stop"].set)
        thread.join(10)
