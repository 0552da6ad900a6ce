// Satisfaction: the requester rates a resolved ticket 1-5 (the rating buttons on the resolution message).
// A rating is an audit event (action "rate", field "satisfaction"): no table of its own.
import type { Command } from "../../core/commands.js";
import type { Capability } from "../../core/capability.js";
import { DeskError, forbidden, invalid } from "../../core/errors.js";
import { auditOfTicket } from "../../store/audit.js";

export const SATISFACTION = "satisfaction";

/** The command a rating button stands for; `score` is "1".."5". */
export function rateCommand(ticket: number, score: string): Command | undefined {
  return /^[1-5]$/.test(score.trim()) ? { kind: "capability", capability: SATISFACTION, verb: "rate", number: ticket, text: score.trim() } : undefined;
}

export function satisfactionCapability(): Capability {
  return {
    name: SATISFACTION,
    actions: { rate: rateCommand },
    async command(ctx, cmd) {
      if (cmd.verb !== "rate" || cmd.number === undefined) throw new DeskError("UNKNOWN_COMMAND", `Satisfaction has no verb "${cmd.verb}".`);
      const score = Number(cmd.text);
      if (!Number.isInteger(score) || score < 1 || score > 5) throw invalid("A rating is a whole number from 1 to 5.", "score");
      const t = await ctx.load(cmd.number);
      if (t.requesterId !== ctx.actor.id) throw forbidden(`Only the person who asked for #${t.number} can rate it.`);
      if (t.status !== "resolved" && t.status !== "closed") throw new DeskError("INVALID_TRANSITION", `#${t.number} is not resolved yet; rate it once it is.`);
      const last = (await auditOfTicket(ctx.trx, t.number)).filter((e) => e.action === "rate").at(-1);
      if (last?.to_value === String(score)) throw new DeskError("INVALID_TRANSITION", `You already rated #${t.number} ${score}/5. Thank you!`);
      const snapshot = await ctx.announce(t, "rated", `${ctx.actor.name} rated #${t.number} ${score}/5`, {
        action: "rate",
        field: "satisfaction",
        to: String(score),
      });
      return { ok: true, kind: "capability", text: `Thank you for rating #${t.number} ${score}/5.`, snapshot };
    },
  };
}
