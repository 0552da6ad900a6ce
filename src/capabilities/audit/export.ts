// The audit trail as CSV or JSON Lines for an auditor: every event in a time range with the hash-chain
// columns, so each row can be checked against its hash and the rows against each other.
import { closeSync, openSync, writeSync } from "node:fs";
import { eventHash } from "../../store/audit-chain.js";
import type { Db } from "../../store/connection.js";
import { invalid } from "../../core/errors.js";
import { z } from "zod";

export type AuditFormat = "csv" | "jsonl";

export const AUDIT_COLUMNS = [
  "id",
  "at",
  "at_ms",
  "ticket_id",
  "actor_id",
  "actor",
  "actor_name",
  "platform",
  "action",
  "field",
  "from_value",
  "to_value",
  "reason",
  "prev_hash",
  "hash",
] as const;
export type AuditRecord = Record<(typeof AUDIT_COLUMNS)[number], string | number | null>;

const DAY = 86_400_000;
export const DEFAULT_MAX_DAYS = 366;

export interface AuditRange {
  from: number;
  /** Exclusive. */
  to: number;
  label: string;
}

/**
 * A date (YYYY-MM-DD, a UTC day: `to` takes the whole day) or an ISO time with its zone
 * (2026-11-24T15:00Z, 2026-11-24T15:00:00+01:00).
 */
function parseWhen(text: string, end: boolean): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    const t = Date.parse(`${text}T00:00:00Z`);
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== text) throw invalid(`"${text}" is not a date that exists.`);
    return end ? t + DAY : t;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) {
    const t = Date.parse(text);
    if (!Number.isNaN(t)) return t;
  }
  throw invalid(`"${text}" is not a date: write YYYY-MM-DD (a whole UTC day) or an ISO time with its zone, such as 2026-11-24T15:00Z.`);
}

/** `audit export <from> <to> [csv|jsonl]` after the word "export". */
export function parseExportArgs(words: string[], maxDays = DEFAULT_MAX_DAYS): { range: AuditRange; format: AuditFormat } {
  const usage = "Usage: audit export <from> <to> [csv|jsonl], dates as YYYY-MM-DD, e.g. audit export 2026-11-01 2026-11-30 csv.";
  if (words.length < 2 || words.length > 3)
    throw invalid(words.length < 2 ? `Give the first and last day of the export. ${usage}` : `I did not expect "${words.slice(3).join(" ")}". ${usage}`);
  const format = (words[2] ?? "csv").toLowerCase();
  if (format !== "csv" && format !== "jsonl") throw invalid(`The format must be csv or jsonl (got "${words[2]}").`);
  const from = parseWhen(words[0]!, false);
  const to = parseWhen(words[1]!, true);
  if (to <= from) throw invalid(`The range is reversed: ${words[0]} is after ${words[1]}; write the earlier date first.`);
  const days = (to - from) / DAY;
  if (days > maxDays)
    throw invalid(`The range covers ${Math.ceil(days)} days; one export may cover at most ${maxDays} (audit.export_max_days). Export it in parts.`);
  return { range: { from, to, label: `${words[0]}..${words[1]}` }, format };
}

export function csvField(v: string | number | null): string {
  if (v === null) return "";
  const s = String(v);
  // Written as stored (no spreadsheet-formula escaping): a changed value would no longer match its hash.
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface ExportResult {
  events: number;
  /** Events whose hash does not follow from their content and prev_hash, or whose link breaks within the file. */
  broken: number[];
}

/** Writes the range's events to `path`, a page at a time; checks each row's hash as it goes. */
export async function writeAuditExport(db: Db, range: AuditRange, format: AuditFormat, path: string): Promise<ExportResult> {
  const fd = openSync(path, "w");
  const broken: number[] = [];
  let events = 0;
  let lastId = 0;
  let prev: { id: number; hash: string | null } | undefined;
  try {
    if (format === "csv") writeSync(fd, `${AUDIT_COLUMNS.join(",")}\r\n`);
    for (;;) {
      const rows = await db
        .selectFrom("audit_events as a")
        .leftJoin("people as p", "p.id", "a.actor_id")
        .selectAll("a")
        .select(["p.platform as actor_platform", "p.user_id as actor_user", "p.display_name as actor_name"])
        .where("a.at", ">=", range.from)
        .where("a.at", "<", range.to)
        .where("a.id", ">", lastId)
        .orderBy("a.id")
        .limit(2000)
        .execute();
      if (!rows.length) break;
      let out = "";
      for (const r of rows) {
        lastId = r.id;
        events++;
        const linked = !prev || prev.id !== r.id - 1 || prev.hash === r.prev_hash;
        if (!linked || eventHash(r.prev_hash ?? "", r) !== r.hash) broken.push(r.id);
        prev = { id: r.id, hash: r.hash };
        const rec: AuditRecord = {
          id: r.id,
          at: new Date(r.at).toISOString(),
          at_ms: r.at,
          ticket_id: r.ticket_id,
          actor_id: r.actor_id,
          actor: r.actor_platform ? `${r.actor_platform}:${r.actor_user}` : null,
          actor_name: r.actor_name,
          platform: r.platform,
          action: r.action,
          field: r.field,
          from_value: r.from_value,
          to_value: r.to_value,
          reason: r.reason,
          prev_hash: r.prev_hash,
          hash: r.hash,
        };
        out += format === "csv" ? `${AUDIT_COLUMNS.map((c) => csvField(rec[c])).join(",")}\r\n` : `${JSON.stringify(rec)}\n`;
      }
      writeSync(fd, out);
    }
  } finally {
    closeSync(fd);
  }
  return { events, broken };
}

/** The settings file's `audit:` section. */
export const auditSchema = z.object({ export_max_days: z.number().int().min(1).max(3660).default(366) }).strict();

declare module "../../core/settings.js" {
  interface DeskSettings {
    /** The audit export: the longest range one export may cover, in days (default 366). */
    audit?: { exportMaxDays: number };
  }
}
