// Whether a YAML document is a Stepflow flow, by the same text markers as the linter's
// discovery (stepflow_lint/discovery.py `_FLOW_TEXT`): a top-level `steps:` or `schema:` key, a
// `component: /…` entry, or a `$step` / `$from` reference. The extension starts the server only
// once such a document is open; the server then applies the full classification itself.

const FLOW_TEXT = /^(steps|schema)\s*:|^\s*-?\s*component\s*:\s*['"]?\/|\$(step|from)\b/m;

export function looksLikeFlow(text: string): boolean {
  return FLOW_TEXT.test(text);
}
