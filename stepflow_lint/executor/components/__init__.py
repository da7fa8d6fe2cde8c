"""Components the executor can call, and the router that finds them as the engine's routes do.

A component is an async callable ``(input, call) -> result`` that raises
:class:`..errors.StepError` for a failure the flow sees (onError applies) or
:class:`..errors.PluginError` for a plugin-level failure (the engine's
UNREACHABLE). :class:`Call` carries what a component may need from the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from ..config import EngineConfig
from ..errors import StepError
from .builtins import BUILTINS, extract
from .mock import MockComponent
from .simulate import Simulator

Component = Callable[[Any, "Call"], Awaitable[Any]]

AI_BUILTINS = ("openai",)  # the engine's builtins that call a model over the network


@dataclass
class Call:
    """One component call: the step, and the run it belongs to (subflows, blobs, the config directory)."""

    step_id: str
    component: str
    run: Any  # the scheduler's Run (typed loosely: components must not depend on the scheduler)


class Router:
    """component path -> component, following the config's routes; the guide's `/extract` always answers."""

    def __init__(self, config: EngineConfig, simulator: Simulator | None = None):
        self.config = config
        self.simulator = simulator
        self._cache: dict[str, Component] = {}

    def resolve(self, path: str) -> Component:
        found = self._cache.get(path)
        if found is None:
            found = self._cache[path] = self._find(path)
        return found

    def describe_missing(self, path: str) -> str | None:
        """Why ``path`` cannot run here (None when it can): for a clear message before a run starts."""
        routed = self.config.route(path)
        if routed is None:
            if path == "/extract" or self.simulator is not None:
                return None
            routes = ", ".join(prefix for prefix, _ in self.config.routes) or "none"
            where = self.config.path or "the default config (builtins under /builtin)"
            return f"component {path}: no route in {where} (routes: {routes})"
        plugin, local = routed
        if plugin.type == "builtin":
            name = local.lstrip("/")
            if name in BUILTINS:
                return None
            if self.simulator is not None:
                return None
            if name in AI_BUILTINS:
                return (f"component {path} calls an AI service: the executor never makes network calls; "
                        f"mock it in a stepflow-config.yml or run with --simulate")
            return f"component {path}: the builtin plugin has no component {name!r}"
        if plugin.type == "mock":
            if local in plugin.behaviors:
                return None
            return f"component {path}: mock plugin {plugin.name!r} has no component {local!r}"
        if self.simulator is not None:
            return None
        what = "Python code (never executed here)" if "python" in (plugin.type + plugin.name + path) else \
            f"a {plugin.type!r} plugin"
        return (f"component {path} is served by plugin {plugin.name!r}, {what}: mock it in a stepflow-config.yml "
                f"or run with --simulate")

    def _find(self, path: str) -> Component:
        routed = self.config.route(path)
        if routed is None:
            if path == "/extract":
                return extract
            if self.simulator is not None:
                return self.simulator.component(path)
            return _routing_error(path)
        plugin, local = routed
        if plugin.type == "builtin":
            name = local.lstrip("/")
            if name in BUILTINS:
                return BUILTINS[name]
            if self.simulator is not None:
                return self.simulator.component(path)
            if name in AI_BUILTINS:
                return _unavailable(path, True)
            return _routing_error(path)  # the engine's builtin plugin has no such component
        if plugin.type == "mock":
            if local in plugin.behaviors:
                return MockComponent(local, plugin.behaviors[local])
            return _missing_mock(path, plugin.name, local)
        if self.simulator is not None:
            return self.simulator.component(path)
        return _unavailable(path, False, plugin.name)


def _routing_error(path: str) -> Component:
    async def fail(_input: Any, _call: Call) -> Any:
        # The engine's message, word for word (no route is a routing failure: onError does not apply).
        raise StepError("ORCHESTRATOR_ERROR", "error routing component")
    fail.routing_failure = True  # type: ignore[attr-defined]
    return fail


def _unavailable(path: str, ai: bool, plugin: str | None = None) -> Component:
    from ..errors import PluginError

    async def fail(_input: Any, _call: Call) -> Any:
        if ai:
            raise PluginError(f"{path} calls an AI service and the executor never makes network calls: "
                              "mock it in a stepflow-config.yml or run with --simulate")
        raise PluginError(f"{path} runs in plugin {plugin!r}, which the executor cannot run: "
                          "mock it in a stepflow-config.yml or run with --simulate")
    return fail


def _missing_mock(path: str, plugin: str, local: str) -> Component:
    from ..errors import PluginError

    async def fail(_input: Any, _call: Call) -> Any:
        raise PluginError(f"mock plugin {plugin!r} has no component {local!r} (for {path})")
    return fail
