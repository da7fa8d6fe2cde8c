"""Which files to lint, and whether a YAML file is a Stepflow flow at all."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

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


_FLOW_KEYS = frozenset({"steps", "output", "schemas", "input_schema", "output_schema", "inputSchema",
                        "outputSchema"})
_KUBERNETES_TEXT = re.compile(r"^apiVersion\s*:.*^kind\s*:|^kind\s*:.*^apiVersion\s*:", re.MULTILINE | re.DOTALL)


def not_a_flow(root: Node | None, text: str, path: Path, *, multi_document: bool = False) -> NotAFlow | None:
    """Why this YAML is not a flow (Kubernetes manifest, engine config, CI file…), or None for a flow.

    ``root`` is None when the file did not parse; the text then decides, and ``multi_document``
    says the parser stopped at a second document (a Kubernetes manifest, most often).
    A ``recognised`` answer is skipped even when the file is named explicitly (pre-commit names
    every YAML file of a repository); the others only when found by walking a directory.
    """
    if root is None:
        if multi_document and _KUBERNETES_TEXT.search(text) and not _FLOW_TEXT.search(text):
            return NotAFlow("Kubernetes manifests (several YAML documents)", True)
        if _FLOW_TEXT.search(text):
            return None
        return NotAFlow("empty" if not text.strip() else "it does not look like a Stepflow flow", False)
    if isinstance(root, SequenceNode):
        items = [item for item in root.value if isinstance(item, MappingNode)]
        if items and len(items) == len(root.value) and not any("component" in _keys(i) for i in items):
            kind = "an Ansible playbook" if any(_keys(i) & {"hosts", "import_playbook"} for i in items) \
                else "pre-commit hook definitions" if any({"entry", "language"} <= _keys(i) for i in items) \
                else "a YAML list of mappings, not a flow"
            return NotAFlow(kind, True)
        return NotAFlow("its root is not a mapping", False)
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
    if "runs" in keys and path.stem == "action":
        return NotAFlow("a GitHub Action definition", True)
    if "services" in keys or path.name.startswith(("docker-compose", "compose.")):
        return NotAFlow("a Docker Compose file", True)
    if "site_name" in keys:
        return NotAFlow("an MkDocs configuration", True)
    if keys & {"openapi", "swagger"}:
        return NotAFlow("an OpenAPI document", True)
    if keys & _FLOW_KEYS or keys & {"schema", "outputs"}:
        return None
    if _FLOW_TEXT.search(text):
        return NotAFlow("it has no `steps`", False)
    return NotAFlow("it has no `steps` or any other flow key (Helm values, an app config…?)", True)
