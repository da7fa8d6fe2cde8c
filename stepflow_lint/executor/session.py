"""How a command runs flows: the engine config, the components, the limits; one input at a time."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .components import Router
from .components.simulate import LatencyTable, Simulator
from .config import EngineConfig, config_from_data, default_config, find_config, load_config
from .errors import ExecutorError
from .load import LoadedFlow
from .scheduler import DEFAULT_MAX_CONCURRENCY, BlobStore, RunReport, run_plan

@dataclass
class SessionOptions:
    config_path: Path | None = None     # the engine config; found beside the flow when None
    simulate: bool = False
    latency: Any = None                  # simulate: {glob: ms}, or anything with `.of(component) -> ms`
    ordering_fields: tuple[str, ...] = ()  # simulate: input fields taken as ordering-only (SF201's list)
    catalog: Any = None                  # component catalog: input schemas for simulate mode
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY
    timeout_s: float | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    engine: str | None = None            # None: the reference executor; a URL or "local": the real engine


class Session:
    """Runs inputs of one flow with one set of components (the same before and after a fix)."""

    def __init__(self, flow: LoadedFlow, options: SessionOptions, *, for_tests: bool = False):
        self.flow = flow
        self.options = options
        found = find_config(flow.path, options.config_path, for_tests=for_tests, test_block=flow.data.get("test"))
        base = flow.path.parent.resolve() if flow.path is not None else Path.cwd()
        if isinstance(found, dict):  # the flow's inline `test.config`
            self.config: EngineConfig = config_from_data(found, base, flow.path)
        elif found is not None:
            if not found.is_file():
                raise ExecutorError(f"{found}: engine config not found")
            self.config = load_config(found)
        else:
            self.config = default_config(base)
        self.router = Router(self.config, self._simulator() if options.simulate else None)

    def _simulator(self) -> Simulator:
        latency = self.options.latency
        if latency is None or isinstance(latency, dict):
            latency = LatencyTable(latency or {})
        return Simulator(latency, self.options.catalog, self.options.ordering_fields)

    def missing_components(self) -> list[str]:
        """Why steps the run needs cannot run here (a component nothing answers), before running."""
        problems = []
        for sid in self.flow.plan.needed:
            why = self.router.describe_missing(self.flow.plan.steps[sid].component)
            if why is not None:
                problems.append(f"step {sid!r}: {why}")
        return problems

    def run(self, input_value: Any) -> RunReport:
        return asyncio.run(self.run_async(input_value))

    async def run_async(self, input_value: Any) -> RunReport:
        coroutine = run_plan(self.flow.plan, input_value, self.router, variables=self.options.variables,
                             max_concurrency=self.options.max_concurrency)
        if self.options.timeout_s is None:
            return await coroutine
        try:
            return await asyncio.wait_for(coroutine, self.options.timeout_s)
        except asyncio.TimeoutError:
            message = f"the run exceeded --timeout {self.options.timeout_s:g}s"
            return RunReport({"outcome": "failed", "error": {"code": "TIMEOUT", "message": message}}, [],
                             self.options.timeout_s * 1000, BlobStore())
