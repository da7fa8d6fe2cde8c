// The extension's settings, and what the server is told: the config file's keys (`select`,
// `extend-select`, ...) plus the server's own `only-flows` and `fix-all-on-save`. Kept free of
// the `vscode` module so that it can be unit-tested under plain Node.

export interface ExtensionSettings {
  path: string;
  interpreter: string;
  select: string[];
  ignore: string[];
  extendSelect: string[];
  severity: Record<string, string>;
  fixAllOnSave: boolean;
  onlyFlows: boolean;
}

export const DEFAULTS: ExtensionSettings = {
  path: "",
  interpreter: "",
  select: [],
  ignore: [],
  extendSelect: [],
  severity: {},
  fixAllOnSave: false,
  onlyFlows: true,
};

/** Reads each setting through `get` (VS Code's `WorkspaceConfiguration.get`), falling back to the defaults. */
export function readSettings(get: (key: string) => unknown): ExtensionSettings {
  const settings: ExtensionSettings = { ...DEFAULTS, severity: {} };
  const text = (key: "path" | "interpreter") => {
    const value = get(key);
    settings[key] = typeof value === "string" ? value.trim() : DEFAULTS[key];
  };
  const list = (key: "select" | "ignore" | "extendSelect") => {
    const value = get(key);
    settings[key] = Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  };
  text("path");
  text("interpreter");
  list("select");
  list("ignore");
  list("extendSelect");
  const severity = get("severity");
  if (severity && typeof severity === "object" && !Array.isArray(severity)) {
    for (const [code, level] of Object.entries(severity as Record<string, unknown>)) {
      if (typeof level === "string") settings.severity[code] = level;
    }
  }
  const flag = (key: "fixAllOnSave" | "onlyFlows") => {
    const value = get(key);
    settings[key] = typeof value === "boolean" ? value : DEFAULTS[key];
  };
  flag("fixAllOnSave");
  flag("onlyFlows");
  return settings;
}

function codes(values: string[]): string[] {
  return values
    .flatMap((value) => value.split(","))
    .map((code) => code.trim().toUpperCase())
    .filter((code) => code.length > 0);
}

/**
 * The settings the server reads (initializationOptions and workspace/configuration).
 * An empty rule list is left out rather than sent: the nearest config file then decides,
 * where an empty `select` would switch every rule off.
 */
export function toServerSettings(settings: ExtensionSettings): Record<string, unknown> {
  const server: Record<string, unknown> = {
    "only-flows": settings.onlyFlows,
    "fix-all-on-save": settings.fixAllOnSave,
  };
  const lists: Array<[string, string[]]> = [
    ["select", settings.select],
    ["ignore", settings.ignore],
    ["extend-select", settings.extendSelect],
  ];
  for (const [key, values] of lists) {
    const found = codes(values);
    if (found.length > 0) server[key] = found;
  }
  const severity: Record<string, string> = {};
  for (const [code, level] of Object.entries(settings.severity)) {
    severity[code.trim().toUpperCase()] = level.trim().toLowerCase();
  }
  if (Object.keys(severity).length > 0) server.severity = severity;
  return server;
}
