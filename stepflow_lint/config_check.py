"""Config values checked against the rules themselves: codes that exist, options of the right shape.

``config.py`` reads TOML without knowing any rule; this module knows the
registry, so a typo in a code (`SF2O1`) or an option of the wrong type
(`max-chars = "ten"`) is one clear config error instead of a silent no-op or
a crash blamed on a flow.
"""

from __future__ import annotations

import difflib
from typing import Any

from .config import Config, ConfigError


def _codes() -> list[str]:
    from .rules import REGISTRY, all_rules
    all_rules()  # importing the rule modules fills the registry
    return sorted(REGISTRY)


def unknown_selector(selector: str) -> str | None:
    """Why ``selector`` (a code, a prefix such as `SF2`, or `ALL`) selects no rule, or None."""
    wanted = selector.strip().upper()
    codes = _codes()
    if wanted == "ALL" or any(code.startswith(wanted) for code in codes):
        return None
    close = difflib.get_close_matches(wanted, codes, n=1, cutoff=0.6)
    hint = f"; did you mean `{close[0]}`?" if close else "; `stepflow-lint rules` lists them"
    return f"unknown rule code `{selector}`{hint}"


def _option_problem(default: Any, value: Any) -> str | None:
    """What ``value`` should be, judged by the shape of the option's default, or None when it fits."""
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "expected true or false"
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return "expected a whole number ≥ 0"
        return None
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            return "expected a number ≥ 0"
        return None
    if isinstance(default, str):
        return None if isinstance(value, str) else "expected a string"
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "expected a list of strings"
        return None
    if isinstance(default, dict):
        if not isinstance(value, dict) or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                  and v >= 0 for v in value.values()):
            return 'expected a table of GLOB = number (milliseconds, e.g. { "/ai/*" = 2000 })'
        return None
    return None


def config_problems(config: Config) -> list[str]:
    """Everything in ``config`` that names no rule, no option of a rule, or has the wrong shape."""
    from .rules import REGISTRY
    _codes()
    prefix = "tool.stepflow-lint." if config.path is not None and config.path.name == "pyproject.toml" else ""
    problems = []
    for key, selectors in (("select", config.select), ("extend-select", config.extend_select),
                           ("ignore", config.ignore)):
        problems += [f"`{prefix}{key}`: {p}" for p in map(unknown_selector, selectors) if p]
    for glob, selectors in config.per_file_ignores.items():
        problems += [f"`{prefix}per-file-ignores`.{glob!r}: {p}" for p in map(unknown_selector, selectors) if p]
    for code in config.severity:
        if code not in REGISTRY:
            problems.append(f"`{prefix}severity`.{code}: {unknown_selector(code) or 'not a single rule code'}")
    for code, options in config.rules.items():
        rule = REGISTRY.get(code)
        if rule is None:
            hint = unknown_selector(code) or "not a single rule code"
            problems.append(f"[{prefix}rules.{code}]: no rule has this code ({hint})")
            continue
        unknown = sorted(set(options) - set(rule.default_options))
        if unknown:
            known = ", ".join(rule.default_options) or "none"
            problems.append(f"[{prefix}rules.{code}]: unknown option(s) {', '.join(unknown)} (known: {known})")
        for name, value in options.items():
            if name in rule.default_options:
                problem = _option_problem(rule.default_options[name], value)
                if problem:
                    problems.append(f"[{prefix}rules.{code}] {name}: {problem}, got {value!r}")
    return problems


def checked(config: Config) -> Config:
    """``config`` itself, or a :class:`ConfigError` naming its file and every problem found."""
    problems = config_problems(config)
    if problems:
        raise ConfigError(f"{config.path}: " + "; ".join(problems))
    return config
