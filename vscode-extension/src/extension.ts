// The VS Code side: start `stepflow-lint server` for YAML documents and hand it the settings.
// Everything the user sees (diagnostics, fixes, hover, ...) comes from the server.

import * as os from "os";
import * as vscode from "vscode";
import {
  ConfigurationParams,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

import { looksLikeFlow } from "./flows";
import { serverCommand } from "./launch";
import { readSettings, toServerSettings } from "./settings";

const SECTION = "stepflow-lint";
let client: LanguageClient | undefined;

function currentSettings(scope?: vscode.ConfigurationScope) {
  const configuration = vscode.workspace.getConfiguration(SECTION, scope);
  return readSettings((key) => configuration.get(key));
}

function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const settings = currentSettings();
  const launch = serverCommand(settings, workspaceFolder(), os.homedir());
  const serverOptions: ServerOptions = { command: launch.command, args: launch.args, transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "yaml" },
      { scheme: "untitled", language: "yaml" },
    ],
    initializationOptions: toServerSettings(settings),
    middleware: {
      workspace: {
        // The server asks for its section; it gets the translated settings, not VS Code's raw ones.
        configuration: (params: ConfigurationParams, token, next) => {
          const answers = params.items.map((item) =>
            item.section === SECTION
              ? toServerSettings(currentSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined))
              : null,
          );
          return params.items.every((item) => item.section === SECTION) ? answers : next(params, token);
        },
      },
    },
  };
  client = new LanguageClient(SECTION, "Stepflow Lint", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Stepflow Lint: could not start \`${launch.command} ${launch.args.join(" ")}\` (${String(error)}). ` +
        "Install it with `pip install 'stepflow-lint[lsp]'`, or set `stepflow-lint.path` or `stepflow-lint.interpreter`.",
    );
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  const running = client;
  client = undefined;
  if (running) await running.stop();
  await start(context);
}

function isFlowDocument(document: vscode.TextDocument): boolean {
  return document.languageId === "yaml" && looksLikeFlow(document.getText());
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("stepflow-lint.restart", () => restart(context)),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration(SECTION)) return;
      const executable =
        event.affectsConfiguration(`${SECTION}.path`) || event.affectsConfiguration(`${SECTION}.interpreter`);
      if (executable && client !== undefined) {
        await restart(context); // another executable: another server
      }
      // Other settings reach the running server: it asks for them again on didChangeConfiguration.
    }),
  );
  // VS Code activates the extension for any YAML file; the server starts once a flow is open.
  if (vscode.workspace.textDocuments.some(isFlowDocument)) {
    await start(context);
    return;
  }
  const waiting = vscode.workspace.onDidOpenTextDocument(async (document) => {
    if (client === undefined && isFlowDocument(document)) {
      waiting.dispose();
      await start(context);
    }
  });
  context.subscriptions.push(waiting);
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}
