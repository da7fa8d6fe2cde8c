"""Simulate mode: a component with no implementation here answers a value derived from its input.

The value depends only on the input fields the component is known to read
(its input schema in the component catalog), or, when its schema is unknown,
on every field but the ordering-only ones (the commands pass SF201's list:
`previous`, `after`, …). So removing a false dependency leaves the result equal while the run
gets shorter: what `--fix --verify` needs to prove. Each call waits the
latency the config's patterns give (`[rules.SF201] latency-ms`, `--latency`).
"""

from __future__ import annotations

import asyncio
import fnmatch
from typing import Any

from ..values import canonical_digest


def _norm(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


DEFAULT_LATENCY_MS = 100.0  # as SF201's `default-latency-ms`


class LatencyTable:
    """Milliseconds per component: the first matching glob wins, the default for the rest."""

    def __init__(self, table: dict[str, float], default: float = DEFAULT_LATENCY_MS):
        self.table = table
        self.default = default

    def of(self, component: str) -> float:
        for pattern, ms in self.table.items():
            if fnmatch.fnmatchcase(component, pattern):
                return float(ms)
        return self.default


class SimulatedValue(dict):
    """A simulated result: `{simulated, digest}`; reading a field it lacks gives a value derived from both.

    Flows read fields of real results (`{$step: user, path: name}`); a simulated
    result answers any such read with a deterministic value instead of failing.
    """

    def child(self, segment: str | int) -> "SimulatedValue":
        return SimulatedValue(simulated=f"{self['simulated']}{_segment_text(segment)}",
                              digest=canonical_digest([self["digest"], segment])[:16])


def _segment_text(segment: str | int) -> str:
    return f"[{segment}]" if isinstance(segment, int) else f".{segment}"


class Simulator:
    def __init__(self, latency, catalog=None, ordering_fields: list[str] | tuple[str, ...] = ()):
        self.latency = latency          # anything with `.of(component) -> ms` (LatencyTable, analysis.Latency)
        self.catalog = catalog
        self.ordering = {_norm(name) for name in ordering_fields}

    def read_fields(self, component: str, value: Any) -> Any:
        """The part of the input the component is taken to read."""
        if not isinstance(value, dict):
            return value
        info = self.catalog.lookup(component) if self.catalog is not None else None
        accepted = info.accepted_fields if info is not None else None
        if accepted is not None:
            return {k: v for k, v in value.items() if k in accepted}
        return {k: v for k, v in value.items() if _norm(k) not in self.ordering}

    def component(self, path: str):
        delay_ms = self.latency.of(path) if self.latency is not None else 0.0

        async def simulated(value: Any, call) -> Any:
            if delay_ms:
                await asyncio.sleep(delay_ms / 1000)
            return SimulatedValue(simulated=path, digest=canonical_digest([path, self.read_fields(path, value)])[:16])

        simulated.simulated = True  # type: ignore[attr-defined]
        return simulated
