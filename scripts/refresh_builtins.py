#!/usr/bin/env python3
"""Regenerate stepflow_lint/data/builtins.json from the official engine.

Starts ``stepflow-server`` (the ``stepflow-orchestrator`` package) with only the
builtin plugin routed at ``/builtin``, reads ``GET /api/v1/components`` and
writes what it serves, sorted by component id, plus the components that
Stepflow's performance guide uses but the engine does not ship (``/extract``).

    python scripts/refresh_builtins.py            # rewrite the JSON
    python scripts/refresh_builtins.py --check    # exit 1 if the JSON is stale
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import urllib.request
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "stepflow_lint" / "data" / "builtins.json"

ENGINE_CONFIG = {"plugins": {"builtin": {"type": "builtin"}}, "routes": {"/builtin": [{"plugin": "builtin"}]}}

# Components the guide relies on that the engine does not serve.
GUIDE_COMPONENTS = [
    {
        "componentId": "/extract",
        "path": "/extract",
        "description": "Return the value found at `path` inside `data` (the performance guide's extraction component)",
        "inputSchema": {
            "type": "object",
            "properties": {
                "data": {"description": "The value to read from"},
                "path": {"type": "string", "description": "Field name or dotted path into `data`"},
            },
            "required": ["data", "path"],
        },
        "outputSchema": {"description": "The value at `path`"},
    }
]


async def _fetch_async() -> dict:
    from stepflow_orchestrator import OrchestratorConfig, StepflowOrchestrator

    async with StepflowOrchestrator.start(OrchestratorConfig(config=ENGINE_CONFIG)) as orchestrator:
        url = orchestrator.url + "/api/v1/components"

        def get() -> dict:
            with urllib.request.urlopen(url, timeout=30) as response:
                return json.loads(response.read())

        return await asyncio.to_thread(get)


def fetch_served() -> list[dict]:
    """The builtin components the official engine serves, sorted by id."""
    served = asyncio.run(_fetch_async())
    return sorted(served["components"], key=lambda c: c.get("componentId") or c.get("path"))


def engine_version() -> str:
    from importlib.metadata import version

    return version("stepflow-orchestrator")


def build_document(served: list[dict]) -> dict:
    return {
        "generatedBy": "scripts/refresh_builtins.py",
        "engine": f"stepflow-orchestrator {engine_version()}",
        "route": "/builtin",
        "components": served,
        "guideComponents": GUIDE_COMPONENTS,
    }


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    served = fetch_served()
    if args.check:
        shipped = json.loads(args.output.read_text(encoding="utf-8"))
        if shipped.get("components") != served:
            print(f"{args.output} is stale: run scripts/refresh_builtins.py", file=sys.stderr)
            return 1
        print(f"{args.output} matches the engine ({len(served)} components)")
        return 0
    args.output.write_text(render(build_document(served)), encoding="utf-8")
    print(f"wrote {args.output} ({len(served)} components from the engine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
