"""Questions rules ask of JSON Schemas: which input fields does a component read?

Also the flow's own schemas: ``schemas.properties.steps.properties.<id>`` holds
the output schema of step ``<id>`` (with shared ``schemas.$defs``), as in
Stepflow's flow schema.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..yaml.parse import scalar_value

_COMPOSITE = ("allOf", "anyOf", "oneOf", "$ref", "patternProperties", "unevaluatedProperties",
              "dependentSchemas", "if", "then", "else", "not", "$dynamicRef")


def accepted_fields(schema: Any) -> frozenset[str] | None:
    """The top-level input fields a component reads, or ``None`` when any field may reach it.

    A schema is *closed* when it says ``additionalProperties: false``, or when
    it lists ``properties`` (at least one) and does not allow other fields
    (``additionalProperties`` absent): components deserialize their input into
    a structure with those fields and drop the rest, as Stepflow's builtins
    do. Anything the linter cannot read for certain — no schema, a non-object
    schema, ``additionalProperties: true`` or a sub-schema, composition
    keywords (``allOf``/``anyOf``/``oneOf``/``$ref``/``patternProperties``/…),
    an empty ``properties`` — counts as open.
    """
    if not isinstance(schema, dict):
        return None
    if any(key in schema for key in _COMPOSITE):
        return None
    kind = schema.get("type")
    if kind is not None and kind != "object" and not (isinstance(kind, list) and "object" in kind):
        return None
    properties = schema.get("properties")
    if properties is not None and not isinstance(properties, dict):
        return None
    additional = schema.get("additionalProperties", None)
    if additional is False:
        return frozenset(properties or ())
    if additional is None and properties:
        return frozenset(properties)
    return None


def node_to_python(node: Node | None) -> Any:
    """A YAML node as plain Python data (keys as strings; anchors already resolved)."""
    if node is None:
        return None
    if isinstance(node, ScalarNode):
        return scalar_value(node)
    if isinstance(node, SequenceNode):
        return [node_to_python(item) for item in node.value]
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else str(node_to_python(key))
            result.setdefault(name, node_to_python(value))
        return result
    return None


def flow_step_output_schemas(flow) -> dict[str, dict]:
    """Step id -> output schema declared in the flow's own ``schemas`` (``$defs`` inlined as ``$defs``)."""
    cache = getattr(flow, "_sf_step_schemas", None)
    if cache is not None:
        return cache
    result: dict[str, dict] = {}
    schemas = node_to_python(flow.schemas) if flow.schemas is not None else None
    if isinstance(schemas, dict):
        steps = (schemas.get("properties") or {}).get("steps") if isinstance(schemas.get("properties"), dict) else None
        props = steps.get("properties") if isinstance(steps, dict) else None
        defs = schemas.get("$defs") or schemas.get("defs")
        if isinstance(props, dict):
            for step_id, schema in props.items():
                if isinstance(schema, dict):
                    if isinstance(defs, dict) and defs and "$defs" not in schema:
                        schema = {**schema, "$defs": defs}
                    result[str(step_id)] = schema
    try:
        object.__setattr__(flow, "_sf_step_schemas", result)
    except (AttributeError, TypeError):  # slotted dataclass: no cache, recomputed each time
        pass
    return result
