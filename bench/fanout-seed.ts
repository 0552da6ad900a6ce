// The fan-out benchmark's desk before the measured update: an open incident with 2,000 linked tickets
// (1,500 Slack requesters, 500 Teams requesters, each with their own thread or chat already known), 300
// Slack and 100 Teams status channels subscribed, and the incident's status message already posted and
// pinned in each (an earlier update), so the update measured is the in-place edit every later update is.
import { copyFileSync } from "node:fs";
import { saveConversation, saveUser } from "../adapters/teams/conversations.js";
import { cardRef } from "../adapters/teams/notifier.js";
import { systemClock } from "../src/core/clock.js";
import { Desk } from "../src/core/desk.js";

import { linkTicket, setIncidentLink, subscribeChannel } from "../src/capabilities/incidents/repository.js";
import { incidentsCapability } from "../src/capabilities/incidents/index.js";
import { setLink } from "../src/store/links.js";
import { openDatabase } from "../src/store/connection.js";
import { migrateToLatest } from "../src/store/migrate.js";
import { sql } from "kysely";
import { exampleSettings, tempDbPath } from "../test/helpers/desk.js";

export interface Scenario {
  slackChannels: number;
  teamsChannels: number;
  slackRequesters: number;
  teamsRequesters: number;
}

export const SCENARIO: Scenario = { slackChannels: 300, teamsChannels: 100, slackRequesters: 1500, teamsRequesters: 500 };

/** Ids the seed uses, so the benchmark can tell what arrived where. */
export const ids = {
  slackChannel: (i: number) => `CSTATUS${String(i).padStart(4, "0")}`,
  slackUser: (i: number) => `UREQ${String(i).padStart(5, "0")}`,
  /** The app's DM with that user, where their ticket's thread is. */
  slackDm: (i: number) => `DREQ${String(i).padStart(5, "0")}`,
  teamsChannel: (i: number) => `19:status-${i}@thread.tacv2`,
  teamsUser: (i: number) => `aad-req-${i}`,
  teamsChat: (i: number) => `a:personal-req-${i}`,
  tenant: "tenant-bench",
};

/** The serviceUrl written into Teams references; each run points it at its own fake connector. */
const SERVICE_PLACEHOLDER = "http://service.placeholder/";

/** Seeds a template database once; returns its path. */
export async function seedTemplate(s: Scenario = SCENARIO): Promise<string> {
  const path = tempDbPath("fanout-template.db");
  const { db, sqlite } = openDatabase(path);
  await migrateToLatest(db);
  // No notifiers: seeding queues nothing; the links below stand for what earlier deliveries recorded. Incidents
  // only, to declare the incident (nothing else hooks into the seeding).
  const desk = new Desk({ db, clock: systemClock, settings: exampleSettings(), capabilities: [incidentsCapability()] });
  const now = Date.now();
  const create = async (actor: { platform: string; userId: string }, i: number) => {
    const o = await desk.handle({
      actor: { ...actor, displayName: actor.userId },
      command: { kind: "create", title: `cannot send email (${i})` },
      idempotencyKey: `seed:${i}`,
    });
    if (!o.ok || !o.snapshot) throw new Error(`seeding ticket ${i} failed: ${o.text}`);
    return o.snapshot.ticket.number;
  };
  const slackTickets: number[] = [];
  for (let i = 0; i < s.slackRequesters; i++) slackTickets.push(await create({ platform: "slack", userId: ids.slackUser(i) }, i));
  const teamsTickets: number[] = [];
  for (let i = 0; i < s.teamsRequesters; i++) teamsTickets.push(await create({ platform: "teams", userId: ids.teamsUser(i) }, s.slackRequesters + i));
  const declared = await desk.handle({
    actor: { platform: "console", userId: "operator", displayName: "operator" },
    command: desk.parse("incident Email delivery is down"),
    idempotencyKey: "seed:incident",
  });
  if (!declared.ok) throw new Error(`declaring the incident failed: ${declared.text}`);
  const incident = 1;

  await db.transaction().execute(async (trx) => {
    for (const n of [...slackTickets, ...teamsTickets]) await linkTicket(trx, { ticketId: n, incidentId: incident, by: null, reason: "seeded", at: now });
    for (let i = 0; i < s.slackChannels; i++) {
      await subscribeChannel(trx, { platform: "slack", channel: ids.slackChannel(i), by: null, at: now });
      await setIncidentLink(trx, {
        incidentId: incident,
        platform: "slack",
        channel: ids.slackChannel(i),
        ref: `${ids.slackChannel(i)}:1700000000.${String(i).padStart(6, "0")}`,
      });
    }
    for (let i = 0; i < s.slackRequesters; i++)
      await setLink(trx, {
        ticketId: slackTickets[i]!,
        platform: "slack",
        role: "requester",
        ref: `${ids.slackDm(i)}:1700000001.${String(i).padStart(6, "0")}`,
        at: now,
      });
    const bot = { id: "28:deskhand-bot", name: "Deskhand" };
    for (let i = 0; i < s.teamsChannels; i++) {
      const id = ids.teamsChannel(i);
      await subscribeChannel(trx, { platform: "teams", channel: id, by: null, at: now });
      await saveConversation(
        trx as never,
        {
          bot,
          channelId: "msteams",
          serviceUrl: SERVICE_PLACEHOLDER,
          conversation: { id, conversationType: "channel", tenantId: ids.tenant, isGroup: true, name: "" },
        },
        now,
      );
      await setIncidentLink(trx, { incidentId: incident, platform: "teams", channel: id, ref: cardRef(id, `1:status-${i}`) });
    }
    for (let i = 0; i < s.teamsRequesters; i++) {
      const chat = ids.teamsChat(i);
      await saveConversation(
        trx as never,
        {
          bot,
          channelId: "msteams",
          serviceUrl: SERVICE_PLACEHOLDER,
          user: { id: `29:req-${i}`, name: "", aadObjectId: ids.teamsUser(i) },
          conversation: { id: chat, conversationType: "personal", tenantId: ids.tenant, isGroup: false, name: "" },
        },
        now,
      );
      await saveUser(
        trx as never,
        {
          userId: ids.teamsUser(i),
          botUserId: `29:req-${i}`,
          botId: bot.id,
          serviceUrl: SERVICE_PLACEHOLDER,
          tenantId: ids.tenant,
          personalConversationId: chat,
        },
        now,
      );
    }
  });
  // Whatever seeding queued (nothing, with no notifiers) is not part of the measured update.
  await db.deleteFrom("outbox").execute();
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  await db.destroy();
  return path;
}

/** A fresh copy of the template for one run, its Teams references aimed at that run's connector. */
export async function copyFor(template: string, serviceUrl: string): Promise<string> {
  const path = tempDbPath("fanout.db");
  copyFileSync(template, path);
  const { db } = openDatabase(path);
  const url = serviceUrl.endsWith("/") ? serviceUrl : `${serviceUrl}/`;
  await sql`UPDATE teams_conversations SET reference = replace(reference, ${SERVICE_PLACEHOLDER}, ${url})`.execute(db);
  await sql`UPDATE teams_users SET service_url = ${url}`.execute(db);
  await db.destroy();
  return path;
}
