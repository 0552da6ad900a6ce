// Triage on arrival, as a capability: priority from impact x urgency (inferred when the requester
// did not choose), category and team from rules and a learned classifier, an owner by the team's rule,
// and duplicates caught by full-text similarity. Every decision is a change or an audit event with its reason.
import type { Db } from "../../store/connection.js";
import type { Capability } from "../../core/capability.js";
import type { Ctx, DeskServices, Outcome, Trx } from "../../core/context.js";
import type { ChangeKind } from "../../core/notify.js";
import { personKey } from "../../core/people.js";
import { atLeast } from "../../core/permissions.js";
import type { DeskSettings } from "../../core/settings.js";
import { STATUS_LABEL, TYPE_LABEL, isOpen, priorityOf, type Ticket } from "../../core/ticket.js";
import { randomUUID } from "node:crypto";
import { LogisticModel, type Lesson } from "./classifier.js";
import { publicIncident, runTriageCommand } from "./commands.js";
import { triageActions, triageCard, triageVerbs, type TriageExtras } from "./view.js";
import { IN_PLACE_MAX, fitModel } from "./training.js";
import { addRecords, combine, ruleRecordFrom, type RuleRecord, type Suggestion } from "./decide.js";
import { inferImpact, inferType, inferUrgency, ruleCategory } from "./infer.js";
import { chooseOwner } from "./owner.js";
import { DEFAULT_TRIAGE, type TriageSettings } from "./settings.js";
import * as store from "./repository.js";
import type { Command } from "../../core/commands.js";

/** What triage adds to a snapshot (snapshot.extras.triage), for the card. */
export type { TriageExtras } from "./view.js";

export type { Suggestion } from "./decide.js";

/** A correction the model learned from, until its command is known to have committed (see settle). */
interface PendingLesson {
  lesson: Lesson;
  label: string;
  at: number;
  record?: { category: string; side: "rule" | "model" };
}

/** A lesson older than this (on the desk's clock) belongs to a command that committed long ago. */
const SETTLED_MS = 60_000;

/** The original's changes its duplicates' requesters hear of (resolve and close they follow outright). */
const SHARED = new Set(["commented", "status", "claimed", "assigned"]);

export class Triage implements Capability {
  readonly name = "triage";
  readonly verbs = triageVerbs;
  readonly actions = triageActions;
  readonly card = triageCard;
  model: LogisticModel;
  /** Rules against the model where they disagreed: from the held-back history, then from agents' corrections. */
  private record: RuleRecord = new Map();
  private readonly pending = new Map<string, PendingLesson>();
  /** How many open tickets hold each word, for the duplicate search's weights (store.ts openCount). */
  private readonly wordCounts: store.WordCounts = new Map();

  constructor(private readonly settings: DeskSettings) {
    this.model = new LogisticModel(settings.categories.map((c) => c.name));
  }

  get conf(): TriageSettings {
    return this.settings.triage ?? DEFAULT_TRIAGE;
  }

  /** Set once training has begun: resolves when the history is read and, if it is small, fitted (training.ts). */
  private started: Promise<void> | undefined;
  /** Resolves with how many tickets the model was fitted on, once the fitted model is in use. */
  private fitting: Promise<number> | undefined;
  /** Corrections taught while a model is fitted off-thread, by lesson nonce: the new model learns them too. */
  private taughtWhileFitting: Map<string, { text: string; label: string }> | undefined;

  /**
   * At start-up: learns from the desk's history now rather than on the first ticket, which would otherwise wait for
   * it. A small history is fitted before the desk takes commands; a large one in a thread of its own while the desk
   * answers (with its rules), so start-up does not wait for it.
   */
  async start(desk: DeskServices): Promise<string[]> {
    await this.beginTraining(desk.db);
    if (this.fittedOn !== undefined) return this.fittedOn > 0 ? ["triage: learned categories from the desk's resolved tickets"] : [];
    // A failed fit leaves the desk on its rules (train() callers hear why); start-up has nothing to wait for.
    this.fitting?.catch(() => undefined);
    return ["triage: learning categories from the desk's resolved tickets in the background (rules decide meanwhile)"];
  }

  /** How many tickets the model in use was fitted on, once a fit has finished. */
  private fittedOn: number | undefined;

  /**
   * Learns from the desk's history (once): resolved and closed tickets with a category, and open tickets agents
   * categorised. A large history is fitted in a thread of its own while the desk goes on answering with its rules
   * (and what the current model knows); the fitted model replaces it when ready. Resolves with how many tickets it
   * read, when the fitted model is in use.
   */
  async train(db: Db | Trx, limit?: number): Promise<number> {
    await this.beginTraining(db, limit);
    return this.fitting!;
  }

  /** Reads the history and starts fitting (once); a small history is fitted before this resolves. */
  private beginTraining(db: Db | Trx, limit?: number): Promise<void> {
    this.started ??= (async () => {
      const rows = await store.trainingSet(db, limit);
      // Agents' verdicts so far, rule against model; the fitted model's held-back record joins them when it arrives.
      this.record = addRecords(this.record, await store.ruleRecord(db));
      this.taughtWhileFitting = new Map();
      const examples = rows.map((r) => ({ text: `${r.title}\n${r.description}`, label: r.category }));
      this.fitting = fitModel(
        this.settings.categories.map((c) => c.name),
        examples,
      ).then((model) => {
        this.adopt(model);
        this.fittedOn = rows.length;
        return rows.length;
      });
      // A failed fit leaves the desk on its rules; whoever awaits train() hears why.
      this.fitting.catch(() => void (this.taughtWhileFitting = undefined));
      if (rows.length <= IN_PLACE_MAX) await this.fitting;
    })();
    return this.started;
  }

  /** Puts a freshly fitted model in use, with the corrections taught meanwhile (still undoable) and its held-back record. */
  private adopt(model: LogisticModel): void {
    for (const [nonce, c] of this.taughtWhileFitting ?? []) {
      const lesson = model.learn(c.text, c.label);
      const pending = this.pending.get(nonce);
      if (pending) pending.lesson = lesson;
    }
    this.taughtWhileFitting = undefined;
    this.model = model;
    this.record = addRecords(
      ruleRecordFrom(model.heldBackGuesses, (text) => ruleCategory(text, this.settings, this.conf)),
      this.record,
    );
  }

  /** The category a rule decides, or the model's guess where no rule matches (decide.ts). */
  suggest(text: string): Suggestion | undefined {
    return combine(ruleCategory(text, this.settings, this.conf), this.model.guess(text), this.record, this.model, this.conf.suggest_threshold);
  }

  /** The confidence from which the model's own guesses are applied in auto mode: where its held-back precision reaches auto_precision. */
  get autoThreshold(): number {
    return this.model.thresholdFor(this.conf.auto_precision);
  }

  /**
   * Takes back what the model learned in commands that rolled back. Each lesson's row is written in its
   * command's transaction: a lesson whose row is gone was rolled back, and one old enough is committed for good.
   */
  private async settle(ctx: Ctx): Promise<void> {
    if (!this.pending.size) return;
    const present = await store.lessonsPresent(ctx.trx, [...this.pending.keys()]);
    for (const [nonce, p] of this.pending) {
      if (!present.has(nonce)) {
        this.model.unlearn(p.lesson, p.label);
        this.taughtWhileFitting?.delete(nonce);
        if (p.record) this.tally(p.record, -1);
        this.pending.delete(nonce);
      } else if (p.at < ctx.now - SETTLED_MS) this.pending.delete(nonce);
    }
  }

  /** An agent said a ticket's category is `label`: the model learns it now, and the lesson is kept with the command. */
  private async learn(ctx: Ctx, t: Ticket, label: string, record?: PendingLesson["record"]): Promise<void> {
    const nonce = randomUUID();
    await store.saveLesson(ctx.trx, { ticket_id: t.number, label, nonce, created_at: ctx.now });
    const text = `${t.title}\n${t.description}`;
    const lesson = this.model.learn(text, label);
    this.taughtWhileFitting?.set(nonce, { text, label });
    if (record) this.tally(record, 1);
    this.pending.set(nonce, { lesson, label, at: ctx.now, ...(record ? { record } : {}) });
  }

  private tally(r: { category: string; side: "rule" | "model" }, by: number): void {
    const t = this.record.get(r.category) ?? { rule: 0, model: 0 };
    t[r.side] += by;
    this.record.set(r.category, t);
  }

  /** Accepting a suggestion teaches the model that category (commands.ts). */
  async accepted(ctx: Ctx, t: Ticket, category: string): Promise<void> {
    await this.settle(ctx);
    await this.learn(ctx, t, category);
  }

  async afterChange(
    ctx: Ctx,
    change: { kind: ChangeKind; before: Ticket | null; after: Ticket; comment?: { body: string; internal: boolean } },
  ): Promise<void> {
    await this.beginTraining(ctx.trx);
    await this.settle(ctx);
    // Triage's own changes use kinds it does not react to ("triaged"), so its ctx.change calls cannot recurse.
    if (change.kind === "created" && ctx.envelope.command.kind === "create") return this.onCreated(ctx, change.after, ctx.envelope.command);
    if (change.kind === "category" && atLeast(ctx.role, "agent")) return this.onAgentCategory(ctx, change.after);
    if (change.kind === "priority" && ctx.envelope.command.kind === "priority") return this.onAgentPriority(ctx, change.after);
    if (change.kind === "resolved" || change.kind === "closed")
      return this.followOriginal(ctx, change.after, change.kind === "resolved" ? "resolved" : "closed");
    if (SHARED.has(change.kind)) return this.shareWithDuplicates(ctx, change.after, change.kind, change.comment);
  }

  async command(ctx: Ctx, cmd: Extract<Command, { kind: "capability" }>): Promise<Outcome> {
    await this.beginTraining(ctx.trx);
    await this.settle(ctx);
    return runTriageCommand(this, ctx, cmd);
  }

  async enrich(db: Db | Trx, t: Ticket): Promise<TriageExtras> {
    const row = await store.triageOf(db, t.number);
    const dup = await store.duplicateOf(db, t.number);
    const original =
      dup && dup.state !== "rejected" ? await db.selectFrom("tickets").select("title").where("id", "=", dup.original_id).executeTakeFirst() : undefined;
    const dups = await store.countDuplicates(db, t.number);
    const offer = await store.offerFor(db, t.number);
    const categories = this.settings.categories.map((c) => c.name);
    const ranked = row?.ranked ? (JSON.parse(row.ranked) as { label: string }[]).map((r) => r.label).filter((l) => categories.includes(l)) : [];
    return {
      ...(row?.category
        ? {
            suggestion: {
              category: row.category,
              confidence: row.confidence ?? 0,
              source: row.source ?? "rule",
              reason: row.reason ?? "",
              applied: row.applied === 1,
              outcome: row.outcome,
            },
          }
        : {}),
      ranked,
      // A reason names the priority it explains: one for a priority the ticket no longer has is not shown.
      ...(row?.priority_reason && row.priority_reason.startsWith(`${t.priority}:`) ? { priorityReason: row.priority_reason } : {}),
      ...(row?.type_reason && row.type_reason.startsWith(`${t.type}:`) ? { typeReason: row.type_reason } : {}),
      ...(row?.owner_reason ? { ownerReason: row.owner_reason } : {}),
      ...(dup && original ? { duplicate: { original: dup.original_id, title: original.title, score: dup.score, state: dup.state } } : {}),
      duplicates: dups,
      ...(offer ? { offer: { count: offer.count, state: offer.state } } : {}),
      categories,
    };
  }

  private async onCreated(ctx: Ctx, created: Ticket, cmd: Extract<Command, { kind: "create" }>): Promise<void> {
    let t = created;
    const text = `${t.title}\n${t.description}`;
    const row: store.TriageTicketRow = {
      ticket_id: t.number,
      category: null,
      confidence: null,
      source: null,
      reason: null,
      applied: 0,
      outcome: null,
      corrected_to: null,
      priority_reason: null,
      owner_reason: null,
      created_at: ctx.now,
      ranked: null,
      model_category: null,
      type_reason: null,
    };

    // Type: a one-line request for access or for something to be provided is not an incident.
    if (!cmd.type) {
      const type = inferType(t.title, t.description);
      if (type && type.type !== t.type) {
        row.type_reason = `${type.type}: ${type.reason}`;
        t = await ctx.record.change(t, { type: type.type }, "triaged", `Triage made #${t.number} ${TYPE_LABEL[type.type]}`, { reason: type.reason });
      }
    }

    // Priority: impact x urgency, inferring what the requester did not choose.
    const requester = await ctx.person(t.requesterId);
    const keys = [personKey(requester).toLowerCase(), ...(requester.email ? [`email:${requester.email.toLowerCase()}`] : [])];
    const impact = cmd.impact
      ? { level: cmd.impact, reason: "chosen by the requester" }
      : (inferImpact(text, keys, t.service, this.settings, this.conf) ?? { level: t.impact, reason: "default" });
    const urgency = cmd.urgency ? { level: cmd.urgency, reason: "chosen by the requester" } : (inferUrgency(text) ?? { level: t.urgency, reason: "default" });
    const priority = priorityOf(this.settings.priorityMatrix, impact.level, urgency.level);
    row.priority_reason = `${priority}: impact ${impact.level} (${impact.reason}) x urgency ${urgency.level} (${urgency.reason})`;
    if (impact.level !== t.impact || urgency.level !== t.urgency) {
      await ctx.record.change(t, { impact: impact.level, urgency: urgency.level, priority }, "priority", `Triage set #${t.number} to ${priority}`, {
        reason: row.priority_reason,
      });
      t = await ctx.load(t.number);
    }

    // Category and team: a matching rule applies in either mode; the model's guess is suggested, or applied
    // in auto mode where its held-back precision reaches auto_precision.
    if (!cmd.category) {
      const s = this.suggest(text);
      if (s) {
        Object.assign(row, {
          category: s.category,
          confidence: s.confidence,
          source: s.source,
          reason: s.reason,
          ranked: JSON.stringify(s.ranked),
          model_category: s.modelCategory,
        });
        const threshold = this.autoThreshold;
        const why =
          s.source === "rule"
            ? s.reason
            : this.conf.mode === "auto" && s.confidence >= threshold
              ? `${s.reason} (${pct(s.confidence)}; auto at ${pct(threshold)} and above, where ${pct(this.conf.auto_precision)} of held-back guesses were right)`
              : undefined;
        if (why && this.settings.categories.some((c) => c.name === s.category)) {
          row.applied = 1;
          const team = this.settings.categories.find((c) => c.name === s.category)?.team;
          t = await ctx.record.change(t, { category: s.category, ...(team ? { team } : {}) }, "triaged", `Triage put #${t.number} in ${s.category}`, {
            reason: why,
          });
        }
      } else {
        const g = this.model.guess(text);
        if (g) row.ranked = JSON.stringify(g.ranked.slice(0, 3));
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
    await ctx.record.change(
      t,
      { assignee_id: choice.person.id, ...(t.status === "new" ? { status: "triaged" } : {}) },
      "triaged",
      `Triage assigned #${t.number} to ${choice.person.name}`,
      { reason: choice.reason },
    );
    const row = await store.triageOf(ctx.trx, t.number);
    if (row) await store.saveTriage(ctx.trx, { ...row, owner_reason: `${choice.person.name}: ${choice.reason}` });
  }

  private async findDuplicate(ctx: Ctx, t: Ticket): Promise<void> {
    const d = this.conf.duplicates;
    const found = await store.similarOpenTickets(ctx.trx, t.number, t.title, t.description, ctx.now, this.wordCounts);
    const best = found
      .filter((c) => c.similarity >= d.threshold)
      .map((c) => ({ c, score: c.similarity, rank: rankOf(c, t) }))
      .sort((a, b) => b.rank - a.rank)[0];
    if (!best) return;
    // Point at the first report: a match on another duplicate means its original.
    const via = await store.duplicateOf(ctx.trx, best.c.id);
    const originalId = via && via.state !== "rejected" ? via.original_id : best.c.id;
    const original = await ctx.load(originalId);
    if (!isOpen(original.status)) return;
    await store.saveDuplicate(ctx.trx, {
      ticket_id: t.number,
      original_id: originalId,
      score: best.score,
      state: "suggested",
      created_at: ctx.now,
      decided_at: null,
    });
    await ctx.record.announce(
      t,
      "duplicate_suggested",
      `#${t.number} looks like #${originalId} (${original.title})`,
      {
        action: "triage",
        field: "duplicate_of",
        to: `#${originalId}`,
        reason: `similarity ${pct(best.score)}${best.c.service && best.c.service === t.service ? ", same service" : ""}`,
      },
      undefined,
      await sameProblemMessage(ctx, originalId),
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
    const row = await store.triageOf(ctx.trx, t.number);
    // A rule's decision the agent changed counts against the rule; one they kept counts for it where the model
    // had said otherwise. That record decides the next disagreement (decide.ts).
    const undecided = row?.source === "rule" && row.category && !row.outcome;
    const side = !undecided
      ? undefined
      : t.category !== row!.category
        ? "model"
        : row!.model_category && row!.model_category !== row!.category
          ? "rule"
          : undefined;
    await this.learn(ctx, t, t.category, side ? { category: row!.category!, side } : undefined);
    if (row?.category && !row.outcome)
      await store.setOutcome(ctx.trx, t.number, row.category === t.category ? "accepted" : "corrected", row.category === t.category ? null : t.category);
    await this.assignOwner(ctx, t);
  }

  /** Someone set the priority by hand: the card's reason says so (the inferred one no longer explains it). */
  private async onAgentPriority(ctx: Ctx, t: Ticket): Promise<void> {
    const row = await store.triageOf(ctx.trx, t.number);
    if (row) await store.saveTriage(ctx.trx, { ...row, priority_reason: `${t.priority}: set by ${ctx.actor.name}` });
  }

  /** Linked duplicates close with their original, each requester told through their own ticket. */
  /** The original's public updates reach the requesters of its linked duplicates, in their own threads or chats. */
  private async shareWithDuplicates(ctx: Ctx, original: Ticket, kind: string, comment?: { body: string; internal: boolean }): Promise<void> {
    // Notes are internal, and the original's requester's own words are theirs: only the desk's public replies are shared.
    if (comment?.internal || (comment && ctx.actor.id === original.requesterId)) return;
    const links = await store.duplicatesOf(ctx.trx, original.number, ["linked"]);
    if (!links.length) return;
    // The original is another person's ticket: its number, never its title or text (unless it is a declared incident's).
    const incident = await publicIncident(ctx, original.number);
    const of = `#${original.number}${incident ? ` (${incident})` : ""}`;
    const assignee = original.assigneeId ? (await ctx.person(original.assigneeId)).name : "an agent";
    for (const d of links) {
      const dup = await ctx.load(d.ticket_id);
      if (!isOpen(dup.status) || dup.requesterId === ctx.actor.id) continue;
      const sentence =
        kind === "commented"
          ? `Update on ${of}, the report yours #${dup.number} joins: ${comment?.body ?? ""}`
          : kind === "status"
            ? `${of}, the report yours #${dup.number} joins, is now ${STATUS_LABEL[original.status]}.`
            : `${assignee} is working on ${of}, the report yours #${dup.number} joins.`;
      await ctx.record.announce(
        dup,
        "original_update",
        `#${original.number}'s update shared with its duplicate #${dup.number}`,
        { action: "duplicate_update", field: "original", to: `#${original.number}`, reason: kind },
        undefined,
        sentence,
      );
    }
  }

  private async followOriginal(ctx: Ctx, original: Ticket, kind: "resolved" | "closed"): Promise<void> {
    for (const d of await store.duplicatesOf(ctx.trx, original.number, ["linked"])) {
      const dup = await ctx.load(d.ticket_id);
      const note = `Resolved with #${original.number}: ${original.resolution ?? "fixed"}`;
      if (kind === "resolved" && isOpen(dup.status)) {
        await ctx.record.change(
          dup,
          { status: "resolved", resolution: note, resolved_at: ctx.now },
          "resolved",
          `#${dup.number} resolved with its original #${original.number}`,
          { reason: `duplicate of #${original.number}`, comment: { body: note, internal: false } },
        );
      } else if (kind === "closed" && dup.status !== "closed") {
        await ctx.record.change(dup, { status: "closed", closed_at: ctx.now }, "closed", `#${dup.number} closed with its original #${original.number}`, {
          reason: `duplicate of #${original.number}`,
        });
      }
    }
  }
}

/**
 * What a requester hears when their report matches another: that others reported the same problem, never the
 * other person's title or words (their ticket may say more than they would tell a colleague), unless the match
 * is part of a declared incident, whose title the desk made public.
 */
export async function sameProblemMessage(ctx: Ctx, originalId: number): Promise<string> {
  const incident = await publicIncident(ctx, originalId);
  return incident
    ? `You are not alone: this looks like ${incident}, which the desk is working on. You will hear here.`
    : "You are not alone: others have reported the same problem. The desk is on it and you will hear here.";
}

/** Ranking of a candidate: similarity weighed by recency, a little more for the same affected service. */
export function rankOf(c: store.Candidate, t: Pick<Ticket, "service">): number {
  return c.rank * (c.service && c.service === t.service ? 1.1 : 1);
}

export function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}
