"""Which files to lint, and whether a YAML file is a Stepflow flow at all."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

YAML_SUFFIXES = (".yaml", ".yml")
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox",
                          ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist", "target"})

_FLOW_TEXT = re.compile(r"^(steps|schema)\s*:|^\s*-?\s*component\s*:\s*['\"]?/|\$(step|from)\b", re.MULTILINE)


def iter_yaml_files(directory: Path) -> Iterator[Path]:
    """YAML files below ``directory``, sorted, skipping VCS, virtualenv and build folders."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(YAML_SUFFIXES):
                yield Path(root) / name


def _keys(node: MappingNode) -> set[str]:
    return {k.value for k, _ in node.value if isinstance(k, ScalarNode)}


@dataclass(frozen=True)
class NotAFlow:
    reason: str
    recognised: bool  # a known other kind of YAML, skipped even when named explicitly


def not_a_flow(root: Node | None, text: str, path: Path) -> NotAFlow | None:
    """Why this YAML is not a flow (Kubernetes manifest, engine config, CI file…), or None for a flow.

    ``root`` is None when the file did not parse; the text then decides.
    """
    if root is None:
        if _FLOW_TEXT.search(text):
            return None
        return NotAFlow("empty" if not text.strip() else "it does not look like a Stepflow flow", False)
    if not isinstance(root, MappingNode):
        return NotAFlow("its root is not a mapping", False)
    keys = _keys(root)
    if "steps" in keys:
        return None
    if {"apiVersion", "kind"} <= keys:
        return NotAFlow("a Kubernetes manifest", True)
    if keys & {"plugins", "routes", "stateStore", "blobStore"} or path.name.startswith("stepflow-config"):
        return NotAFlow("a Stepflow engine config", True)
    if keys & {"jobs", "on", "stages", "pipeline", "workflows", "repos"}:
        return NotAFlow("a CI configuration", True)
    if "schema" in keys or "output" in keys or "outputs" in keys:
        return None
    return NotAFlow("it has no `steps`", False)
