// `outbox` for admins: what is waiting to be said, what is being retried, and what gave up (dead letters),
// with `outbox retry <id|dead>` to send dead letters again once the cause is fixed.
import { sql } from "kysely";
import type { Command } from "../../core/commands.js";
import type { Capability } from "../../core/capability.js";
import type { Outcome } from "../../core/context.js";
import { invalid } from "../../core/errors.js";
import { recoveryCounts } from "../../store/outbox.js";

export const OUTBOX = "outbox";

const cap = (text: string): Command => ({ kind: "capability", capability: OUTBOX, verb: "outbox", text });

export function outboxCapability(): Capability {
  return {
    name: OUTBOX,
    verbs: [
      {
        usage: [{ verb: "outbox", form: "outbox [retry <id>|retry dead]", says: "pending, retrying and dead messages (admins)" }],
        parse: (args, text) => (!args.length || (args[0]?.toLowerCase() === "retry" && args.length === 2) ? cap(text) : undefined),
      },
    ],
    async command(ctx, cmd): Promise<Outcome> {
      ctx.require("manage_outbox", "see and retry the outbox");
      const [sub, arg] = (cmd.text ?? "").trim().split(/\s+/);
      if (sub?.toLowerCase() === "retry") {
        const q = ctx.trx
          .updateTable("outbox")
          .set({ status: "pending", attempts: 0, next_attempt_at: ctx.now, last_error: null })
          .where("status", "=", "dead");
        const r = arg === "dead" ? await q.executeTakeFirst() : /^\d+$/.test(arg ?? "") ? await q.where("id", "=", Number(arg)).executeTakeFirst() : undefined;
        if (!r) throw invalid('Say which: "outbox retry 42" or "outbox retry dead".');
        const n = Number(r.numUpdatedRows);
        if (!n) throw invalid(arg === "dead" ? "There are no dead messages." : `Message ${arg} is not dead (only dead messages are retried by hand).`);
        return { ok: true, kind: "capability", text: `${n} message${n === 1 ? "" : "s"} queued again.` };
      }
      const counts = await ctx.trx
        .selectFrom("outbox")
        .select(["platform", "status", sql<number>`count(*)`.as("n")])
        .where("status", "!=", "sent")
        .groupBy(["platform", "status"])
        .orderBy("platform")
        .execute();
      const sent = await ctx.trx
        .selectFrom("outbox")
        .select(sql<number>`count(*)`.as("n"))
        .where("status", "=", "sent")
        .executeTakeFirstOrThrow();
      const trouble = await ctx.trx.selectFrom("outbox").selectAll().where("status", "in", ["retrying", "dead"]).orderBy("id", "desc").limit(10).execute();
      const lines = [`Outbox: ${Number(sent.n)} sent${counts.length ? "" : ", nothing waiting"}.`];
      for (const c of counts) lines.push(`  ${c.platform}: ${Number(c.n)} ${c.status}`);
      lines.push(...(await recoveryLines(ctx.trx)));
      for (const r of trouble)
        lines.push(
          `  #${r.id} ${r.status} ${r.platform} ${r.kind} to ${r.target}${r.ticket_id ? ` (ticket #${r.ticket_id})` : ""}, ${r.attempts} attempt${r.attempts === 1 ? "" : "s"}: ${r.last_error ?? ""}`,
        );
      return { ok: true, kind: "capability", text: lines.join("\n") };
    },
  };
}

const RECOVERY_SAYS: Record<string, string> = {
  found: "found already posted, not sent again",
  resent: "not found, sent once",
  lookup: "still to be looked for",
  may_repeat: "sent again: they may show twice",
};

/** Messages that were in flight at a stop (or lost their answer), per platform: what became of them. */
async function recoveryLines(db: Parameters<typeof recoveryCounts>[0]): Promise<string[]> {
  const byPlatform = new Map<string, string[]>();
  const total = new Map<string, number>();
  for (const c of await recoveryCounts(db)) {
    byPlatform.set(c.platform, [...(byPlatform.get(c.platform) ?? []), `${c.n} ${RECOVERY_SAYS[c.recovery] ?? c.recovery}`]);
    total.set(c.platform, (total.get(c.platform) ?? 0) + c.n);
  }
  return [...byPlatform].map(
    ([p, parts]) => `  ${p}: ${total.get(p)} message${total.get(p) === 1 ? " was" : "s were"} in flight at a stop: ${parts.join("; ")}`,
  );
}
