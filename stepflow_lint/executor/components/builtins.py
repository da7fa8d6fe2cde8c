"""The engine's builtin components, with its input and output shapes (ENGINE.md "Routing and builtins").

Bad input to a builtin is a plugin-level error in the engine (UNREACHABLE
after transport retries): here a :class:`PluginError` naming what is wrong.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

from ..errors import PluginError, StepError
from ..paths import compile_path
from ..values import approximate_size, content_id

BLOB_TYPES = ("data", "flow", "binary")


def _fields(value: Any, component: str, required: tuple[str, ...]) -> dict:
    if not isinstance(value, dict):
        raise PluginError(f"{component} takes an object, got {json.dumps(value)[:200]}")
    missing = [name for name in required if name not in value]
    if missing:
        raise PluginError(f"{component} needs {', '.join(missing)}; got fields {sorted(value)}")
    return value


async def put_blob(value: Any, call) -> Any:
    fields = _fields(value, "put_blob", ("data", "blob_type"))
    if fields["blob_type"] not in BLOB_TYPES:
        raise PluginError(f"put_blob: blob_type must be one of {', '.join(BLOB_TYPES)}, got {fields['blob_type']!r}")
    blob_id = content_id(fields["data"])
    call.run.blobs.put(blob_id, fields["data"])
    return {"blob_id": blob_id}


async def get_blob(value: Any, call) -> Any:
    fields = _fields(value, "get_blob", ("blob_id",))
    found, data = call.run.blobs.get(fields["blob_id"])
    if not found:
        raise PluginError(f"get_blob: no blob {fields['blob_id']!r}")
    return {"data": data}


async def eval_flow(value: Any, call) -> Any:
    fields = _fields(value, "eval", ("flow_id",))
    found, flow = call.run.blobs.get(fields["flow_id"])
    if not found:
        raise PluginError(f"eval: no flow blob {fields['flow_id']!r}")
    result = await call.run.subflow(flow, fields.get("input"))
    return {"result": result, "run_id": call.run.subflow_run_id()}


async def map_flow(value: Any, call) -> Any:
    fields = _fields(value, "map", ("workflow", "items"))
    if not isinstance(fields["items"], list):
        raise PluginError("map: `items` must be a list")
    results = await asyncio.gather(*(call.run.subflow(fields["workflow"], item) for item in fields["items"]))
    successful = sum(1 for r in results if r.get("outcome") == "success")
    return {"results": list(results), "successful": successful, "failed": len(results) - successful}


async def iterate_flow(value: Any, call) -> Any:
    fields = _fields(value, "iterate", ("flow", "initial_input"))
    limit = fields.get("max_iterations", 1000)
    if isinstance(limit, float) and limit.is_integer():
        limit = int(limit)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise PluginError(f"iterate: max_iterations must be a whole number >= 0, got {limit!r}")
    current, iterations = fields["initial_input"], 0
    while iterations < limit:
        result = await call.run.subflow(fields["flow"], current)
        iterations += 1
        if result.get("outcome") != "success":
            error = result.get("error") or {}
            raise StepError(error.get("code", "COMPONENT_FAILED"), error.get("message", ""), error.get("data"),
                            from_component=True)
        output = result.get("result")
        if isinstance(output, dict) and "result" in output:
            return {"result": output["result"], "iterations": iterations, "terminated": False}
        if isinstance(output, dict) and "next" in output:
            current = output["next"]
            continue
        raise StepError("INVALID_INPUT", "Workflow result must contain either 'result' or 'next' field",
                        from_component=True)
    return {"result": current, "iterations": iterations, "terminated": True}


async def load_file(value: Any, call) -> Any:
    fields = _fields(value, "load_file", ("path",))
    text = fields["path"]
    if not isinstance(text, str) or not text:
        raise PluginError("load_file: `path` must be a non-empty string")
    base = call.run.config_directory
    resolved = confined_path(base, text)
    fmt = fields.get("format") or _format_of(resolved)
    try:
        raw = resolved.read_bytes()
    except OSError as exc:
        raise PluginError(f"load_file: cannot read {text!r}: {exc.strerror or exc}") from None
    try:
        if fmt == "json":
            data = json.loads(raw.decode("utf-8"))
        elif fmt == "yaml":
            from ...yaml.parse import ParseError, parse, to_python
            from ...yaml.source import Source
            try:
                root = parse(Source.from_bytes(raw, str(resolved))).root
            except ParseError as exc:
                raise ValueError(str(exc)) from None
            data = to_python(root) if root is not None else None
        else:
            data = raw.decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise PluginError(f"load_file: {text!r} is not valid {fmt}: {exc}") from None
    return {"data": data, "metadata": {"resolved_path": str(resolved), "size_bytes": len(raw), "format": fmt}}


class OutsideDirectory(PluginError):
    """A load_file path that leaves the config's directory."""


def confined_path(base: Path, text: str) -> Path:
    """``text`` resolved inside ``base``; `..`, absolute paths and symlinks out of it are refused.

    The engine itself reads any path it can open; the executor confines it so a
    flow under test cannot read arbitrary files (a documented difference).
    """
    if os.path.isabs(text) or text.startswith("~"):
        raise OutsideDirectory(f"load_file: absolute path {text!r} refused: paths are relative to {base}")
    if ".." in Path(text).parts:
        raise OutsideDirectory(f"load_file: {text!r} leaves {base} (`..` is refused)")
    root = base.resolve()
    resolved = (root / text).resolve()
    if resolved != root and root not in resolved.parents:
        raise OutsideDirectory(f"load_file: {text!r} resolves outside {root} (through a symlink)")
    return resolved


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    return "json" if suffix == ".json" else "yaml" if suffix in (".yml", ".yaml") else "text"


async def create_messages(value: Any, call) -> Any:
    fields = _fields(value, "create_messages", ("user_prompt",))
    messages = []
    if fields.get("system_instructions") is not None:
        messages.append({"role": "system", "content": fields["system_instructions"]})
    messages.append({"role": "user", "content": fields["user_prompt"]})
    return {"messages": messages}


async def noop(value: Any, call) -> Any:
    return value


async def sleep(value: Any, call) -> Any:
    fields = _fields(value, "sleep", ("duration_ms",))
    duration = fields["duration_ms"]
    if isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration < 0:
        raise PluginError(f"sleep: duration_ms must be a number >= 0, got {duration!r}")
    await asyncio.sleep(duration / 1000)
    result = {"duration_ms": duration}
    if "passthrough" in fields:
        result["passthrough"] = fields["passthrough"]
    return result


async def extract(value: Any, call) -> Any:
    """The guide's `/extract`: `{data, path}` -> the value at `path` (not an engine builtin)."""
    fields = _fields(value, "/extract", ("data", "path"))
    path = fields["path"]
    if path is not None and not isinstance(path, str):
        raise PluginError("/extract: `path` must be a string")
    text = path if path is None or path.startswith("$") else "$." + path
    return compile_path(text).select(fields["data"], "Path")


for _runner in (eval_flow, map_flow, iterate_flow):
    _runner.runs_subflows = True  # type: ignore[attr-defined]  # they wait on subflows without holding a slot

BUILTINS = {
    "put_blob": put_blob, "get_blob": get_blob, "eval": eval_flow, "map": map_flow, "iterate": iterate_flow,
    "load_file": load_file, "create_messages": create_messages, "noop": noop, "sleep": sleep,
}

__all__ = ["BUILTINS", "OutsideDirectory", "approximate_size", "confined_path", "extract"]
