"""What the engine does, by release: every fact that changed between versions, in one table.

Rules and the model ask :func:`engine_facts` for the configured `target-version`
(default :data:`CURRENT`) instead of knowing versions themselves. Each row was
read in upstream's changelog and source, and the current one re-checked
against `stepflow-server` (see ``tests/test_engine_behaviour.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

CURRENT = "0.13"


@dataclass(frozen=True, slots=True)
class EngineFacts:
    version: str
    # `skipIf` / `skip` on steps and `onSkip` on references: read until lazy evaluation replaced
    # them in 0.9 (upstream #454, December 2025); since then they are unknown keys, silently ignored.
    honours_skip: bool


_RELEASES = {
    "0.8": EngineFacts("0.8", honours_skip=True),
    "0.9": EngineFacts("0.9", honours_skip=False),
    "0.10": EngineFacts("0.10", honours_skip=False),
    "0.11": EngineFacts("0.11", honours_skip=False),
    "0.12": EngineFacts("0.12", honours_skip=False),
    "0.13": EngineFacts("0.13", honours_skip=False),
}
KNOWN_VERSIONS = tuple(_RELEASES)


def release(version: str) -> str | None:
    """The table's row for ``version`` (`0.12`, `0.12.1`, `v0.12`), or None when the table has none."""
    parts = version.strip().lstrip("v").split(".")
    key = ".".join(parts[:2])
    return key if key in _RELEASES and all(p.isdigit() for p in parts) else None


def engine_facts(version: str | None = None) -> EngineFacts:
    """The facts of ``version`` (a release :func:`release` knows), or of the current release."""
    key = release(version) if version else CURRENT
    if key is None:
        raise ValueError(f"unknown target version `{version}` (known: {', '.join(KNOWN_VERSIONS)})")
    return _RELEASES[key]


CURRENT_FACTS = engine_facts()
