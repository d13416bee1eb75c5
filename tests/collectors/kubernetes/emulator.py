"""A stateful Kubernetes API (kmock's emulator) on a loopback port, for the official client.

The emulator runs its own event loop in a thread, so the synchronous collector talks to it over
real HTTP exactly as it talks to a cluster. ``forbid`` makes chosen resources answer 403 to list
requests, as an API server does when the scanner's role lacks ``list`` on them.
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

    async def _handle(self, request):
        resource = request.resource
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


class EmulatedCluster:
    def __init__(self, emulator: _Emulator, port: int, kubeconfig: Path) -> None:
        self.emulator = emulator
        self.port = port
        self.kubeconfig = kubeconfig

    def forbid(self, *plurals: str) -> None:
        self.emulator.forbidden = frozenset(plurals)

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
