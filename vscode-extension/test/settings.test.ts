import { strict as assert } from "node:assert";
import { test } from "node:test";

import { expandPath, serverCommand } from "../src/launch";
import { looksLikeFlow } from "../src/flows";
import { DEFAULTS, readSettings, toServerSettings } from "../src/settings";

test("defaults tell the server only its own switches, so the config file decides the rules", () => {
  assert.deepEqual(toServerSettings(DEFAULTS), { "only-flows": true, "fix-all-on-save": false });
});

test("rule lists become the config file's keys, upper-cased and split on commas", () => {
  const server = toServerSettings({
    ...DEFAULTS,
    select: ["sf1", " SF2 "],
    ignore: ["SF105,sf302"],
    extendSelect: ["SF4"],
    severity: { sf105: " Error " },
    onlyFlows: false,
    fixAllOnSave: true,
  });
  assert.deepEqual(server, {
    "only-flows": false,
    "fix-all-on-save": true,
    select: ["SF1", "SF2"],
    ignore: ["SF105", "SF302"],
    "extend-select": ["SF4"],
    severity: { SF105: "error" },
  });
});

test("readSettings keeps values of the right type and defaults the rest", () => {
  const raw: Record<string, unknown> = {
    path: " /opt/bin/stepflow-lint ",
    select: ["SF1", 3, null],
    ignore: "SF105",
    severity: { SF105: "warning", SF102: 2 },
    onlyFlows: "yes",
    fixAllOnSave: true,
  };
  const settings = readSettings((key) => raw[key]);
  assert.equal(settings.path, "/opt/bin/stepflow-lint");
  assert.deepEqual(settings.select, ["SF1"]);
  assert.deepEqual(settings.ignore, []);
  assert.deepEqual(settings.severity, { SF105: "warning" });
  assert.equal(settings.onlyFlows, true);
  assert.equal(settings.fixAllOnSave, true);
});

test("the server command: executable, else interpreter, else stepflow-lint on PATH", () => {
  assert.deepEqual(serverCommand({ path: "${workspaceFolder}/bin/sl", interpreter: "python3" }, "/ws", "/home/u"), {
    command: "/ws/bin/sl",
    args: ["server"],
  });
  assert.deepEqual(serverCommand({ path: "", interpreter: "~/venv/bin/python" }, "/ws", "/home/u"), {
    command: "/home/u/venv/bin/python",
    args: ["-m", "stepflow_lint", "server"],
  });
  assert.deepEqual(serverCommand({ path: "", interpreter: "" }, undefined, "/home/u"), {
    command: "stepflow-lint",
    args: ["server"],
  });
  assert.equal(expandPath("~user/x", undefined, "/home/u"), "~user/x");
});

test("a flow is recognised by the linter's markers, other YAML is not", () => {
  assert.ok(looksLikeFlow("name: x\nsteps:\n  - id: a\n"));
  assert.ok(looksLikeFlow("schema: https://stepflow.org/schemas/v1/flow.json\n"));
  assert.ok(looksLikeFlow("x:\n  - component: /builtin/eval\n"));
  assert.ok(looksLikeFlow("output: { $step: a }\n"));
  assert.ok(!looksLikeFlow("apiVersion: v1\nkind: Pod\n"));
  assert.ok(!looksLikeFlow("jobs:\n  build:\n    steps_count: 3\n"));
});
