// `audit export <from> <to> [csv|jsonl]` for leads and admins: the audit trail of a range as a file, handed
// back as the outcome's file (the console prints its path; chat adapters upload it).
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "../../core/commands.js";
import type { Capability } from "../../core/capability.js";
import type { Outcome } from "../../core/context.js";
import { invalid } from "../../core/errors.js";
import { readOffThread } from "../../store/reader-thread.js";
import { DEFAULT_MAX_DAYS, parseExportArgs, type writeAuditExport } from "./export.js";

export const AUDIT = "audit";

const cap = (text: string): Command => ({ kind: "capability", capability: AUDIT, verb: "audit", text });

export function auditCapability(opts: { outDir?: string } = {}): Capability {
  const outDir = resolve(opts.outDir ?? "data/files/audit");
  // "audit" followed by anything but "export" ("audit of laptops") opens a ticket as any other text would.
  return {
    name: AUDIT,
    verbs: [
      {
        usage: [{ verb: "audit", form: "audit export <from> <to> [csv|jsonl]", says: "the audit trail of a range as a file (leads, admins)" }],
        parse: (args, text) => (args[0]?.toLowerCase() === "export" ? cap(text) : undefined),
      },
    ],
    async command(ctx, cmd): Promise<Outcome> {
      ctx.require("export_audit", "export the audit trail");
      const words = (cmd.text ?? "").trim().split(/\s+/).filter(Boolean);
      if (words[0]?.toLowerCase() !== "export") throw invalid("Usage: audit export <from> <to> [csv|jsonl].");
      const { range, format } = parseExportArgs(words.slice(1), ctx.settings.audit?.exportMaxDays ?? DEFAULT_MAX_DAYS);
      mkdirSync(outDir, { recursive: true });
      const stamp = `${new Date(ctx.now).toISOString().replace(/[:.]/g, "-")}-${Math.random().toString(36).slice(2, 6)}`;
      const path = join(outDir, `audit-${range.label.replace("..", "_")}-${stamp}.${format}`);
      // Read and written in the reader thread (its own connection sees the last commit): a year of audit
      // events must not stop the event loop.
      const r = await readOffThread<Awaited<ReturnType<typeof writeAuditExport>>>(
        ctx.trx as never,
        new URL("./export.ts", import.meta.url),
        "writeAuditExport",
        [range, format, path],
      );
      const check = r.broken.length
        ? `WARNING: ${r.broken.length === 1 ? "1 event does not match its hash" : `${r.broken.length} events do not match their hashes`} (first: event ${r.broken[0]}); run npm run audit:verify.`
        : "Every event's hash checks out.";
      return {
        ok: true,
        kind: "capability",
        text: `Exported ${r.events} audit event${r.events === 1 ? "" : "s"} (${range.label}) as ${format.toUpperCase()} to ${path}. ${check}`,
        files: [{ path, title: `Audit trail ${range.label}`, mime: format === "csv" ? "text/csv" : "application/x-ndjson" }],
      };
    },
  };
}
