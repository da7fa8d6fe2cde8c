"""Mock plugin components: a behavior answers when the whole input equals its key as JSON."""

from __future__ import annotations

import json
from typing import Any

from ..errors import ERROR_CODES, PluginError, StepError
from ..values import strictly_equal


class MockComponent:
    """One mock component's behaviors, matched as the engine matches them (`1` ≠ `1.0`, key order free)."""

    def __init__(self, name: str, behaviors: list[tuple[Any, Any]]):
        self.name = name
        self.behaviors = behaviors

    async def __call__(self, value: Any, call) -> Any:
        for key, behavior in self.behaviors:
            if strictly_equal(key, value):
                return self._answer(behavior)
        raise PluginError(f"no behavior of mock {self.name} matches its input {json.dumps(value, sort_keys=True)} "
                          f"(the engine retries this as a transport error for seconds, then fails UNREACHABLE)")

    def _answer(self, behavior: Any) -> Any:
        if isinstance(behavior, dict) and "error" in behavior and "outcome" not in behavior:
            raise PluginError(f"mock {self.name} answers with error {behavior['error']!r}")
        if not isinstance(behavior, dict) or behavior.get("outcome") not in ("success", "failed"):
            raise PluginError(f"mock {self.name}: a behavior must be {{outcome: success, result}}, "
                              f"{{outcome: failed, error}} or {{error: text}}")
        if behavior["outcome"] == "success":
            return behavior.get("result")
        error = behavior.get("error") or {}
        code = error.get("code", "COMPONENT_FAILED")
        if isinstance(code, int) and 0 <= code < len(ERROR_CODES):
            code = ERROR_CODES[code]
        raise StepError(str(code), str(error.get("message", "")), error.get("data"), from_component=True)
