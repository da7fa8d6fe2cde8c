// How the extension starts the server: the configured executable, else the configured Python
// interpreter with `-m stepflow_lint`, else `stepflow-lint` on PATH. Free of the `vscode` module
// so that the integration test starts the server exactly as the extension does.

import * as path from "path";

export interface ServerCommand {
  command: string;
  args: string[];
}

/** `${workspaceFolder}` and a leading `~` in a configured path, expanded. */
export function expandPath(value: string, workspaceFolder: string | undefined, home: string): string {
  let expanded = value;
  if (workspaceFolder !== undefined) expanded = expanded.split("${workspaceFolder}").join(workspaceFolder);
  if (expanded === "~" || expanded.startsWith("~/")) expanded = path.join(home, expanded.slice(1));
  return expanded;
}

export function serverCommand(
  settings: { path: string; interpreter: string },
  workspaceFolder: string | undefined,
  home: string,
): ServerCommand {
  if (settings.path) {
    return { command: expandPath(settings.path, workspaceFolder, home), args: ["server"] };
  }
  if (settings.interpreter) {
    return { command: expandPath(settings.interpreter, workspaceFolder, home), args: ["-m", "stepflow_lint", "server"] };
  }
  return { command: "stepflow-lint", args: ["server"] };
}
