// Alerts become tickets: one per fingerprint (or per Alertmanager group), repeats counted, cleared alerts
// noted or resolved, re-fires reopened, and a storm on one service turned into one incident offer (its later
// alerts joining the offer's ticket) or declaration.
// A webhook body is taken in chunks of about CHUNK_MS of work, each its own transaction with a rest after
// it, so the requests and commands that arrive meanwhile (a Slack `/ticket` waiting for its commit) run
// between two chunks instead of after two thousand alerts. A body that fits one chunk commits whole. A larger one commits each chunk with a row
// saying which alerts it covered and what became of them: if the process dies part-way, the sender (which
// heard no answer) sends the same body again and the desk continues after the last committed chunk, so no
// alert is counted twice; the rows are deleted in the transaction that takes the body's last alert.
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import {
  alertByFingerprint,
  alertCountOfTicket,
  alertsOfTicket,
  insertAlert,
  openTicketOfGroup,
  recentAlertTickets,
  recordStorm,
  stormSince,
  stormTicket,
  touchAlert,
} from "./repository.js";
import { incidentOfTicket, openIncidents } from "../incidents/repository.js";
import { ticketByNumber } from "../../store/tickets.js";
import type { Ctx, Desk, Outcome } from "../../core/desk.js";
import { DeskError } from "../../core/errors.js";
import { LIMITS, isOpen } from "../../core/ticket.js";
import type { Command } from "../../core/commands.js";
import { deliveryChunks, forgetDelivery, recordDeliveryChunk, recordSignature, signatureSeen } from "../../store/webhook-deliveries.js";
import { PartialDeliveryError, ReplayError, type Alert, type AlertSource } from "./model.js";

export type AlertResult = {
  fingerprint: string;
  ticket: number | null;
  action: "opened" | "repeated" | "joined" | "noted" | "resolved" | "reopened" | "ignored";
};

/** Card refreshes for repeats happen at these counts only, so a storm does not flood the channel. */
const ANNOUNCE_AT = new Set([2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]);

async function run(ctx: Ctx, cmd: Command): Promise<Extract<Outcome, { ok: true }>> {
  const o = await ctx.run(cmd);
  if (!o.ok) throw new DeskError(o.code, o.text);
  return o;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Alerts are taken in one transaction until this much time has gone; the rest wait for the next one. */
export const CHUNK_MS = 10;
/** A retry of the same body continues its unfinished delivery within this long; later it starts over. */
export const RESUME_WITHIN_MS = 60 * 60_000;

/** Which body this is, and the signature it came with (refused if already used since `since`). */
export interface Delivery {
  key: string;
  signature?: { value: string; since: number };
}

/** Deliveries of the same body run one after the other (per desk): a second copy waits, then resumes, repeats or is refused. */
const lanesOf = new WeakMap<Desk, Map<string, Promise<unknown>>>();

export function deliveryKey(body: Buffer | string): string {
  return createHash("sha256").update(body).digest("hex");
}

export async function receiveAlerts(
  desk: Desk,
  source: AlertSource,
  alerts: Alert[],
  delivery: Delivery = { key: deliveryKey(JSON.stringify(alerts)) },
): Promise<AlertResult[]> {
  // One alert always fits one chunk, and without a signature there is nothing to refuse: no need to queue.
  if (alerts.length <= 1 && !delivery.signature) return takeInChunks(desk, source, alerts, delivery);
  let lanes = lanesOf.get(desk);
  if (!lanes) lanesOf.set(desk, (lanes = new Map()));
  const lane = `${source.name}:${delivery.key}`;
  const mine = (lanes.get(lane) ?? Promise.resolve()).catch(() => {}).then(() => takeInChunks(desk, source, alerts, delivery));
  lanes.set(lane, mine);
  try {
    return await mine;
  } finally {
    if (lanes.get(lane) === mine) lanes.delete(lane);
  }
}

async function takeInChunks(desk: Desk, source: AlertSource, alerts: Alert[], delivery: Delivery): Promise<AlertResult[]> {
  const results: AlertResult[] = [];
  let chunked = false;
  do {
    const first = results.length === 0 && !chunked;
    const from = results.length;
    let chunk: { earlier: AlertResult[]; taken: AlertResult[] };
    try {
      chunk = await desk.system(
        source.name,
        async (ctx) => {
          const earlier: AlertResult[] = [];
          if (first) {
            if (delivery.signature && (await signatureSeen(ctx.trx, source.name, delivery.signature.value, delivery.signature.since))) throw new ReplayError();
            // A retry of a body that a crash interrupted: its committed chunks, in order, from the first alert on.
            const resumable = alerts.length > 1 ? await deliveryChunks<AlertResult>(ctx.trx, source.name, delivery.key, ctx.now - RESUME_WITHIN_MS) : [];
            for (const c of resumable) {
              if (c.first !== earlier.length) break;
              earlier.push(...c.results);
            }
          }
          const start = from + earlier.length;
          const started = performance.now();
          const taken: AlertResult[] = [];
          while (start + taken.length < alerts.length && (taken.length === 0 || performance.now() - started < CHUNK_MS))
            taken.push(await one(ctx, source, alerts[start + taken.length]!));
          if (start + taken.length < alerts.length) await recordDeliveryChunk(ctx.trx, source.name, delivery.key, start, taken, ctx.now);
          else {
            if (start > 0) await forgetDelivery(ctx.trx, source.name, delivery.key, ctx.now - RESUME_WITHIN_MS);
            if (delivery.signature) await recordSignature(ctx.trx, source.name, delivery.signature.value, ctx.now, delivery.signature.since);
          }
          return { earlier, taken };
          // A one-alert body (a storm arrives as hundreds of them) shares group commits with the commands beside
          // it, so a burst of alerts does not hold each /ticket behind a commit of its own.
        },
        { solo: alerts.length > 1 },
      );
    } catch (err) {
      if (results.length === 0 || err instanceof ReplayError) throw err;
      throw new PartialDeliveryError(results.length, alerts.length, err);
    }
    results.push(...chunk.earlier, ...chunk.taken);
    chunked = true;
    // A rest as long as a chunk between two chunks: a request that needs several turns of the event loop
    // (a Slack ack goes through a few) finishes in the gap instead of waiting a chunk at every turn.
    if (results.length < alerts.length) await new Promise((r) => setTimeout(r, CHUNK_MS));
  } while (results.length < alerts.length);
  return results;
}

async function one(ctx: Ctx, source: AlertSource, a: Alert): Promise<AlertResult> {
  const service = a.labels[source.serviceLabel] ?? null;
  const labels = JSON.stringify(a.labels);
  const name = a.labels.alertname ?? a.summary;
  const row = await alertByFingerprint(ctx.trx, source.name, a.fingerprint);

  if (row) {
    const t = await ticketByNumber(ctx.trx, row.ticket_id);
    if (!t) throw new Error(`alert ${a.fingerprint} points at missing ticket #${row.ticket_id}`);
    if (a.status === "firing") {
      await touchAlert(ctx.trx, source.name, a.fingerprint, { status: "firing", labels, link: a.link, at: ctx.now, repeat: true });
      if (!isOpen(t.status)) {
        await run(ctx, { kind: "reopen", number: t.number, reason: `alert ${name} is firing again` });
        return { fingerprint: a.fingerprint, ticket: t.number, action: "reopened" };
      }
      const repeats = row.repeats + 1;
      if (ANNOUNCE_AT.has(repeats))
        await ctx.record.announce(t, "alert_repeat", `${name} has fired ${repeats} times (#${t.number})`, {
          action: "alert_repeat",
          field: "repeats",
          to: String(repeats),
        });
      return { fingerprint: a.fingerprint, ticket: t.number, action: "repeated" };
    }
    await touchAlert(ctx.trx, source.name, a.fingerprint, { status: "resolved", labels, link: a.link, at: ctx.now, repeat: false });
    if (!isOpen(t.status)) return { fingerprint: a.fingerprint, ticket: t.number, action: "ignored" };
    const all = await alertsOfTicket(ctx.trx, t.number);
    const allClear = all.every((r) => r.status === "resolved");
    if (source.resolveOnClear && allClear) {
      await run(ctx, { kind: "resolve", number: t.number, resolution: `The alert cleared: ${clip(name, 200)} is no longer firing (${source.name}).` });
      return { fingerprint: a.fingerprint, ticket: t.number, action: "resolved" };
    }
    await run(ctx, {
      kind: "note",
      number: t.number,
      body: `Alert cleared: ${clip(name, 200)}${allClear ? "" : ` (${all.filter((r) => r.status !== "resolved").length} of this ticket's alerts still firing)`}.`,
    });
    return { fingerprint: a.fingerprint, ticket: t.number, action: "noted" };
  }

  if (a.status === "resolved") return { fingerprint: a.fingerprint, ticket: null, action: "ignored" };
  /** The new alert's row, firing, on the ticket it joined or opened. */
  const firing = (ticket: number) =>
    insertAlert(ctx.trx, {
      source: source.name,
      fingerprint: a.fingerprint,
      ticket_id: ticket,
      group_key: a.groupKey,
      service,
      status: "firing",
      labels,
      link: a.link,
      first_at: ctx.now,
      last_at: ctx.now,
    });

  // A new alert joins an open ticket of its group, or the ticket that opened an incident on its service.
  let target = a.groupKey ? await openTicketOfGroup(ctx.trx, source.name, a.groupKey) : undefined;
  if (target === undefined && service) {
    const inc = (await openIncidents(ctx.trx)).find((i) => i.service?.toLowerCase() === service.toLowerCase() && i.origin_ticket_id !== null);
    const origin = inc?.origin_ticket_id ? await ticketByNumber(ctx.trx, inc.origin_ticket_id) : undefined;
    if (origin && isOpen(origin.status)) target = origin.number;
  }
  // Past the storm threshold (an incident offered, not yet declared), the service's further alerts join the
  // ticket that carries the offer: a storm of distinct alerts makes one ticket, not one each.
  if (target === undefined && service) {
    const carrier = await stormTicket(ctx.trx, source.name, service, ctx.now - source.storm.minutes * 60_000);
    const t = carrier === undefined ? undefined : await ticketByNumber(ctx.trx, carrier);
    if (t && isOpen(t.status)) target = t.number;
  }
  if (target !== undefined) {
    await firing(target);
    const count = await alertCountOfTicket(ctx.trx, target);
    if (ANNOUNCE_AT.has(count))
      await ctx.record.announce((await ticketByNumber(ctx.trx, target))!, "alert_repeat", `${count} alerts now on #${target}`, {
        action: "alert_join",
        field: "alerts",
        to: String(count),
      });
    return { fingerprint: a.fingerprint, ticket: target, action: "joined" };
  }

  const level = (a.severity && source.severityMap[a.severity.toLowerCase()]) || undefined;
  const created = await run(ctx, {
    kind: "create",
    title: clip(a.summary, LIMITS.title),
    description: clip(a.description, LIMITS.description),
    ...(level ? { impact: level.impact, urgency: level.urgency } : {}),
    ...(service ? { service } : {}),
    tags: ["alert", clip(name, 60)],
    source: { kind: source.name, ...(a.link ? { link: a.link } : {}), ref: a.fingerprint },
  });
  const number = created.snapshot!.ticket.number;
  await firing(number);
  if (service) await stormCheck(ctx, source, service);
  return { fingerprint: a.fingerprint, ticket: number, action: "opened" };
}

/** N alert tickets for one service within M minutes: offer (or declare) one incident, once per window. */
async function stormCheck(ctx: Ctx, source: AlertSource, service: string): Promise<void> {
  const since = ctx.now - source.storm.minutes * 60_000;
  const tickets = await recentAlertTickets(ctx.trx, source.name, service, since);
  if (tickets.length < source.storm.alerts || (await stormSince(ctx.trx, source.name, service, since))) return;
  const first = tickets[0]!;
  await recordStorm(ctx.trx, { source: source.name, service, at: ctx.now, ticketId: first });
  const others = tickets.slice(1);
  if (source.storm.action === "declare") {
    await run(ctx, {
      kind: "incident",
      action: { kind: "declare", fromTicket: first, title: `${service}: ${tickets.length} alerts in ${source.storm.minutes} min`, severity: "SEV2" },
    });
    for (const n of others) {
      const t = await ticketByNumber(ctx.trx, n);
      if (t && isOpen(t.status)) await run(ctx, { kind: "incident", action: { kind: "link", ticket: n, id: (await incidentOfTicket(ctx.trx, first))! } });
    }
    return;
  }
  const t = (await ticketByNumber(ctx.trx, first))!;
  await ctx.record.announce(
    t,
    "incident_offer",
    `${tickets.length} alerts for ${service} in ${source.storm.minutes} minutes: declare an incident from #${first} and its ${others.length} companions (${others.map((n) => `#${n}`).join(", ")})?`,
    { action: "incident_offer", field: "service", to: service, reason: `${tickets.length} alert tickets in ${source.storm.minutes} min` },
  );
}
