/** Tool names and versions as SBOM summaries report them. */

export interface ToolRef {
  name: string;
  version?: string;
}

/**
 * SPDX creator `Tool: name-1.2.3` (SPDX 2.3 §6.8: "Tool: toolidentifier-version").
 * The version is the part after the last `-` (or space) that starts with a digit or `v<digit>`.
 */
export function parseSpdxTool(creator: string): ToolRef | undefined {
  const match = /^Tool:\s*(.+)$/.exec(creator.trim());
  if (!match) return undefined;
  const text = match[1]!.trim();
  const version = /^(.*?)[-\s@]+(v?\d[\w.+-]*)$/.exec(text);
  if (version && version[1]) return { name: version[1], version: version[2]! };
  return { name: text };
}

/** Summary fields for the first tool: `tool`, `toolVersion`, and every tool in `tools`. */
export function toolSummary(tools: ToolRef[]): Record<string, unknown> {
  const summary: Record<string, unknown> = {};
  const first = tools[0];
  if (first) {
    summary.tool = first.name;
    if (first.version !== undefined) summary.toolVersion = first.version;
  }
  if (tools.length > 0) summary.tools = tools.map((t) => (t.version === undefined ? { name: t.name } : { ...t }));
  return summary;
}
