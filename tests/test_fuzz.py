"""Mutated real flows: linting never raises, and no fix ever produces YAML that does not parse.

Deterministic (fixed seed) and bounded; the same harness run longer found a
real fix bug, so it stays in the suite as a guard.
"""

from __future__ import annotations

import random

from stepflow_lint.engine import lint_bytes
from stepflow_lint.fix.apply import fix_source
from stepflow_lint.yaml.source import Source

from .conftest import FIXTURES

TOKENS = [b"$step", b"$input", b"$from", b"{", b"}", b"[", b"]", b":", b"- ", b"\n", b"  ", b"&a ", b"*a",
          b"path: ", b"'", b'"', b"onError: ", b"skipIf: ", b"$literal", b"steps:", b"\t", b"#", b"null", b"1",
          b"id: x\n", b"\xff", b"|\n"]


def mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        pos = rng.randint(0, len(out))
        roll = rng.random()
        if roll < 0.4:
            out[pos:pos] = rng.choice(TOKENS)
        elif roll < 0.7:
            del out[pos:pos + rng.randint(1, 20)]
        else:
            line_start = out.rfind(b"\n", 0, pos) + 1
            out[line_start:line_start] = b"  "
    return bytes(out)


def test_mutated_flows_never_crash_and_fixes_never_break_yaml(corpus):
    rng = random.Random(20261124)
    files = sorted(p for p in list(corpus.rglob("*.y*ml")) + list(FIXTURES.rglob("*.y*ml"))
                   if p.stat().st_size < 40_000)
    broken = []
    for _ in range(1500):
        path = rng.choice(files)
        data = mutate(rng, path.read_bytes())
        result = lint_bytes(data, "mutant.yaml")
        if result.document is not None:
            outcome = fix_source(Source.from_bytes(data, "mutant.yaml"), unsafe=True)
            if outcome.broken:
                broken.append((path.name, sorted({d.code for d in outcome.broken})))
    assert broken == []
