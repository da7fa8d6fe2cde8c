"""The engine configuration (`stepflow-config.yml`) as the engine reads it: plugins and routes.

`routes: {"/mock": [{plugin: m}]}` sends every component whose first path
segment is `/mock` to plugin `m`, which sees the rest of the path (`/mock/x`
→ `/x`); the route `/` catches everything else. Without a config the
executor answers the builtins under `/builtin` (the engine routes nothing).
Mock behaviors are keyed by inputs written as YAML values (mappings too),
so the file is read node by node, not with a plain loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from ..yaml.parse import ParseError, parse, to_python
from ..yaml.source import DecodeError, Source
from .errors import ExecutorError

CONFIG_NAMES = ("stepflow-config.yml", "stepflow-config.yaml")
TEST_CONFIG_NAMES = ("stepflow-config.test.yml", "stepflow-config.test.yaml")


@dataclass
class PluginConfig:
    name: str
    type: str
    data: dict[str, Any]
    behaviors: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict)  # mock component -> [(input, behavior)]


@dataclass
class EngineConfig:
    directory: Path                      # load_file paths are relative to it (and confined to it)
    plugins: dict[str, PluginConfig]
    routes: list[tuple[str, list[str]]]  # (prefix, plugin names), in file order
    path: Path | None = None             # the file, when read from one
    data: dict[str, Any] = field(default_factory=dict)

    def route(self, component: str) -> tuple[PluginConfig, str] | None:
        """The plugin a component path goes to and the path the plugin sees, or None."""
        segment = "/" + component.lstrip("/").split("/", 1)[0]
        catch_all = None
        for prefix, plugins in self.routes:
            if not plugins or plugins[0] not in self.plugins:
                continue
            if prefix == segment:
                rest = component[len(segment):] or "/"
                return self.plugins[plugins[0]], rest
            if prefix == "/" and catch_all is None:
                catch_all = (self.plugins[plugins[0]], component)
        return catch_all


def default_config(directory: Path) -> EngineConfig:
    builtin = PluginConfig("builtin", "builtin", {"type": "builtin"})
    return EngineConfig(directory, {"builtin": builtin}, [("/builtin", ["builtin"])])


def find_config(flow_path: Path | None, explicit: Path | None = None, *, for_tests: bool = False,
                test_block: Any = None) -> Path | dict | None:
    """The engine config as the official CLI finds it: a file path, an inline mapping, or None.

    `--config`; for tests then the flow's `test.configFile`, then its inline `test.config`,
    then `stepflow-config.test.yml`; then `stepflow-config.yml` beside the flow, else in the cwd.
    """
    if explicit is not None:
        return explicit
    base = flow_path.parent if flow_path is not None else Path.cwd()
    if for_tests and isinstance(test_block, dict):
        if isinstance(test_block.get("configFile"), str):
            return base / test_block["configFile"]
        if isinstance(test_block.get("config"), dict):
            return test_block["config"]
    names = (TEST_CONFIG_NAMES + CONFIG_NAMES) if for_tests else CONFIG_NAMES
    for directory in dict.fromkeys((base, Path.cwd())):
        for name in names:
            if (directory / name).is_file():
                return directory / name
    return None


def load_config(path: Path) -> EngineConfig:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExecutorError(f"{path}: cannot read the engine config: {exc.strerror or exc}") from None
    return parse_config(data, path)


def parse_config(data: bytes, path: Path) -> EngineConfig:
    try:
        root = parse(Source.from_bytes(data, str(path))).root
    except (ParseError, DecodeError) as exc:
        span = getattr(exc, "span", None)
        where = f":{span.line + 1}:{span.column + 1}" if span is not None else ""
        raise ExecutorError(f"{path}{where}: the engine config is not valid YAML: {exc}") from None
    if not isinstance(root, MappingNode):
        raise ExecutorError(f"{path}: the engine config must be a mapping with `plugins` and `routes`")
    config = to_python(root)
    return config_from_data(config, path.parent.resolve(), path, _behavior_nodes(root))


def config_from_data(config: dict[str, Any], directory: Path, path: Path | None = None,
                     behaviors: dict[tuple[str, str], list[tuple[Any, Any]]] | None = None) -> EngineConfig:
    where = path or "config"
    raw_plugins = config.get("plugins")
    if not isinstance(raw_plugins, dict):
        raise ExecutorError(f"{where}: `plugins` must be a mapping of plugin name to plugin config")
    plugins: dict[str, PluginConfig] = {}
    for name, spec in raw_plugins.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("type"), str):
            raise ExecutorError(f"{where}: plugin {name!r} needs a `type` (builtin, mock, stepflow, …)")
        plugin = PluginConfig(str(name), spec["type"], spec)
        if plugin.type == "mock":
            plugin.behaviors = _mock_behaviors(plugin, behaviors, where)
        plugins[str(name)] = plugin
    raw_routes = config.get("routes") or {}
    if not isinstance(raw_routes, dict):
        raise ExecutorError(f"{where}: `routes` must be a mapping of path prefix to a list of plugins")
    routes: list[tuple[str, list[str]]] = []
    for prefix, rules in raw_routes.items():
        names = [rule.get("plugin") if isinstance(rule, dict) else rule
                 for rule in (rules if isinstance(rules, list) else [rules])]
        names = [str(n) for n in names if n]
        for plugin in names:
            if plugin not in plugins:
                raise ExecutorError(f"{where}: route {prefix!r} names plugin {plugin!r}, which `plugins` lacks")
        routes.append((str(prefix), names))
    return EngineConfig(directory, plugins, routes, path, config)


def _mock_behaviors(plugin: PluginConfig, nodes, where) -> dict[str, list[tuple[Any, Any]]]:
    components = plugin.data.get("components") or {}
    if not isinstance(components, dict):
        raise ExecutorError(f"{where}: plugins.{plugin.name}.components must be a mapping")
    result: dict[str, list[tuple[Any, Any]]] = {}
    for component, spec in components.items():
        if nodes is not None and (plugin.name, component) in nodes:
            result[component] = nodes[(plugin.name, component)]
            continue
        raw = (spec or {}).get("behaviors") or {}
        if not isinstance(raw, dict):
            raise ExecutorError(f"{where}: plugins.{plugin.name}.components.{component}.behaviors must be a mapping")
        result[component] = [(key, value) for key, value in raw.items()]  # JSON config: keys are strings
    return result


def _behavior_nodes(root: MappingNode) -> dict[tuple[str, str], list[tuple[Any, Any]]]:
    """(plugin, component) -> [(input, behavior)] with inputs read as YAML values (mapping keys included)."""
    found: dict[tuple[str, str], list[tuple[Any, Any]]] = {}
    plugins = _member(root, "plugins")
    if not isinstance(plugins, MappingNode):
        return found
    for name_node, plugin in plugins.value:
        components = _member(plugin, "components") if isinstance(plugin, MappingNode) else None
        if not isinstance(components, MappingNode):
            continue
        for component_node, spec in components.value:
            behaviors = _member(spec, "behaviors") if isinstance(spec, MappingNode) else None
            if isinstance(behaviors, MappingNode):
                found[(str(to_python(name_node)), str(to_python(component_node)))] = [
                    (_key_value(k), to_python(v)) for k, v in behaviors.value]
    return found


def _key_value(node: Node) -> Any:
    # A flow-style key like `{x: 1}` is a mapping; a quoted JSON string key is a string holding JSON.
    return to_python(node)


def _member(node: Node, name: str) -> Node | None:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == name:
                return value
    return None


__all__ = ["CONFIG_NAMES", "EngineConfig", "PluginConfig", "config_from_data", "default_config",
           "find_config", "load_config", "parse_config"]
