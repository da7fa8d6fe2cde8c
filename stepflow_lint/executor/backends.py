"""Where a flow runs: the reference executor, or a real `stepflow-server` (`--engine URL|local`).

Both answer one input with the flow result in the engine's shape; the
reference executor also says when each step ran (for timelines and profiles).
"""

from __future__ import annotations

import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from typing import Any

from .errors import ExecutorError
from .load import LoadedFlow
from .scheduler import RunReport
from .session import Session, SessionOptions


DEFAULT_ENGINE_CONFIG = {"plugins": {"builtin": {"type": "builtin"}}, "routes": {"/builtin": [{"plugin": "builtin"}]}}


@dataclass
class Outcome:
    result: dict[str, Any]
    makespan_ms: float
    report: RunReport | None = None   # None from the real engine (it reports no per-step times)
    numeric: bool = False             # numbers crossed the REST API: compare them by value


class ReferenceBackend:
    name = "reference executor"

    def __init__(self, flow: LoadedFlow, options: SessionOptions, *, for_tests: bool = False):
        self.session = Session(flow, options, for_tests=for_tests)

    def __enter__(self) -> "ReferenceBackend":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def missing_components(self) -> list[str]:
        return self.session.missing_components()

    def run(self, input_value: Any) -> Outcome:
        report = self.session.run(input_value)
        return Outcome(report.result, report.makespan_ms, report)


class EngineBackend:
    """The flow stored once on a real engine, then run input by input over REST."""

    def __init__(self, flow: LoadedFlow, options: SessionOptions, *, for_tests: bool = False):
        from .remote import RemoteEngine
        self.flow = flow
        self.options = options
        self._stack = ExitStack()
        target = options.engine or ""
        if target == "local":
            self._server = local_server(flow, options, for_tests=for_tests)
            self.name = "stepflow-server (local)"
        elif target.startswith(("http://", "https://")):
            self._server = None
            self.engine = self._client(RemoteEngine(target))
            self.name = f"stepflow-server at {target}"
        else:
            raise ExecutorError(f"--engine {target!r}: expected a URL (http://host:port) or `local`")

    def __enter__(self) -> "EngineBackend":
        if self._server is not None:
            self._stack.enter_context(self._server)
            self.engine = self._client(self._server.engine())
        try:
            self.flow_id = self.engine.store_flow(self.flow.data)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def _client(self, engine):
        if self.options.timeout_s is not None:
            engine.request_timeout = self.options.timeout_s
        return engine

    def missing_components(self) -> list[str]:
        return []  # the engine says so itself, in the run's result

    def run(self, input_value: Any) -> Outcome:
        from .remote import EngineTimeout
        started = time.perf_counter()
        try:
            result = self.engine.run(self.flow_id, input_value, self.options.variables or None,
                                     self.options.max_concurrency)
        except EngineTimeout:
            message = f"the run exceeded --timeout {self.options.timeout_s:g}s"
            result = {"outcome": "failed", "error": {"code": "TIMEOUT", "message": message}}
        return Outcome(result, (time.perf_counter() - started) * 1000, None, numeric=True)


def open_backend(flow: LoadedFlow, options: SessionOptions, *, for_tests: bool = False):
    if options.engine:
        return EngineBackend(flow, options, for_tests=for_tests)
    return ReferenceBackend(flow, options, for_tests=for_tests)


def local_server(flow: LoadedFlow, options: SessionOptions, *, for_tests: bool = False):
    """A `stepflow-server` to start with the engine config the flow would use (not started yet)."""
    from .config import find_config
    from .remote import LocalServer
    found = find_config(flow.path, options.config_path, for_tests=for_tests, test_block=flow.data.get("test"))
    if isinstance(found, dict):
        return LocalServer(None, found)
    if found is not None:
        return LocalServer(found.resolve())
    return LocalServer(None, DEFAULT_ENGINE_CONFIG)


@contextmanager
def shared_engine(flow: LoadedFlow, options: SessionOptions, *, for_tests: bool = False):
    """Options whose `--engine local` is one server started here, so several backends share it."""
    if options.engine != "local":
        yield options
        return
    with local_server(flow, options, for_tests=for_tests) as server:
        yield replace(options, engine=server.url)
