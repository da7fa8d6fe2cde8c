"""The real engine as a backend: a running `stepflow-server`, or one started for the command.

`--engine URL` sends the flow to a server over its REST API (`/api/v1`);
`--engine local` starts the `stepflow-server` binary shipped in the
`stepflow-orchestrator` wheel on a free 127.0.0.1 port and stops it when the
command ends. The REST transport turns every number into a float (ENGINE.md),
so results from here are compared numerically (see :func:`.compare.same_value`).
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from typing import Any

from .errors import ERROR_CODES, ExecutorError

_START_TIMEOUT_S = 45.0


class EngineTimeout(ExecutorError):
    """The engine did not answer in time (a run longer than --timeout)."""


class RemoteEngine:
    """A `stepflow-server` reached over HTTP. Never goes through a proxy."""

    def __init__(self, url: str, *, request_timeout: float = 300.0):
        self.url = url.rstrip("/")
        self.request_timeout = request_timeout
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def request(self, method: str, route: str, body: Any = None) -> tuple[int, Any]:
        """(HTTP status, parsed JSON or text) of ``method`` on the API's ``route`` with ``body`` as JSON."""
        data = json.dumps(body, allow_nan=False).encode() if body is not None else None
        return self.request_raw(method, "/api/v1" + route, data)

    def request_raw(self, method: str, path: str, data: bytes | None) -> tuple[int, Any]:
        """The same for any ``path`` of the server and a body that is already bytes (even invalid JSON)."""
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with self._opener.open(request, timeout=self.request_timeout) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, payload = exc.code, exc.read()
        except TimeoutError:
            raise EngineTimeout(f"the Stepflow engine at {self.url} did not answer within "
                                f"{self.request_timeout:g}s") from None
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            raise ExecutorError(f"cannot reach the Stepflow engine at {self.url}: {exc}") from None
        text = payload.decode("utf-8", "replace")
        try:
            return status, json.loads(text)
        except json.JSONDecodeError:
            return status, text

    def store_flow(self, flow: dict[str, Any]) -> str:
        status, payload = self.request("POST", "/flows", {"flow": flow})
        if status != 200 or not isinstance(payload, dict) or "flowId" not in payload:
            message = payload.get("error", {}).get("message") if isinstance(payload, dict) else payload
            raise ExecutorError(f"the engine at {self.url} refused the flow: {message or payload}")
        return payload["flowId"]

    def run(self, flow_id: str, input_value: Any, variables: dict[str, Any] | None = None,
            max_concurrency: int | None = None) -> dict[str, Any]:
        """Run one input; the result in the engine's shape (`{outcome, result|error}`)."""
        body: dict[str, Any] = {"flowId": flow_id, "input": [input_value], "wait": True}
        if variables:
            body["variables"] = variables
        if max_concurrency is not None:
            body["maxConcurrency"] = max_concurrency
        status, payload = self.request("POST", "/runs", body)
        if status != 200 or not isinstance(payload, dict):
            raise ExecutorError(f"the engine at {self.url} refused the run ({status}): {payload}")
        return run_result(payload)


def run_result(payload: dict[str, Any]) -> dict[str, Any]:
    """The single item's result of a `POST /runs` answer, in the flow result shape.

    The server answers `{itemIndex, status, output}` for a success and
    `{itemIndex, status, errorCode: N, errorMessage}` for a failure (codes by number).
    """
    items = payload.get("results") or []
    item = items[0] if items and isinstance(items[0], dict) else None
    if item is not None and "errorCode" in item:
        code = item["errorCode"]
        name = ERROR_CODES[code] if isinstance(code, int) and 0 <= code < len(ERROR_CODES) else str(code)
        error: dict[str, Any] = {"code": name, "message": item.get("errorMessage", "")}
        if item.get("errorData") is not None:
            error["data"] = item["errorData"]
        return {"outcome": "failed", "error": error}
    if item is not None and "output" in item:
        return {"outcome": "success", "result": item["output"]}
    raise ExecutorError(f"unexpected answer from the engine: {json.dumps(payload)[:500]}")


def server_binary() -> Path:
    try:
        import stepflow_orchestrator
    except ImportError:
        raise ExecutorError("--engine local needs the official engine: pip install stepflow-orchestrator "
                            "(or give --engine URL of a running stepflow-server)") from None
    binary = Path(stepflow_orchestrator.__file__).parent / "bin" / "stepflow-server"
    if not binary.exists():
        raise ExecutorError(f"stepflow-orchestrator is installed but has no server binary at {binary}")
    return binary


class LocalServer:
    """`stepflow-server` started on a free 127.0.0.1 port with a config file, stopped on exit."""

    def __init__(self, config_path: Path | None, config: dict[str, Any] | None = None):
        self.config_path = config_path
        self.config = config
        self.process: subprocess.Popen | None = None
        self.url: str | None = None
        self.output: deque[str] = deque(maxlen=50)

    def __enter__(self) -> "LocalServer":
        command = [str(server_binary()), "--port", "0", "--log-level", "error"]
        stdin = None
        if self.config_path is not None:
            command += ["--config", str(self.config_path)]
        else:
            command.append("--config-stdin")
            stdin = subprocess.PIPE
        self.process = subprocess.Popen(command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if stdin is not None:
            self.process.stdin.write(json.dumps(self.config or {}).encode())
            self.process.stdin.close()
        try:
            port = self._read_port()
            self.url = f"http://127.0.0.1:{port}"
            self._drain()
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def engine(self) -> RemoteEngine:
        assert self.url is not None
        return RemoteEngine(self.url)

    def _read_port(self) -> int:
        found: list[int] = []

        def read() -> None:
            for raw in iter(self.process.stdout.readline, b""):
                line = raw.decode("utf-8", "replace").strip()
                self.output.append(line)
                if line.startswith("{") and '"port"' in line:
                    try:
                        found.append(int(json.loads(line)["port"]))
                        return
                    except (ValueError, KeyError, TypeError):
                        continue

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(_START_TIMEOUT_S)
        if not found:
            error = ""
            try:
                self.process.wait(2)
                printed = "\n".join(self.output) + "\n" + self.process.stderr.read().decode("utf-8", "replace")
                error = _first_error(printed)
            except subprocess.TimeoutExpired:
                pass
            raise ExecutorError("stepflow-server did not start: " + (error.strip()[-800:] or "no port announced"))
        return found[0]

    def _drain(self) -> None:
        # Nothing reads the pipes after the port line: a full pipe would block the server.
        for stream in (self.process.stdout, self.process.stderr):
            threading.Thread(target=self._keep_tail, args=(stream,), daemon=True).start()

    def _keep_tail(self, stream) -> None:
        try:
            for raw in iter(stream.readline, b""):
                self.output.append(raw.decode("utf-8", "replace").rstrip())
        except (OSError, ValueError):
            pass

    def _wait_healthy(self) -> None:
        engine = RemoteEngine(self.url, request_timeout=2.0)
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ExecutorError("stepflow-server exited while starting:\n" + "\n".join(self.output))
            try:
                status, _ = engine.request("GET", "/health")
                if status == 200:
                    return
            except ExecutorError:
                pass
            time.sleep(0.05)
        raise ExecutorError("stepflow-server did not become healthy in time")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _first_error(text: str) -> str:
    """The lines of a server's error report that say what went wrong (not its backtrace)."""
    import re
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    lines = [line for line in plain.splitlines() if line.strip() and not re.match(r"\s*(\d+:|at |├╴at|backtrace)", line)]
    kept = [line for line in lines if "backtrace" not in line and "━" not in line]
    return "\n".join(kept[:12])
