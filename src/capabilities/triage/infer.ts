// What the text and the configuration say about a new ticket: impact and urgency with the reason,
// and the category the configured rules (keywords, patterns) point at.
import type { DeskSettings } from "../../core/settings.js";
import type { Level } from "../../core/ticket.js";
import { words } from "./features.js";
import type { TriageSettings } from "./settings.js";

export interface Inferred {
  level: Level;
  reason: string;
}

const EVERYONE =
  /\b(every(one|body)|all (users|staff|of us|employees)|whole (office|floor|company|team|building)|entire (office|floor|company|team|building)|nobody can|no ?one can|company[- ]wide|outage)\b/;
const JUST_ME = /\b(just|only) (me|my (laptop|machine|account))\b/;
const CANT_WORK =
  /\b(can(no|')?t|unable to|could ?n[o']?t) (work|log ?in|login|sign ?in|access anything|do (my|any) work)\b|\b(blocked|urgent|asap|emergency|right now|immediately)\b/;
const NO_RUSH = /\b(no rush|when(ever)? you (have|get) (time|a chance)|not urgent|low priority|next week)\b/;

function normal(text: string): string {
  return text.toLowerCase().replace(/[’‘]/g, "'");
}

function quote(m: RegExpExecArray): string {
  return `"${m[0]}"`;
}

export function inferImpact(
  text: string,
  requesterKeys: string[],
  service: string | null,
  settings: DeskSettings,
  triage: TriageSettings,
): Inferred | undefined {
  const vip = triage.vip.find((m) => requesterKeys.includes(m.toLowerCase()));
  if (vip) return { level: "high", reason: `VIP requester (${vip})` };
  const s = service ? settings.services.find((x) => x.name === service) : undefined;
  if (s?.critical) return { level: "high", reason: `affected service ${s.name} is critical` };
  const t = normal(text);
  const everyone = EVERYONE.exec(t);
  if (everyone) return { level: "high", reason: `affects many people: ${quote(everyone)}` };
  const me = JUST_ME.exec(t);
  if (me) return { level: "low", reason: `affects one person: ${quote(me)}` };
  return undefined;
}

export function inferUrgency(text: string): Inferred | undefined {
  const t = normal(text);
  const blocked = CANT_WORK.exec(t);
  if (blocked) return { level: "high", reason: `work is blocked: ${quote(blocked)}` };
  const calm = NO_RUSH.exec(t);
  if (calm) return { level: "low", reason: `no rush: ${quote(calm)}` };
  return undefined;
}

export interface RuleMatch {
  category: string;
  confidence: number;
  reason: string;
}

/** The category whose keywords and patterns match most; confidence is its share of all matches. */
export function ruleCategory(text: string, settings: DeskSettings, triage: TriageSettings): RuleMatch | undefined {
  const ws = new Set(words(text));
  const t = normal(text);
  const hits = new Map<string, string[]>();
  const hit = (category: string, what: string) => hits.set(category, [...(hits.get(category) ?? []), what]);
  for (const c of settings.categories) {
    for (const k of c.keywords) {
      const key = k.toLowerCase();
      if (key.includes(" ") ? t.includes(key) : ws.has(key.replace(/[-_]/g, ""))) hit(c.name, `keyword "${k}"`);
    }
  }
  for (const p of triage.patterns) {
    if (new RegExp(p.pattern, "iu").test(text)) hit(p.category, `pattern /${p.pattern}/`);
  }
  if (!hits.size) return undefined;
  const all = [...hits.values()].reduce((n, h) => n + h.length, 0);
  const [category, why] = [...hits.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
  return { category, confidence: why.length / all, reason: `rule: ${why.join(", ")}` };
}

export interface InferredType {
  type: "access_request" | "service_request";
  reason: string;
}

// Asking for access, a permission, a role or membership: "need admin access to the AWS prod account",
// "please grant me write permission on the finance share", "add me to the sales channel".
const ACCESS =
  /\b((need|needs|want|request(ing)?|give|grant|get|requires?)\b[^.?!]{0,40}\b(access|permissions?|rights|admin|role|privileges?)\b|\badd (me|us|\w+) to (the )?[\w -]{1,40}\b(group|channel|team|list|repo|repository|project|share|drive|folder)\b|\b(access|permission) (request|to)\b)/;
// Asking for something to be provided or set up: "please install Visio", "need a new monitor", "set up a mailbox".
const SERVICE =
  /\b(please |pls |can (you|i|we) |could (you|i|we) |need (to )?|want to |would like (to )?|request(ing)? )?(install|set ?up|provision|order|upgrade|create|get)\b|\b(need|want|request(ing)?|would like|order)\b[^.?!]{0,20}\b(new|another|a|an|second|spare)\b [\w -]{0,30}\b(laptop|monitor|screen|keyboard|mouse|headset|phone|license|licence|account|mailbox|desk|dock|docking station|software|chair|adapter|cable)s?\b/;
// What a broken thing says: then it is an incident, however the sentence starts.
const BROKEN =
  /\b(broken|down|crash(es|ed|ing)?|fail(s|ed|ing)?|error|not working|doesn'?t work|does not work|can'?t|cannot|unable|stopped|won'?t|lost|slow|frozen|freez(es|ing))\b/;

/**
 * The type of a ticket told in one line (a title with little or no description): a request for access or for a
 * service, with the words that say so; undefined for anything else (it stays an incident) or when something is
 * reported broken.
 */
export function inferType(title: string, description: string): InferredType | undefined {
  const text = normal(`${title} ${description}`.trim());
  if (description.trim().split(/\s+/).length > 30 || BROKEN.test(text)) return undefined;
  const access = ACCESS.exec(text);
  if (access) return { type: "access_request", reason: `asks for access: ${quote(access)}` };
  const service = SERVICE.exec(text);
  if (service) return { type: "service_request", reason: `asks for something to be provided: ${quote(service)}` };
  return undefined;
}
