"""Components declared by a ``stepflow-config.yml``: mock plugins placed under their routes.

``routes: {"/mock": [{plugin: m}]}`` and ``plugins: {m: {type: mock, components:
{/one: {input_schema, output_schema}}}}`` make ``/mock/one``. Route prefixes
written as ``/mock/{component}`` (older configs) mean the same; ``/`` puts
components at the root. The builtin plugin's components are placed under its
routes too. Old configs list plugins (``[{name, type, components}]``) and name
components ``mock://one`` with no routes: those names are used as written.
"""

from __future__ import annotations

import re
from typing import Any

_PLACEHOLDER = re.compile(r"/\{[^}]*\}$")


def _route_prefix(route: str) -> str:
    prefix = _PLACEHOLDER.sub("", route.strip())
    return "" if prefix in ("", "/") else "/" + prefix.strip("/")


def _plugins(data: dict, source: str, error) -> dict[str, dict]:
    plugins = data.get("plugins")
    if isinstance(plugins, dict):
        return {str(k): v for k, v in plugins.items() if isinstance(v, dict)}
    if isinstance(plugins, list):
        return {str(p.get("name")): p for p in plugins if isinstance(p, dict) and p.get("name")}
    raise error(f"{source}: `plugins` must be a mapping of plugin name to plugin config")


def _routes(data: dict, source: str, error) -> dict[str, list[str]]:
    """plugin name -> route prefixes ('' for the root)."""
    routes = data.get("routes") or {}
    if not isinstance(routes, dict):
        raise error(f"{source}: `routes` must be a mapping of path prefix to rules")
    result: dict[str, list[str]] = {}
    for route, rules in routes.items():
        for rule in rules if isinstance(rules, list) else [rules]:
            plugin = rule.get("plugin") if isinstance(rule, dict) else rule if isinstance(rule, str) else None
            if plugin:
                result.setdefault(str(plugin), []).append(_route_prefix(str(route)))
    return result


def from_stepflow_config(data: dict[str, Any], source: str, error, make_info):
    from . import Catalog, builtin_catalog

    catalog = Catalog()
    plugins = _plugins(data, source, error)
    routes = _routes(data, source, error)
    for name, plugin in plugins.items():
        kind = plugin.get("type")
        prefixes = routes.get(name, [])
        if kind == "builtin":
            builtins = builtin_catalog()
            for path in builtins.paths():
                if path.startswith("/builtin/"):
                    info = builtins.lookup(path)
                    for prefix in prefixes:
                        catalog.add(info, path=prefix + info.path)
            continue
        if kind != "mock":
            continue
        components = plugin.get("components") or {}
        if not isinstance(components, dict):
            raise error(f"{source}: plugins.{name}.components must be a mapping of component name to schemas")
        for component, spec in components.items():
            spec = spec if isinstance(spec, dict) else {}
            entry = {"path": str(component), "input_schema": spec.get("input_schema", spec.get("inputSchema")),
                     "output_schema": spec.get("output_schema", spec.get("outputSchema")),
                     "description": spec.get("description"), "plugin": name}
            info = make_info(entry, f"{source}: plugins.{name}.components.{component}", source)
            if "://" in info.path or not prefixes:
                catalog.add(info)
                continue
            local = info.path if info.path.startswith("/") else "/" + info.path
            for prefix in prefixes:
                catalog.add(info, path=prefix + local)
    return catalog
