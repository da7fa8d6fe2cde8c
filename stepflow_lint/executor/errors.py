"""Error codes and the two kinds of failure: a step's (part of the result) and the command's (bad input)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The engine's TaskErrorCode names (ENGINE.md), in its numbering.
ERROR_CODES = ("UNSPECIFIED", "TIMEOUT", "INVALID_INPUT", "COMPONENT_FAILED", "CANCELLED", "UNREACHABLE",
               "COMPONENT_NOT_FOUND", "RESOURCE_UNAVAILABLE", "EXPRESSION_FAILURE", "ORCHESTRATOR_ERROR",
               "WORKER_ERROR")
RETRIED_CODES = frozenset({"COMPONENT_FAILED", "RESOURCE_UNAVAILABLE"})  # by `onError: retry`


@dataclass(eq=False)
class StepError(Exception):
    """A failure that becomes part of the flow result: `{code, message, data?}`."""

    code: str
    message: str
    data: Any = None
    # Raised by the component itself (onError applies), not by input resolution or routing.
    from_component: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def shape(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


class PluginError(Exception):
    """A plugin-level failure (bad builtin input, a mock with no matching behavior).

    The engine reports these as UNREACHABLE `step "<id>" failed` after retrying
    them as transport errors for seconds; the executor fails at once and keeps
    the reason in the message.
    """


class ExecutorError(Exception):
    """The command cannot run the flow at all (bad input, bad config, unreachable engine): exit 2."""


class FlowDefinitionError(ExecutorError):
    """The flow holds something the engine refuses when it loads the flow (it answers 400)."""
