"""Running a planned flow with the engine's semantics (ENGINE.md "Which steps run, and when", "onError").

One asyncio task per needed step: it waits for the steps it references,
takes a slot of the run's concurrency limit (10 by default, shared with
subflows), resolves its input, calls its component, and applies `onError`.
Nothing is fail-fast: a failed step only fails what reads it, and the run
fails exactly when its output expression fails.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from .components import Call, Router
from .errors import RETRIED_CODES, FlowDefinitionError, PluginError, StepError
from .expressions import Scope, StepOutcome
from .plan import Plan, PlannedStep, plan_flow

DEFAULT_MAX_CONCURRENCY = 10


@dataclass(slots=True)
class StepRecord:
    """When a step ran and how it ended (times in ms from the start of the run)."""

    id: str
    component: str
    start_ms: float = 0.0
    end_ms: float = 0.0
    status: str = "pending"        # success | failed
    attempts: int = 0
    waits_for: tuple[str, ...] = ()
    error: str | None = None

    @property
    def duration_ms(self) -> float:
        return self.end_ms - self.start_ms


class BlobStore:
    def __init__(self) -> None:
        self._blobs: dict[str, Any] = {}

    def put(self, blob_id: str, data: Any) -> None:
        self._blobs[blob_id] = data

    def get(self, blob_id: Any) -> tuple[bool, Any]:
        if isinstance(blob_id, str) and blob_id in self._blobs:
            return True, self._blobs[blob_id]
        return False, None

    def items(self):
        return self._blobs.items()


@dataclass(repr=False)
class RunReport:
    """A finished run: the result in the engine's shape, and what each top-level step did."""

    result: dict[str, Any]
    steps: list[StepRecord]
    makespan_ms: float
    blobs: BlobStore
    step_results: dict[str, Any] = field(default_factory=dict)
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY

    @property
    def succeeded(self) -> bool:
        return self.result.get("outcome") == "success"

    def __repr__(self) -> str:
        # Short on purpose: asyncio.run formats its main task's result (this report) once per run on
        # Python 3.11, and the generated repr of a thousand step records cost a fifth of a run's time.
        return f"RunReport({self.result.get('outcome')}, {len(self.steps)} steps, {self.makespan_ms:.1f} ms)"


class Runtime:
    """What a run shares with its subflows: components, the concurrency limit, blobs, the config directory."""

    def __init__(self, router: Router, *, max_concurrency: int = DEFAULT_MAX_CONCURRENCY):
        self.router = router
        self.max_concurrency = max_concurrency
        self.semaphore = asyncio.Semaphore(max_concurrency)
        self.blobs = BlobStore()
        self.config_directory = router.config.directory
        self.origin = time.perf_counter()

    def now_ms(self) -> float:
        return (time.perf_counter() - self.origin) * 1000


class Run:
    """One execution of one plan (a subflow run is another Run on the same runtime)."""

    def __init__(self, runtime: Runtime, plan: Plan, input_value: Any, variables: dict[str, Any] | None = None,
                 *, record: bool = True):
        self.runtime = runtime
        self.plan = plan
        self.scope = Scope(input_value, dict(variables or {}), plan.variable_defaults)
        self.variables = variables or {}
        self.records: dict[str, StepRecord] = {}
        self.record = record

    # what components reach through Call.run
    @property
    def blobs(self) -> BlobStore:
        return self.runtime.blobs

    @property
    def config_directory(self):
        return self.runtime.config_directory

    async def subflow(self, flow: Any, input_value: Any) -> dict[str, Any]:
        try:
            plan = plan_flow(flow)
        except FlowDefinitionError as exc:
            raise PluginError(f"the subflow is not a valid flow: {exc}") from None
        return await Run(self.runtime, plan, input_value, self.variables, record=False).execute()

    def subflow_run_id(self) -> str:
        return str(uuid.uuid4())

    async def execute(self) -> dict[str, Any]:
        """Run the needed steps, then evaluate the output: `{outcome, result}` or `{outcome, error}`.

        A step's task is created the moment the last step it references finishes (steps
        with no references start at once), so nothing sits waiting on events.
        """
        steps = self.plan.steps
        needed = self.plan.needed
        if needed:
            loop = asyncio.get_running_loop()
            self._finished = loop.create_future()
            self._pending = len(needed)
            self._tasks: set[asyncio.Task] = set()
            self._blocked = {sid: len(set(steps[sid].waits_for)) for sid in needed}
            self._dependents: dict[str, list[str]] = {}
            for sid in needed:
                for target in set(steps[sid].waits_for):
                    self._dependents.setdefault(target, []).append(sid)
            for sid in needed:
                if not self._blocked[sid]:
                    self._start(steps[sid])
            try:
                await self._finished
            except BaseException:
                for task in self._tasks:
                    task.cancel()
                raise
        try:
            return {"outcome": "success", "result": self.plan.output.evaluate(self.scope)}
        except StepError as error:
            return {"outcome": "failed", "error": error.shape()}

    def _start(self, step: PlannedStep) -> None:
        task = asyncio.ensure_future(self._run_step(step))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_step(self, step: PlannedStep) -> None:
        record = StepRecord(step.id, step.component, waits_for=step.waits_for)
        if self.record:
            self.records[step.id] = record
        try:
            outcome = await self._attempt(step, record)
        except BaseException as exc:  # cancelled, or a bug: the run stops with it
            if not self._finished.done():
                self._finished.set_exception(exc)
            raise
        self.scope.results[step.id] = outcome
        if outcome.error is not None:
            record.status = "failed"
            record.error = f"{outcome.error.code}: {outcome.error.message}"
        else:
            record.status = "success"
        for dependent in self._dependents.get(step.id, ()):
            self._blocked[dependent] -= 1
            if not self._blocked[dependent]:
                self._start(self.plan.steps[dependent])
        self._pending -= 1
        if not self._pending and not self._finished.done():
            self._finished.set_result(None)

    async def _attempt(self, step: PlannedStep, record: StepRecord) -> StepOutcome:
        runtime = self.runtime
        component = runtime.router.resolve(step.component)
        holds_slot = not getattr(component, "runs_subflows", False)  # waiting on subflows must not hold a slot
        if holds_slot:
            await runtime.semaphore.acquire()
        try:
            record.start_ms = runtime.now_ms()
            try:
                value = step.input.evaluate(self.scope)
            except StepError as error:  # an input that does not resolve fails the step; onError does not apply
                return StepOutcome(error=error)
            call = Call(step.id, step.component, self)
            action = step.on_error
            attempts = 1 + (action.max_retries if action.action == "retry" else 0)
            while True:
                record.attempts += 1
                try:
                    return StepOutcome(result=await component(value, call))
                except PluginError as exc:
                    # Measured: the engine applies useDefault to plugin-level errors too (after its
                    # transport retries); `retry` does not retry them (UNREACHABLE is not retried).
                    if action.action == "useDefault":
                        return StepOutcome(result=action.default_value)
                    return StepOutcome(error=StepError("UNREACHABLE", f'step "{step.id}" failed: {exc}'))
                except StepError as error:
                    if not error.from_component:
                        return StepOutcome(error=error)
                    if action.action == "useDefault":
                        return StepOutcome(result=action.default_value)
                    if action.action == "retry" and error.code in RETRIED_CODES and record.attempts < attempts:
                        continue
                    return StepOutcome(error=error)
                except (TypeError, ValueError, KeyError, AttributeError) as exc:
                    # A builtin given input of the wrong shape: a plugin-level error in the engine too.
                    return StepOutcome(error=StepError(
                        "UNREACHABLE", f'step "{step.id}" failed: {step.component} cannot use its input: {exc}'))
        finally:
            record.end_ms = runtime.now_ms()
            if holds_slot:
                runtime.semaphore.release()


async def run_plan(plan: Plan, input_value: Any, router: Router, *, variables: dict[str, Any] | None = None,
                   max_concurrency: int = DEFAULT_MAX_CONCURRENCY) -> RunReport:
    runtime = Runtime(router, max_concurrency=max_concurrency)
    run = Run(runtime, plan, input_value, variables)
    result = await run.execute()
    makespan = runtime.now_ms()
    records = [run.records[sid] for sid in plan.needed if sid in run.records]
    step_results = {sid: outcome.result for sid, outcome in run.scope.results.items() if outcome.error is None}
    return RunReport(result, records, makespan, runtime.blobs, step_results, max_concurrency)
