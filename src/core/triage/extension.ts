// Triage on arrival, as a core Extension: priority from impact x urgency (inferred when the requester
// did not choose), category and team from rules and a learned classifier, an owner by the team's rule,
// and duplicates caught by full-text similarity. Every decision is a change or an audit event with its reason.
import type { Db } from "../../store/connection.js";
import type { Ctx, Extension, Outcome, Trx } from "../desk.js";
import type { ChangeKind } from "../notify.js";
import { personKey } from "../people.js";
import { atLeast } from "../roles/permissions.js";
import type { DeskSettings } from "../settings.js";
import { STATUS_LABEL, isOpen, priorityOf, type Ticket } from "../ticket.js";
import { NaiveBayes, type Guess } from "./classifier.js";
import { runTriageCommand } from "./commands.js";
import { inferImpact, inferUrgency, ruleCategory, type RuleMatch } from "./infer.js";
import { chooseOwner } from "./owner.js";
import { DEFAULT_TRIAGE, type TriageSettings } from "./settings.js";
import * as store from "./store.js";
import type { Command } from "../commands.js";

/** What triage adds to a snapshot (snapshot.extras.triage), for the card. */
export interface TriageExtras {
  suggestion?: { category: string; confidence: number; source: string; reason: string; applied: boolean; outcome: string | null };
  priorityReason?: string;
  ownerReason?: string;
  duplicate?: { original: number; title: string; score: number; state: store.DuplicateRow["state"] };
  duplicates: number;
  offer?: { count: number; state: string };
  categories: string[];
}

export interface Suggestion {
  category: string;
  confidence: number;
  source: "rule" | "model";
  reason: string;
}

/** The original's changes its duplicates' requesters hear of (resolve and close they follow outright). */
const SHARED = new Set(["commented", "status", "claimed", "assigned"]);

export class Triage implements Extension {
  readonly name = "triage";
  readonly model: NaiveBayes;

  constructor(private readonly settings: DeskSettings) {
    this.model = new NaiveBayes(settings.categories.map((c) => c.name));
  }

  get conf(): TriageSettings {
    return this.settings.triage ?? DEFAULT_TRIAGE;
  }

  private trained = false;

  /** Learns from the desk's resolved history (once); returns how many tickets it read. */
  async train(db: Db | Trx): Promise<number> {
    if (this.trained) return 0;
    this.trained = true;
    const rows = await store.trainingSet(db);
    for (const r of rows) this.model.learn(`${r.title}\n${r.description}`, r.category);
    return rows.length;
  }

  /** The category rules point at, unless the model learned otherwise with confidence; else the model's guess. */
  suggest(text: string): Suggestion | undefined {
    return combine(ruleCategory(text, this.settings, this.conf), this.model.guess(text), this.model.examples, this.conf);
  }

  async afterChange(ctx: Ctx, change: { kind: ChangeKind; before: Ticket | null; after: Ticket; comment?: { body: string; internal: boolean } }): Promise<void> {
    await this.train(ctx.trx);
    // Triage's own changes use kinds it does not react to ("triaged"), so its ctx.change calls cannot recurse.
    if (change.kind === "created" && ctx.envelope.command.kind === "create") return this.onCreated(ctx, change.after, ctx.envelope.command);
    if (change.kind === "category" && atLeast(ctx.role, "agent")) return this.onAgentCategory(ctx, change.after);
    if (change.kind === "resolved" || change.kind === "closed") return this.followOriginal(ctx, change.after, change.kind === "resolved" ? "resolved" : "closed");
    if (SHARED.has(change.kind)) return this.shareWithDuplicates(ctx, change.after, change.kind, change.comment);
  }

  async command(ctx: Ctx, cmd: Extract<Command, { kind: "capability" }>): Promise<Outcome> {
    await this.train(ctx.trx);
    return runTriageCommand(this, ctx, cmd);
  }

  async enrich(db: Db | Trx, t: Ticket): Promise<TriageExtras> {
    const row = await store.triageOf(db, t.number);
    const dup = await store.duplicateOf(db, t.number);
    const original = dup && dup.state !== "rejected" ? await db.selectFrom("tickets").select("title").where("id", "=", dup.original_id).executeTakeFirst() : undefined;
    const dups = await store.countDuplicates(db, t.number);
    const offer = await store.offerFor(db, t.number);
    return {
      ...(row?.category ? { suggestion: { category: row.category, confidence: row.confidence ?? 0, source: row.source ?? "rule", reason: row.reason ?? "", applied: row.applied === 1, outcome: row.outcome } } : {}),
      ...(row?.priority_reason ? { priorityReason: row.priority_reason } : {}),
      ...(row?.owner_reason ? { ownerReason: row.owner_reason } : {}),
      ...(dup && original ? { duplicate: { original: dup.original_id, title: original.title, score: dup.score, state: dup.state } } : {}),
      duplicates: dups,
      ...(offer ? { offer: { count: offer.count, state: offer.state } } : {}),
      categories: this.settings.categories.map((c) => c.name),
    };
  }

  private async onCreated(ctx: Ctx, created: Ticket, cmd: Extract<Command, { kind: "create" }>): Promise<void> {
    let t = created;
    const text = `${t.title}\n${t.description}`;
    const row: store.TriageTicketRow = { ticket_id: t.number, category: null, confidence: null, source: null, reason: null, applied: 0, outcome: null, corrected_to: null, priority_reason: null, owner_reason: null, created_at: ctx.now };

    // Priority: impact x urgency, inferring what the requester did not choose.
    const requester = await ctx.person(t.requesterId);
    const keys = [personKey(requester).toLowerCase(), ...(requester.email ? [`email:${requester.email.toLowerCase()}`] : [])];
    const impact = cmd.impact ? { level: cmd.impact, reason: "chosen by the requester" } : (inferImpact(text, keys, t.service, this.settings, this.conf) ?? { level: t.impact, reason: "default" });
    const urgency = cmd.urgency ? { level: cmd.urgency, reason: "chosen by the requester" } : (inferUrgency(text) ?? { level: t.urgency, reason: "default" });
    const priority = priorityOf(this.settings.priorityMatrix, impact.level, urgency.level);
    row.priority_reason = `${priority}: impact ${impact.level} (${impact.reason}) x urgency ${urgency.level} (${urgency.reason})`;
    if (impact.level !== t.impact || urgency.level !== t.urgency) {
      await ctx.record.change(t, { impact: impact.level, urgency: urgency.level, priority }, "priority", `Triage set #${t.number} to ${priority}`, { reason: row.priority_reason });
      t = await ctx.load(t.number);
    }

    // Category and team: suggested, or applied in auto mode above the threshold.
    if (!cmd.category) {
      const s = this.suggest(text);
      if (s) {
        Object.assign(row, { category: s.category, confidence: s.confidence, source: s.source, reason: s.reason });
        if (this.conf.mode === "auto" && s.confidence >= this.conf.auto_threshold) {
          row.applied = 1;
          const team = this.settings.categories.find((c) => c.name === s.category)?.team;
          await ctx.record.change(t, { category: s.category, ...(team ? { team } : {}) }, "triaged", `Triage put #${t.number} in ${s.category}`, { reason: `${s.reason} (${pct(s.confidence)}, auto above ${pct(this.conf.auto_threshold)})` });
          t = await ctx.load(t.number);
        }
      }
    }
    await store.saveTriage(ctx.trx, row);
    await this.assignOwner(ctx, t);
    await this.findDuplicate(ctx, t);
  }

  /** Gives the ticket an owner by its team's rule, when it has a team and nobody yet. */
  async assignOwner(ctx: Ctx, t: Ticket): Promise<void> {
    if (!t.team || t.assigneeId || !isOpen(t.status)) return;
    const rule = this.conf.owner.find((o) => o.team === t.team)?.rule ?? "claim";
    const choice = await chooseOwner(ctx, t.team, rule);
    if (!choice) return;
    await ctx.record.change(t, { assignee_id: choice.person.id, ...(t.status === "new" ? { status: "triaged" } : {}) }, "triaged", `Triage assigned #${t.number} to ${choice.person.name}`, { reason: choice.reason });
    const row = await store.triageOf(ctx.trx, t.number);
    if (row) await store.saveTriage(ctx.trx, { ...row, owner_reason: `${choice.person.name}: ${choice.reason}` });
  }

  private async findDuplicate(ctx: Ctx, t: Ticket): Promise<void> {
    const d = this.conf.duplicates;
    const found = await store.similarOpenTickets(ctx.trx, t.number, t.title, t.description, ctx.now - d.window_hours * 3_600_000);
    const best = found
      .map((c) => ({ c, score: weighted(c, t) }))
      .sort((a, b) => b.score - a.score)[0];
    if (!best || best.score < d.threshold) return;
    // Point at the first report: a match on another duplicate means its original.
    const via = await store.duplicateOf(ctx.trx, best.c.id);
    const originalId = via && via.state !== "rejected" ? via.original_id : best.c.id;
    const original = await ctx.load(originalId);
    if (!isOpen(original.status)) return;
    await store.saveDuplicate(ctx.trx, { ticket_id: t.number, original_id: originalId, score: best.score, state: "suggested", created_at: ctx.now, decided_at: null });
    await ctx.record.announce(
      t,
      "duplicate_suggested",
      `#${t.number} looks like #${originalId} (${original.title})`,
      { action: "triage", field: "duplicate_of", to: `#${originalId}`, reason: `full-text similarity ${pct(best.score)}${best.c.service && best.c.service === t.service ? ", same service" : ""}${best.c.sourceKind === t.source.kind ? ", same source" : ""}` },
      undefined,
      `You are not alone: others have reported this too (#${originalId}: ${original.title}). The desk is on it and you will hear here.`,
    );
    await this.maybeOfferIncident(ctx, original);
  }

  /** K similar tickets within M minutes: one offer on the original, however many more arrive. */
  private async maybeOfferIncident(ctx: Ctx, original: Ticket): Promise<void> {
    const d = this.conf.duplicates;
    if (await store.offerFor(ctx.trx, original.number)) return;
    const since = ctx.now - d.incident_window_minutes * 60_000;
    const count = (await store.countDuplicates(ctx.trx, original.number, since)) + (original.createdAt >= since ? 1 : 0);
    if (count < d.incident_after) return;
    const all = await store.countDuplicates(ctx.trx, original.number);
    await store.saveOffer(ctx.trx, original.number, all, "offered", ctx.now);
    await ctx.record.announce(original, "incident_offer", `Declare incident from #${original.number} and its ${all} duplicates`, {
      action: "incident_offer",
      reason: `${count} similar tickets within ${d.incident_window_minutes} minutes (threshold ${d.incident_after})`,
    });
  }

  /** An agent set or corrected the category: the model learns it, and the suggestion is scored. */
  private async onAgentCategory(ctx: Ctx, t: Ticket): Promise<void> {
    if (!t.category) return;
    this.model.learn(`${t.title}\n${t.description}`, t.category);
    const row = await store.triageOf(ctx.trx, t.number);
    if (row?.category && !row.outcome) await store.setOutcome(ctx.trx, t.number, row.category === t.category ? "accepted" : "corrected", row.category === t.category ? null : t.category);
    await this.assignOwner(ctx, t);
  }

  /** Linked duplicates close with their original, each requester told through their own ticket. */
  /** The original's public updates reach the requesters of its linked duplicates, in their own threads or chats. */
  private async shareWithDuplicates(ctx: Ctx, original: Ticket, kind: string, comment?: { body: string; internal: boolean }): Promise<void> {
    if (comment?.internal) return;
    const links = await store.duplicatesOf(ctx.trx, original.number, ["linked"]);
    if (!links.length) return;
    const of = `#${original.number} (${original.title})`;
    const assignee = original.assigneeId ? (await ctx.person(original.assigneeId)).name : "an agent";
    for (const d of links) {
      const dup = await ctx.load(d.ticket_id);
      if (!isOpen(dup.status) || dup.requesterId === ctx.actor.id) continue;
      const sentence =
        kind === "commented" ? `Update on ${of}, the report yours #${dup.number} joins: ${comment?.body ?? ""}`
        : kind === "status" ? `${of}, the report yours #${dup.number} joins, is now ${STATUS_LABEL[original.status]}.`
        : `${assignee} is working on ${of}, the report yours #${dup.number} joins.`;
      await ctx.record.announce(dup, "original_update", `#${original.number}'s update shared with its duplicate #${dup.number}`, { action: "duplicate_update", field: "original", to: `#${original.number}`, reason: kind }, undefined, sentence);
    }
  }

  private async followOriginal(ctx: Ctx, original: Ticket, kind: "resolved" | "closed"): Promise<void> {
    for (const d of await store.duplicatesOf(ctx.trx, original.number, ["linked"])) {
      const dup = await ctx.load(d.ticket_id);
      const note = `Resolved with #${original.number}: ${original.resolution ?? "fixed"}`;
      if (kind === "resolved" && isOpen(dup.status)) {
        await ctx.record.change(dup, { status: "resolved", resolution: note, resolved_at: ctx.now }, "resolved", `#${dup.number} resolved with its original #${original.number}`, { reason: `duplicate of #${original.number}`, comment: { body: note, internal: false } });
      } else if (kind === "closed" && dup.status !== "closed") {
        await ctx.record.change(dup, { status: "closed", closed_at: ctx.now }, "closed", `#${dup.number} closed with its original #${original.number}`, { reason: `duplicate of #${original.number}` });
      }
    }
  }
}

/**
 * Rules first, as the desk's admins wrote them, except where the model (which learns from every correction)
 * disagrees at auto_threshold or above, having learned from enough tickets that one correction is not its
 * whole world: that is how a corrected rule stops repeating its mistake.
 */
const MIN_EXAMPLES_TO_OVERRIDE = 20;

export function combine(rule: RuleMatch | undefined, g: Guess | undefined, examples: number, conf: TriageSettings): Suggestion | undefined {
  const model = g ? { category: g.label, confidence: g.confidence, source: "model" as const, reason: `model: naive Bayes on ${examples} tickets` } : undefined;
  const overrides = model && examples >= MIN_EXAMPLES_TO_OVERRIDE && model.category !== rule?.category && model.confidence >= conf.auto_threshold;
  if (rule && !overrides) return { category: rule.category, confidence: rule.confidence, source: "rule", reason: rule.reason };
  if (!model || model.confidence < conf.suggest_threshold) return undefined;
  return rule ? { ...model, reason: `${model.reason}, over ${rule.reason}` } : model;
}

/** Similarity weighted by the same affected service and the same source. */
export function weighted(c: store.Candidate, t: Ticket): number {
  const service = c.service && c.service === t.service ? 1.25 : 1;
  const source = c.sourceKind === t.source.kind ? 1.1 : 1;
  return Math.min(1, c.similarity * service * source);
}

export function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}
