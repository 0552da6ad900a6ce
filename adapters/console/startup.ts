// What a person at a terminal reads before the first prompt: what is on and what is off, in one short block,
// with the fix for each thing that is off, instead of one warning a component before the prompt.

export interface StartupState {
  deskName: string;
  /** Platforms serving real users ("slack", "teams"). */
  platforms: string[];
  /** "on HOST:PORT (/healthz)" or "off: <why>". */
  http: string;
  /** Teams without an app id answers the Bot Framework Emulator on loopback. */
  emulator: boolean;
  console: boolean;
  /** Alert sources that accept alerts (their secret is set), and every source configured. */
  webhooks: string[];
  alertSources: string[];
  sla: boolean;
  approvals: boolean;
  digest: boolean;
}

/** Notes the block already says in its on/off lines (an emulator's and an unused webhook's warnings). */
const SAID_BY_THE_BLOCK = [
  /^Teams: POST \S+ in Emulator mode/,
  /^Teams: no agents' channel yet/,
  /^Teams: PUBLIC_URL is not set/,
  /^Webhooks refusing alerts until their secret is set/,
];

/** What is on and what is off, in one short block before the prompt; notes it does not cover follow it. */
export function startupBlock(s: StartupState, notes: string[]): string {
  const on: string[] = [];
  const off: string[] = [];
  if (s.console) on.push("console");
  if (s.http.startsWith("on ")) on.push(`HTTP ${s.http}`);
  else off.push(`HTTP (${s.http.replace(/^off: /, "")})`);
  if (s.platforms.includes("slack")) on.push("Slack");
  else off.push("Slack (needs SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)");
  if (s.platforms.includes("teams")) on.push("Teams");
  else {
    if (s.emulator && s.http.startsWith("on ")) on.push("Teams Emulator (loopback only)");
    off.push("Teams (needs MicrosoftAppId)");
  }
  if (s.webhooks.length) on.push(`webhooks ${s.webhooks.join(", ")}`);
  const waiting = s.alertSources.filter((a) => !s.webhooks.includes(a));
  if (waiting.length) off.push(`webhooks ${waiting.join(", ")} (no secret set)`);
  const unset: string[] = [];
  for (const [name, wanted] of [
    ["SLA clocks", s.sla],
    ["approvals", s.approvals],
    ["weekly digest", s.digest],
  ] as const)
    (wanted ? on : unset).push(name);
  if (unset.length) off.push(`${unset.join(", ")} (not in the settings file)`);
  const rest = notes.filter((n) => !SAID_BY_THE_BLOCK.some((r) => r.test(n)) || s.platforms.includes("teams"));
  return [`${s.deskName} is ready.`, ...wrap("  On:  ", on), ...wrap("  Off: ", off), ...rest.map((n) => `  ${n}`)].join("\n");
}

/** Items joined with " · ", on lines of at most about 100 characters, continued under the first item. */
function wrap(head: string, items: string[]): string[] {
  const rows: string[][] = [];
  for (const item of items) {
    const row = rows[rows.length - 1];
    if (row && head.length + [...row, item].join(" · ").length <= 100) row.push(item);
    else rows.push([item]);
  }
  return rows.map((row, i) => `${i === 0 ? head : " ".repeat(head.length)}${row.join(" · ")}`);
}
