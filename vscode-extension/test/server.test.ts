// Starts the real `stepflow-lint server` with the extension's own launch code and settings
// translation, and talks to it over stdio with vscode-jsonrpc (VS Code itself cannot run here).

import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import {
  createMessageConnection,
  MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-jsonrpc/node";

import { serverCommand } from "../src/launch";
import { DEFAULTS, toServerSettings } from "../src/settings";

// The Python that has stepflow-lint[lsp] installed: .ci/run sets it; else the repository's .venv.
const interpreter =
  process.env.STEPFLOW_LINT_INTERPRETER ?? path.resolve(__dirname, "..", "..", "..", ".venv", "bin", "python");

const FLOW = [
  "name: demo",
  "description: a flow with an unknown reference and an unused step",
  "steps:",
  "  - id: load",
  "    component: /demo/load",
  "  - id: audit",
  "    component: /demo/audit",
  "    input: { data: { $step: lode } }",
  "output: { $step: load }",
  "",
].join("\n");

interface Published {
  uri: string;
  version?: number;
  diagnostics: Array<{ code: string; range: { start: { line: number; character: number } } }>;
}

async function withServer(settings: Record<string, unknown>, body: (c: MessageConnection, published: Published[], next: () => Promise<Published>) => Promise<void>) {
  const launch = serverCommand({ ...DEFAULTS, interpreter }, undefined, os.homedir());
  const child = spawn(launch.command, launch.args, { stdio: ["pipe", "pipe", "inherit"] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const published: Published[] = [];
  const waiting: Array<(p: Published) => void> = [];
  connection.onNotification("textDocument/publishDiagnostics", (params: Published) => {
    published.push(params);
    waiting.shift()?.(params);
  });
  connection.onRequest("workspace/configuration", () => [settings]);
  connection.onRequest("client/registerCapability", () => null);
  connection.listen();
  const next = () => new Promise<Published>((resolve) => waiting.push(resolve));
  try {
    const init: any = await connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true }, general: { positionEncodings: ["utf-16"] } },
      initializationOptions: settings,
    });
    assert.equal(init.capabilities.positionEncoding, "utf-16");
    await connection.sendNotification("initialized", {});
    await body(connection, published, next);
    await connection.sendRequest("shutdown");
    await connection.sendNotification("exit");
  } finally {
    connection.dispose();
    child.kill();
  }
}

test("the server started by the extension's launch code publishes diagnostics", { timeout: 60_000 }, async () => {
  await withServer(toServerSettings(DEFAULTS), async (connection, _published, next) => {
    const arrived = next();
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: "file:///tmp/ext-test/flow.yaml", languageId: "yaml", version: 1, text: FLOW },
    });
    const report = await arrived;
    assert.equal(report.version, 1);
    assert.deepEqual(report.diagnostics.map((d) => d.code).sort(), ["SF102", "SF105"]);
    const undefinedRef = report.diagnostics.find((d) => d.code === "SF102")!;
    assert.deepEqual(undefinedRef.range.start, { line: 7, character: FLOW.split("\n")[7].indexOf("lode") });
  });
});

test("translated settings reach the server: ignored rules stay silent", { timeout: 60_000 }, async () => {
  const settings = toServerSettings({ ...DEFAULTS, ignore: ["sf105"] });
  await withServer(settings, async (connection, _published, next) => {
    const arrived = next();
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: "file:///tmp/ext-test/flow.yaml", languageId: "yaml", version: 1, text: FLOW },
    });
    assert.deepEqual((await arrived).diagnostics.map((d) => d.code), ["SF102"]);
    // Kubernetes YAML stays silent with only-flows on.
    const silent = next();
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: "file:///tmp/ext-test/pod.yaml", languageId: "yaml", version: 1, text: "apiVersion: v1\nkind: Pod\n" },
    });
    assert.deepEqual((await silent).diagnostics, []);
  });
});
