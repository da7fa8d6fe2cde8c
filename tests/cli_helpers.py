"""Shared by the command-line tests: running the CLI in process, and small flows."""

from __future__ import annotations

from click.testing import CliRunner

from stepflow_lint.cli import cli

DUP = "name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\n    component: /y\noutput: { $step: a }\n"
CLEAN = "name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\noutput: { $step: a }\n"
LEGACY = ("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\n"
          "output:\n  $from: { step: a }\n  path: result\n")


def run(*args, input=None, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, env=env, catch_exceptions=False)
