// Tickets as CSV for spreadsheets and BI tools (RFC 4180 quoting; cells that a spreadsheet would run as a
// formula are prefixed with a quote).
import type { Db } from "../../store/connection.js";

const COLUMNS = [
  "number",
  "title",
  "type",
  "category",
  "service",
  "impact",
  "urgency",
  "priority",
  "status",
  "requester",
  "assignee",
  "team",
  "tags",
  "source",
  "source_link",
  "created_at",
  "first_response_at",
  "resolved_at",
  "closed_at",
  "resolution",
] as const;

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export async function ticketsCsv(db: Db, from: number, to: number): Promise<{ csv: string; rows: number }> {
  const rows = await db
    .selectFrom("tickets as t")
    .innerJoin("people as r", "r.id", "t.requester_id")
    .leftJoin("people as a", "a.id", "t.assignee_id")
    .selectAll("t")
    .select(["r.display_name as requester", "a.display_name as assignee"])
    .where("t.created_at", ">=", from)
    .where("t.created_at", "<", to)
    .orderBy("t.id")
    .execute();
  const lines = [COLUMNS.join(",")];
  for (const t of rows) {
    const values: Record<(typeof COLUMNS)[number], unknown> = {
      number: t.id,
      title: t.title,
      type: t.type,
      category: t.category,
      service: t.service,
      impact: t.impact,
      urgency: t.urgency,
      priority: t.priority,
      status: t.status,
      requester: t.requester,
      assignee: t.assignee,
      team: t.team,
      tags: (JSON.parse(t.tags) as string[]).join(" "),
      source: t.source_kind,
      source_link: t.source_link,
      created_at: iso(t.created_at),
      first_response_at: iso(t.first_response_at),
      resolved_at: iso(t.resolved_at),
      closed_at: iso(t.closed_at),
      resolution: t.resolution,
    };
    lines.push(COLUMNS.map((c) => csvCell(values[c])).join(","));
  }
  return { csv: `${lines.join("\r\n")}\r\n`, rows: rows.length };
}
