"""What the linter knows about components: input/output schemas by component path.

Three sources, later ones winning:

1. Stepflow's builtins, shipped as data (``stepflow_lint/data/builtins.json``,
   regenerated from the official engine by ``scripts/refresh_builtins.py``),
   reachable as ``/builtin/<name>`` and — lowest priority, for configs that
   route ``/`` to the builtin plugin — as ``/<name>``; plus the guide's
   ``/extract``.
2. Files named by ``--components`` / the config key ``components``: JSON as
   served by ``GET /api/v1/components`` (``{"components": [{"componentId" |
   "path", "inputSchema", "outputSchema", "description"}]}``), or a
   ``stepflow-config.yml`` whose ``type: mock`` plugins declare components,
   placed under the config's ``routes`` prefixes.
3. The flow's own ``schemas`` for step outputs (:func:`step_output_schema`).

``GET /components`` lists a plugin's components without the route prefix the
flow uses (``/openai``, not ``/builtin/openai``), so those entries also answer
for ``/<any one segment>/<name>`` — preferring the entry whose plugin is named
like that segment, and answering nothing when different plugins disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .schema import accepted_fields, flow_step_output_schemas, node_to_python

__all__ = ["Catalog", "CatalogError", "ComponentInfo", "accepted_fields", "builtin_catalog",
           "default_catalog", "load_catalog", "load_components_file", "step_output_schema"]


class CatalogError(ValueError):
    """A components file cannot be read or is not a catalog (message names the file)."""


@dataclass(frozen=True)
class ComponentInfo:
    path: str
    input_schema: dict | None = None
    output_schema: dict | None = None
    description: str | None = None
    source: str = ""          # "builtin", "guide" or the file it came from
    plugin: str | None = None

    @property
    def accepted_fields(self) -> frozenset[str] | None:
        """Input fields the component reads; ``None`` when its schema is open or unknown."""
        return accepted_fields(self.input_schema)


class Catalog:
    def __init__(self) -> None:
        self._exact: dict[str, ComponentInfo] = {}
        self._unrouted: dict[str, list[ComponentInfo]] = {}
        self._fallback: dict[str, ComponentInfo] = {}

    # -- building -------------------------------------------------------------
    def add(self, info: ComponentInfo, *, path: str | None = None) -> None:
        """Known under exactly ``path`` (default ``info.path``)."""
        self._exact[path or info.path] = info

    def add_unrouted(self, info: ComponentInfo) -> None:
        """Served under an unknown one-segment route prefix (``GET /components``)."""
        bucket = self._unrouted.setdefault(info.path, [])
        bucket[:] = [i for i in bucket if i.plugin != info.plugin] + [info]

    def add_fallback(self, info: ComponentInfo, path: str) -> None:
        self._fallback[path] = info

    def update(self, other: "Catalog") -> "Catalog":
        """Add everything ``other`` knows; its entries win."""
        self._exact.update(other._exact)
        for infos in other._unrouted.values():
            for info in infos:
                self.add_unrouted(info)
        self._fallback.update(other._fallback)
        return self

    def copy(self) -> "Catalog":
        return Catalog().update(self)

    # -- reading --------------------------------------------------------------
    def lookup(self, component: str | None) -> ComponentInfo | None:
        if not component:
            return None
        found = self._exact.get(component)
        if found is not None:
            return found
        found = self._lookup_unrouted(component)
        if found is not None:
            return found
        return self._fallback.get(component)

    def _lookup_unrouted(self, component: str) -> ComponentInfo | None:
        candidates = self._unrouted.get(component, [])  # routed at "/"
        prefix = None
        if not candidates and component.startswith("/") and component.count("/") >= 2:
            prefix, _, rest = component[1:].partition("/")
            candidates = self._unrouted.get("/" + rest, [])
        if not candidates:
            return None
        if prefix is not None:
            named = [c for c in candidates if c.plugin == prefix]
            if named:
                return named[-1]
        first = candidates[0]
        if all((c.input_schema, c.output_schema) == (first.input_schema, first.output_schema) for c in candidates):
            return first
        return None  # plugins disagree and the route is unknown: do not guess

    def __contains__(self, component: str) -> bool:
        return self.lookup(component) is not None

    def __len__(self) -> int:
        return len(self._exact) + sum(len(v) for v in self._unrouted.values())

    def paths(self) -> list[str]:
        return sorted(set(self._exact) | set(self._unrouted))

    def output_schema(self, flow, step) -> dict | None:
        """A step's output schema: the flow's own declaration, else its component's."""
        return step_output_schema(flow, step, self)


def step_output_schema(flow, step, catalog: Catalog | None = None) -> dict | None:
    if step.id is not None:
        declared = flow_step_output_schemas(flow).get(step.id)
        if declared is not None:
            return declared
    info = catalog.lookup(step.component) if catalog is not None else None
    return info.output_schema if info is not None else None


# -- sources -------------------------------------------------------------------

def _info(entry: Any, where: str, source: str) -> ComponentInfo:
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: a component must be an object, found {type(entry).__name__}")
    path = entry.get("componentId") or entry.get("path") or entry.get("component")
    if not isinstance(path, str) or not path:
        raise CatalogError(f"{where}: a component needs a `componentId` or `path` string")
    inputs = entry.get("inputSchema", entry.get("input_schema"))
    outputs = entry.get("outputSchema", entry.get("output_schema"))
    for name, schema in (("inputSchema", inputs), ("outputSchema", outputs)):
        if schema is not None and not isinstance(schema, (dict, bool)):
            raise CatalogError(f"{where}: `{name}` of {path} must be a JSON Schema object")
    description = entry.get("description")
    return ComponentInfo(path, inputs if isinstance(inputs, dict) else None,
                         outputs if isinstance(outputs, dict) else None,
                         description if isinstance(description, str) else None, source, entry.get("plugin"))


@lru_cache(maxsize=1)
def builtin_catalog() -> Catalog:
    """Stepflow's builtins (as served by the official engine) and the guide's ``/extract``."""
    text = resources.files("stepflow_lint").joinpath("data/builtins.json").read_text(encoding="utf-8")
    data = json.loads(text)
    catalog = Catalog()
    route = data.get("route", "/builtin")
    for entry in data.get("components", []):
        info = _info(entry, "builtins.json", "builtin")
        catalog.add(info, path=route + info.path)
        catalog.add_fallback(info, info.path)
    for entry in data.get("guideComponents", []):
        catalog.add(_info(entry, "builtins.json", "guide"))
    return catalog


def default_catalog() -> Catalog:
    """What the engine uses when no catalog is given (cached, never mutate it)."""
    return builtin_catalog()


def load_catalog(paths: list[str] | tuple[str, ...] = ()) -> Catalog:
    """Builtins plus every file in ``paths`` (later files win). Raises :class:`CatalogError`."""
    if not paths:
        return builtin_catalog()
    catalog = builtin_catalog().copy()
    for path in paths:
        catalog.update(load_components_file(path))
    return catalog


def load_components_file(path: str | Path) -> Catalog:
    """One ``GET /components`` JSON or ``stepflow-config.yml`` file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{file}: cannot read components file: {exc.strerror if isinstance(exc, OSError) else exc}") from None
    data = _load_data(file, text)
    if isinstance(data, dict) and isinstance(data.get("components"), list):
        return _from_listing(data["components"], str(file))
    if isinstance(data, list):
        return _from_listing(data, str(file))
    if isinstance(data, dict) and "plugins" in data:
        from .config import from_stepflow_config
        return from_stepflow_config(data, str(file), CatalogError, _info)
    raise CatalogError(f"{file}: not a component catalog: expected `GET /components` JSON "
                       "({\"components\": [...]}) or a stepflow-config.yml with `plugins`")


def _load_data(file: Path, text: str) -> Any:
    if file.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CatalogError(f"{file}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    from ..yaml.parse import ParseError, parse
    from ..yaml.source import Source
    try:
        document = parse(Source.from_text(text, str(file)))
    except ParseError as exc:
        raise CatalogError(f"{file}:{exc.span.line + 1}:{exc.span.column + 1}: invalid YAML: {exc.message}") from None
    return node_to_python(document.root)


def _from_listing(entries: list, source: str) -> Catalog:
    catalog = Catalog()
    for number, entry in enumerate(entries):
        info = _info(entry, f"{source}: components[{number}]", source)
        if "://" in info.path:
            catalog.add(info)
        else:
            catalog.add_unrouted(info)
    return catalog
