"""Adversarial flow shapes: each makes one kind of whole-flow work grow with the step count.

Every generator takes the number of steps ``n`` and returns the flow as YAML text
(deterministic, block style, today's dialect except where the shape is a legacy finding).
Used by growth_bench.py; `python benchmarks/shapes.py SHAPE N` prints one.
"""

from __future__ import annotations

import sys


def _sid(i: int) -> str:
    return f"s{i:05d}"


def _head(name: str) -> list[str]:
    return [f"name: {name}", "schemas:", "  type: object", "  properties:", "    input:",
            "      type: object", "      properties:", "        q: { type: string }", "steps:"]


def chain_ordering(n: int) -> str:
    """A chain where each step also waits for its predecessor through `previous` (SF201 on every step).

    Step i reads step i-2's result (so every step still runs) and carries
    `previous: { $step: <step i-1> }`, an ordering-only field: each is a
    finding whose message needs the critical path with and without that edge.
    """
    lines = _head("chain-ordering")
    for i in range(n):
        lines += [f"  - id: {_sid(i)}", "    component: /data/process", "    input:"]
        lines += [f"      data: {{ $step: {_sid(i - 2)}, path: result }}" if i >= 2 else "      data: { $input: q }"]
        if i >= 1:
            lines += [f"      previous: {{ $step: {_sid(i - 1)} }}"]
    lines += ["output:", f"  a: {{ $step: {_sid(n - 1)}, path: result }}",
              f"  b: {{ $step: {_sid(max(0, n - 2))}, path: result }}"]
    return "\n".join(lines) + "\n"


def identical(n: int) -> str:
    """Every step calls the same component with the same input (SF401 on all but the first)."""
    lines = _head("identical")
    for i in range(n):
        lines += [f"  - id: {_sid(i)}", "    component: /ai/summarize", "    input:",
                  "      prompt: { $input: q }", "      max_tokens: 100"]
    lines += ["output:", f"  first: {{ $step: {_sid(0)} }}", f"  last: {{ $step: {_sid(n - 1)} }}"]
    return "\n".join(lines) + "\n"


def fan_in(n: int) -> str:
    """n-1 independent steps and one step that waits for all of them."""
    lines = _head("fan-in")
    for i in range(n - 1):
        lines += [f"  - id: {_sid(i)}", "    component: /data/process", "    input:",
                  "      query: { $input: q }", f"      index: {i}"]
    lines += [f"  - id: {_sid(n - 1)}", "    component: /data/merge", "    input:", "      parts:"]
    lines += [f"        - {{ $step: {_sid(i)}, path: result }}" for i in range(n - 1)]
    lines += ["output:", f"  merged: {{ $step: {_sid(n - 1)}, path: result }}"]
    return "\n".join(lines) + "\n"


def fan_out(n: int) -> str:
    """One step that n-1 steps wait for; the output collects them all."""
    lines = _head("fan-out")
    lines += [f"  - id: {_sid(0)}", "    component: /data/load", "    input:", "      query: { $input: q }"]
    for i in range(1, n):
        lines += [f"  - id: {_sid(i)}", "    component: /data/process", "    input:",
                  f"      rows: {{ $step: {_sid(0)}, path: rows }}", f"      index: {i}"]
    lines += ["output:", "  results:"]
    lines += [f"    - {{ $step: {_sid(i)}, path: result }}" for i in range(1, n)]
    return "\n".join(lines) + "\n"


EVAL_DEPTH = 25  # subflows nested this deep (the parser refuses nesting past 256 levels)


def nested_eval(n: int) -> str:
    """A chain of `/builtin/eval` steps, each running a `$literal` subflow that holds the next one.

    EVAL_DEPTH levels; each level is a chain of about n / EVAL_DEPTH steps ending
    in the eval step of the next level.
    """
    per_level = max(1, n // EVAL_DEPTH)
    counter = iter(range(10 ** 7))

    def level(depth: int, indent: str) -> list[str]:
        out = [f"{indent}steps:"]
        previous = None
        for _ in range(per_level):
            sid = _sid(next(counter))
            out += [f"{indent}  - id: {sid}", f"{indent}    component: /data/process", f"{indent}    input:"]
            out += [f"{indent}      data: {{ $step: {previous}, path: result }}" if previous
                    else f"{indent}      data: {{ $input: q }}"]
            previous = sid
        if depth < EVAL_DEPTH:
            sid = _sid(next(counter))
            out += [f"{indent}  - id: {sid}", f"{indent}    component: /builtin/eval", f"{indent}    input:",
                    f"{indent}      input: {{ q: {{ $step: {previous}, path: result }} }}",
                    f"{indent}      flow:", f"{indent}        $literal:"]
            out += level(depth + 1, indent + "          ")
            previous = sid
        out += [f"{indent}output:", f"{indent}  result: {{ $step: {previous} }}"]
        return out

    lines = _head("nested-eval")[:-1] + level(1, "")
    return "\n".join(lines) + "\n"


def every_finding(n: int) -> str:
    """Every step references its predecessor in the legacy `$from` form (SF005, fixable, on every step)."""
    lines = _head("every-finding")
    for i in range(n):
        lines += [f"  - id: {_sid(i)}", "    component: /data/process", "    input:"]
        if i:
            lines += ["      data:", "        $from:", f"          step: {_sid(i - 1)}", "        path: result"]
        else:
            lines += ["      data: { $input: q }"]
    lines += ["output:", f"  result: {{ $step: {_sid(n - 1)} }}"]
    return "\n".join(lines) + "\n"


SHAPES = {
    "chain-ordering": chain_ordering,
    "identical": identical,
    "fan-in": fan_in,
    "fan-out": fan_out,
    "nested-eval": nested_eval,
    "every-finding": every_finding,
}


if __name__ == "__main__":
    sys.stdout.write(SHAPES[sys.argv[1]](int(sys.argv[2])))
