// Drives the real Teams adapter: a desk on a temp SQLite file, the one HTTP server, the Agents SDK's
// CloudAdapter, and a fake Bot Connector that receives everything the bot sends.
import { SPECS } from "../helpers/shared.js";
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { expect } from "vitest";
import { startTeams, type TeamsHandle, type TeamsOptions } from "../../adapters/teams/app.js";
import { HttpServer } from "../../src/http/server.js";
import type { DeskSettings } from "../../src/core/settings.js";
import { FakeBotConnector } from "../fakes/bot-connector.js";
import { exampleSettings, makeDesk, type TestDesk } from "../helpers/desk.js";

const RECORDINGS = `${SPECS}/teams/botbuilder-js/teams-wire-recordings`;
const CARD_SCHEMA = `${SPECS}/teams/adaptivecards/schemas/1.5.0/adaptive-card.json`;

/** The bot's id and the people of the recordings (real Teams id formats). */
export const BOT = { id: "28:cd59cf47-aca1-41e0-8441-387faee8331e", name: "Deskhand" };
export const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const CHANNEL = "19:097e6717fd7245bdbeba6baa13840db8@thread.skype";
export const REQUESTER = {
  id: "29:1kbOecyrymSn1FtrbJlQNF_BvhIpb7CLGbmjaTldT8A8tXXphjq4BcA2KfWGwoI-ahbEJ_Og1syGOt68MsLId1Q",
  name: "Tien Suwandy",
  aadObjectId: "6d415fdd-f97e-4f70-ac45-e69601e4ecb2",
};
export const AGENT = {
  id: "29:1CFIxRJBLjT_io3iNsDZxMk_4YPWQmr3DZUM1I6ihf5L2ocCDqg9S1vkHK6kRdGfK1P_2LFE2nQqFIvdu-GBOZA",
  name: "Dave Taniguchi",
  aadObjectId: "6b703ce3-6d14-4fe6-b90c-dc5f03657ae4",
};
export const PERSONAL = "a:1VF4K2uXl-hg-wn2SSWJZYK7Cqox93Xp82wekVXkbOSaJo1L8hynrdocgKu3ydRKxx6P5_u9d8yFcLjugHuhCQ7xmn25K18NfzjiKSskzi5OX0bbe2nRrNJorygvjUL4v";

/** Settings where the recordings' agent is an agent of the desk. */
export function teamsSettings(base: DeskSettings): DeskSettings {
  return { ...base, roles: { ...base.roles, agent: [...(base.roles.agent ?? []), `teams:${AGENT.aadObjectId}`] } };
}

let seq = 0;
/** A recorded inbound activity, its expired token dropped and its serviceUrl pointed at the fake. */
export function recorded(file: string, serviceUrl: string, patch: Record<string, unknown> = {}): Record<string, any> {
  const rec = JSON.parse(readFileSync(`${RECORDINGS}/${file}`, "utf8")) as { body: Record<string, any> };
  return { ...rec.body, serviceUrl, recipient: BOT, ...patch };
}

/** A fresh activity id, as Teams gives each delivery. */
export const newId = () => `f:${Date.now()}${++seq}`;

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(JSON.parse(readFileSync(new URL(import.meta.resolve("ajv/dist/refs/json-schema-draft-06.json")), "utf8")));
addFormats.default(ajv);
/** The published schema names itself with draft-04's "id"; ajv wants draft-06's "$id". */
function cardSchema(): Record<string, unknown> {
  const { id, ...rest } = JSON.parse(readFileSync(CARD_SCHEMA, "utf8")) as Record<string, unknown>;
  return { $id: id, ...rest };
}
const validateCard = ajv.compile(cardSchema());

/** Fails the test unless `card` is a valid Adaptive Card 1.5. */
export function expectValidCard(card: unknown): void {
  const ok = validateCard(card);
  if (!ok) throw new Error(`invalid Adaptive Card: ${ajv.errorsText(validateCard.errors)}\n${JSON.stringify(card).slice(0, 2000)}`);
  expect(ok).toBe(true);
}

/** Every Adaptive Card inside a value (activities, invoke responses, dialogs). */
export function cardsIn(v: unknown): unknown[] {
  const out: unknown[] = [];
  const walk = (x: unknown) => {
    if (!x || typeof x !== "object") return;
    const o = x as Record<string, unknown>;
    if (o.contentType === "application/vnd.microsoft.card.adaptive") out.push(o.content);
    else if (o.type === "application/vnd.microsoft.card.adaptive" && o.value) out.push(o.value);
    else for (const k of Object.keys(o)) walk(o[k]);
  };
  walk(v);
  return out;
}

export interface Harness {
  t: TestDesk;
  connector: FakeBotConnector;
  http: HttpServer;
  teams: TeamsHandle;
  base: string;
  logs: string[];
  /** Posts an activity to /api/messages; every card in the answer is checked against the schema. */
  post(activity: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Drains the Teams outbox. */
  flush(): Promise<number>;
  /** Checks every card the connector received against the schema; returns how many were checked. */
  checkSentCards(): number;
  close(): Promise<void>;
}

/** `publicUrl`: the base of file links (default this server; null: no PUBLIC_URL). */
export async function harness(
  opts: {
    path?: string;
    settings?: DeskSettings;
    teams?: Partial<TeamsOptions["config"]["teams"]>;
    connector?: FakeBotConnector;
    auth?: TeamsOptions["auth"];
    publicUrl?: string | null;
  } = {},
): Promise<Harness> {
  const t = await makeDesk({ settings: opts.settings ?? teamsSettings(exampleSettings()), ...(opts.path ? { path: opts.path } : {}) });
  const connector = opts.connector ?? new FakeBotConnector();
  if (!connector.url) await connector.start();
  const logs: string[] = [];
  const http = new HttpServer((m) => logs.push(m));
  const port = await http.listen(0, "127.0.0.1");
  const teams = await startTeams({
    desk: t.desk,
    config: {
      teams: { appType: "MultiTenant", ...opts.teams },
      ...(opts.publicUrl === null ? {} : { publicUrl: opts.publicUrl ?? `http://127.0.0.1:${port}` }),
    },
    http,
    clock: t.clock,
    log: (m) => logs.push(m),
    ...(opts.auth ? { auth: opts.auth } : {}),
    outbox: { intervalMs: 60_000, backoffMs: 5 },
    sender: { attempts: 3, backoffMs: 2 },
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    t,
    connector,
    http,
    teams,
    base,
    logs,
    async post(activity, headers = {}) {
      const res = await fetch(`${base}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(activity),
      });
      const text = await res.text();
      let body: any = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* plain text answer */
      }
      for (const c of cardsIn(body)) expectValidCard(c);
      return { status: res.status, body };
    },
    flush: () => teams.worker.drainAll(),
    checkSentCards() {
      const cards = connector.calls.flatMap((c) => cardsIn(c.body));
      for (const c of cards) expectValidCard(c);
      return cards.length;
    },
    async close() {
      await teams.stop();
      const unknown = [...connector.unknown];
      await http.close();
      if (!opts.connector) await connector.close();
      await t.db.destroy();
      // Every call the SDK made is one the published Bot Connector APIs have.
      expect(unknown, "calls outside the published Connector API").toEqual([]);
    },
  };
}

/** An Action.Execute click as Teams delivers it: an `adaptiveCard/action` invoke (real invoke envelope re-aimed). */
export function executeInvoke(h: Harness, who: typeof AGENT, verb: string, data: Record<string, unknown>, conversationId = CHANNEL): Record<string, any> {
  return recorded("20191020020654953-request-integrationBot.json", h.connector.url, {
    id: newId(),
    name: "adaptiveCard/action",
    from: who,
    conversation: { isGroup: true, conversationType: conversationId.startsWith("a:") ? "personal" : "channel", tenantId: TENANT, id: conversationId },
    value: { action: { type: "Action.Execute", verb, data }, trigger: "manual" },
  });
}

/** What a reader sees of card text: Markdown's backslash escapes and the zero-width splits of {{ taken out. */
export const visible = (t: string) => t.replace(/\\(.)/g, "$1").replace(/\u200b/g, "");

/** The text of every TextBlock and fact in a card, as a reader sees it. */
export function cardText(card: any): string {
  const out: string[] = [];
  const walk = (x: any) => {
    if (!x || typeof x !== "object") return;
    if (x.type === "TextBlock") out.push(x.text);
    if (x.type === "FactSet") for (const f of x.facts) out.push(`${f.title}: ${f.value}`);
    for (const k of Object.keys(x)) walk(x[k]);
  };
  walk(card);
  return visible(out.join("\n"));
}
