"""The reference executor: runs a Stepflow flow the way the official engine does.

    plan      a flow's JSON data -> steps with compiled expressions (expressions.py, paths.py)
    scheduler asyncio, one task per needed step, the concurrency limit, onError
    components builtins, mock plugins, simulate mode, routed by the config (config.py)
    load      a flow file -> its JSON data -> plan (the commands lint it first: cli/flows.py)
    session   options -> router -> run one input, with a timeout
    testing   test cases compared as `stepflow test` does; performance_metrics matchers
    profile   per-step times, makespan, critical path, parallel efficiency
    verify    --fix --verify: same results before and after a fix
    remote    the real engine (`--engine URL|local`)

It reads the YAML layer and the flow's data, never the rules or the linter; nothing in the
linter imports it.
"""

from .errors import ExecutorError, FlowDefinitionError, PluginError, StepError
from .load import LoadedFlow, load_flow_bytes, load_flow_file, load_flow_text
from .plan import Plan, plan_flow
from .scheduler import DEFAULT_MAX_CONCURRENCY, RunReport, StepRecord
from .session import Session, SessionOptions

__all__ = [
    "DEFAULT_MAX_CONCURRENCY", "ExecutorError", "FlowDefinitionError", "LoadedFlow", "Plan",
    "PluginError", "RunReport", "Session", "SessionOptions", "StepError", "StepRecord", "load_flow_bytes",
    "load_flow_file", "load_flow_text", "plan_flow",
]
