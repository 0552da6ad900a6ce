// What a person types is shown, never obeyed, on every Slack surface. The shared hostile corpus goes in through
// the real Bolt app as Slack delivers it (the ticket form, thread replies, a mention, slash commands, the message
// shortcut, the article form, the incident and reject modals), and every field of every Web API call and
// answer (acknowledgement or response_url) the desk made is then read as Slack reads it: mrkdwn and every fallback `text` must hold
// no live token (broadcast, mention, group, channel or labelled link) but the app's own, and must still show the
// person's words once Slack decodes its entities; plain_text fields and prefilled inputs must show them as typed,
// not entity-escaped; no field anywhere holds a control character.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesDirBeside } from "../../src/capabilities/index.js";
import { approvalsHooks } from "../../src/capabilities/approvals/hooks.js";
import { approvalSettings } from "../capabilities/approvals/setup.js";
import type { Call } from "../fakes/slack-api.js";
import { CONTROL, HOSTILE } from "../helpers/hostile.js";
import { AGENTS, REQUESTER, TRIAGE, blockAction, startHarness, viewSubmission, type Harness } from "./harness.js";

type Kind = "mrkdwn" | "plain";
interface Field {
  method: string;
  where: string;
  kind: Kind;
  text: string;
}

/** "ack": a slash command answered in its acknowledgement (the HTTP response body Slack shows the person). */
const FALLBACK_METHODS = new Set(["chat.postMessage", "chat.update", "chat.postEphemeral", "response_url", "ack"]);

/** Every text Slack shows from a call, with how Slack reads it. */
function fieldsOf(c: Call): Field[] {
  const out: Field[] = [];
  const add = (where: string, kind: Kind, text: string) => out.push({ method: c.method, where, kind, text });
  // A message's fallback text is parsed like mrkdwn (notifications show it); so is a file share's comment.
  if (FALLBACK_METHODS.has(c.method) && typeof c.args.text === "string") add("text", "mrkdwn", c.args.text);
  if (typeof c.args.initial_comment === "string") add("initial_comment", "mrkdwn", c.args.initial_comment);
  const walk = (v: unknown, where: string): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${where}[${i}]`));
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if ((o.type === "mrkdwn" || o.type === "plain_text") && typeof o.text === "string") add(where, o.type === "mrkdwn" ? "mrkdwn" : "plain", o.text);
    if (typeof o.initial_value === "string") add(`${where}.initial_value`, "plain", o.initial_value);
    for (const [k, x] of Object.entries(o)) walk(x, `${where}.${k}`);
  };
  walk(c.blocks, "blocks");
  walk(c.view, "view");
  return out;
}

/** Every string a call carried (blocks and views decoded from their JSON). */
function stringsOf(c: Call): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(Object.fromEntries(Object.entries(c.args).filter(([k]) => k !== "blocks" && k !== "view")));
  walk(c.blocks);
  walk(c.view);
  return out;
}

/** The app's own tokens: dates shown in each viewer's zone, and permalinks to the message a ticket came from. */
const OWN_TOKENS = [/^<!date\^\d+\^[^|>]*\|[^<>]*>$/, /^<https:\/\/example\.slack\.com\/archives\/[^|<>\s]+\|(?:Original message|this message)>$/];
/** Anything Slack would act on in mrkdwn: `<…>` tokens (and any stray `<`) that are not the app's own. */
const liveTokens = (s: string) => (s.match(/<[^>]*>?/g) ?? []).filter((t) => !OWN_TOKENS.some((r) => r.test(t)));
/** What a person reads: mrkdwn's three entities decoded as Slack decodes them; plain text as it is. */
const shown = (f: Field) => (f.kind === "plain" ? f.text : f.text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"));

const input = (value: string) => ({ type: "plain_text_input", value });
const select = (value: string) => ({ type: "static_select", selected_option: { value } });

// The title from the issue; every corpus string is one line of the description, the comments and the resolution.
const TITLE = "<!channel> <!here> <@U0ADMIN1> <https://evil.example|click here> vpn drops";
const ALL = HOSTILE.map((x) => x.text).join("\n");
const CSTATUS = "CSTATUS";

let h: Harness;
let seq = 0;
/** Slash commands' acknowledgements that carried an answer, as calls (Slack shows them like a response_url post). */
const acks: Call[] = [];
/** Every call the desk made to Slack, and every answer it gave in an acknowledgement. */
const allCalls = () => [...h.fake.calls, ...acks];
const answers = (c: Call) => c.method === "response_url" || c.method === "ack";

/** A signed /ticket, keeping its acknowledgement's answer. */
async function command(text: string, user: string, extra?: Record<string, string>): Promise<void> {
  const r = await h.command(text, user, extra);
  expect(r.status, `/ticket ${text}`).toBe(200);
  if (r.body.trim().startsWith("{")) acks.push({ method: "ack", args: JSON.parse(r.body) as Record<string, unknown>, at: Date.now() });
}
const ts = () => `1700001000.${String(++seq).padStart(6, "0")}`;

/** A message event as the Events API delivers it; `text` is what Slack sends (its tokens live, its entities encoded). */
const message = (user: string, channel: string, text: string, extra: Record<string, unknown> = {}) => {
  const at = ts();
  return {
    type: "message",
    client_msg_id: `m${seq}`,
    channel,
    channel_type: channel.startsWith("D") ? "im" : "channel",
    user,
    text,
    ts: at,
    event_ts: at,
    team: "T0001",
    blocks: [],
    ...extra,
  };
};
const lastView = () => h.fake.of("views.open").at(-1)!.view!;
const ticket = (n: number) => h.db.selectFrom("tickets").selectAll().where("id", "=", n).executeTakeFirstOrThrow();
const cardWhere = async (n: number) => {
  const ref = (await h.db.selectFrom("ticket_links").select("ref").where("ticket_id", "=", n).where("role", "=", "card").executeTakeFirstOrThrow()).ref;
  return { channel: ref.split(":")[0]!, ts: ref.split(":")[1]! };
};
const button = (verb: string, n: number) => ({
  type: "button",
  action_id: `ticket.${verb}.${n}`,
  value: JSON.stringify({ ticket: n, verb }),
  text: { type: "plain_text", text: verb },
});

/** The calls made to `method` (and `match`), as fields. */
const fieldsWhere = (match: (c: Call) => boolean) => allCalls().filter(match).flatMap(fieldsOf);
/** Every line of `text` is shown whole by some field of `fields` (a relay quotes each line on its own). */
function expectShown(fields: Field[], text: string, what: string): void {
  expect(fields.length, `${what}: no such field was sent`).toBeGreaterThan(0);
  for (const line of text.split("\n").filter((l) => l.trim())) {
    expect(
      fields.some((f) => shown(f).includes(line)),
      `${what} should show ${JSON.stringify(line)}`,
    ).toBe(true);
  }
}

beforeAll(async () => {
  h = await startHarness();
  h.fake.users.set("UCARL", { name: "carl" });
  const s = approvalSettings(h.desk.settings, [`slack:${AGENTS.ana}`, `slack:${AGENTS.bob}`], "any");
  Object.assign(h.desk.settings, { approvals: s.approvals });
  h.desk.addCapability(approvalsHooks(h.desk.settings));

  // Status updates go to a channel; an article waits to be offered and found.
  await command("incident subscribe", AGENTS.ana, { channel_id: CSTATUS, channel_name: "status" });
  await command("kb new", AGENTS.ana);
  await h.settle();
  await h.interact(viewSubmission(AGENTS.ana, lastView(), { title: { title: input("vpn drops <!channel> <@U0ADMIN1>") }, body: { body: input(ALL) } }));

  // #1 from the ticket form: title and description exactly as typed in plain_text inputs.
  await command("", REQUESTER);
  await h.settle();
  await h.interact(viewSubmission(REQUESTER, lastView(), { title: { title: input(TITLE) }, description: { description: input(ALL) } }));
  await h.settle();
  await h.event({ type: "app_home_opened", user: REQUESTER, channel: "DREQ", tab: "home", event_ts: ts() });
  await h.event({ type: "app_home_opened", user: AGENTS.ana, channel: "DANA", tab: "home", event_ts: ts() });
  await h.settle();

  // Claimed from the card; an agent's reply in the card's thread, the requester's in theirs.
  const card = await cardWhere(1);
  await h.interact(blockAction(AGENTS.ana, button("claim", 1), card));
  await h.settle();
  await h.event(message(AGENTS.ana, card.channel, ALL, { thread_ts: card.ts }));
  await h.settle();
  const mine = (await h.db.selectFrom("ticket_links").select("ref").where("role", "=", "requester").executeTakeFirstOrThrow()).ref;
  await h.event(message(REQUESTER, mine.split(":")[0]!, ALL, { thread_ts: mine.split(":")[1]! }));
  await h.settle();

  // Answers only the person sees: a mention in a channel (ephemeral) and slash commands (their acknowledgements).
  await h.event(message(REQUESTER, "CGENERAL", "<@UBOT> show 1", { type: "app_mention" }));
  await command("show 1", REQUESTER);
  await command("kb vpn drops", REQUESTER);
  await h.settle();

  // An incident from #1: its status message, an update typed in /ticket, and the Post update modal.
  await command("incident from 1", AGENTS.ana);
  await h.settle();
  await command(`incident update 1 identified ${HOSTILE[0]!.text}`, AGENTS.ana);
  await h.settle();
  await h.interact(
    blockAction(
      AGENTS.ana,
      { type: "button", action_id: "incident.update.1", value: JSON.stringify({ incident: 1 }), text: { type: "plain_text", text: "Post update" } },
      { channel: CSTATUS, ts: "1700000000.000500" },
    ),
  );
  await h.settle();

  // Resolve from the card: its modal prefills the article from the ticket; the resolution reaches the requester.
  await h.interact(blockAction(AGENTS.ana, button("resolve", 1), card));
  await h.settle();
  await h.interact(viewSubmission(AGENTS.ana, lastView(), { verb_input: { text: input(ALL) } }));
  await h.settle();

  // The message shortcut on a hostile message: the form prefilled with it.
  const at = ts();
  await h.interact({
    type: "message_action",
    token: "verification-token",
    action_ts: ts(),
    team: { id: "T0001", domain: "example" },
    user: { id: REQUESTER, username: "rita", name: "rita", team_id: "T0001" },
    channel: { id: "CGENERAL", name: "general" },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: "create_ticket",
    trigger_id: "77.1.trigger",
    response_url: h.fake.responseUrl("sc"),
    message_ts: at,
    message: { type: "message", user: REQUESTER, ts: at, text: `${HOSTILE[2]!.text}\n${ALL}`, team: "T0001" },
  });
  await h.settle();

  // #2, an access request: approval cards in the approvers' DMs; bob rejects it with a hostile reason.
  await command("", REQUESTER);
  await h.settle();
  await h.interact(
    viewSubmission(REQUESTER, lastView(), {
      title: { title: input(`access ${HOSTILE[1]!.text}`) },
      description: { description: input(ALL) },
      type: { type: select("access_request") },
    }),
  );
  await h.settle();
  await h.interact(blockAction(AGENTS.bob, button("reject", 2), { channel: `D${AGENTS.bob.slice(1)}`, ts: "1700000000.000600" }));
  await h.settle();
  await h.interact(viewSubmission(AGENTS.bob, lastView(), { verb_input: { text: input(HOSTILE[3]!.text) } }));
  await h.settle();

  // An export asked in the agent's DM: answered there, the CSV uploaded into it.
  await h.event(message(AGENTS.ana, "DANA", "export 30d"));
  await h.settle();
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe("hostile text on every Slack surface", () => {
  it("is valid Slack: every call passed the fake Web API's checks against the published spec", () => {
    expect(h.fake.violations).toEqual([]);
  });

  it("stores what the person typed without control characters, from the form, a thread reply and a modal", async () => {
    const t1 = await ticket(1);
    expect(t1.title).toBe(TITLE);
    expect(t1.description).toBe(ALL.replace(new RegExp(CONTROL.source, "g"), ""));
    const stored = [t1.title, t1.description ?? "", t1.resolution ?? "", ...(await h.db.selectFrom("comments").select("body").execute()).map((c) => c.body)];
    expect(stored.length).toBeGreaterThan(4);
    for (const s of stored) expect(s).not.toMatch(CONTROL);
    expect(t1.description).toContain("nulherebsvtdel");
  });

  it("no mrkdwn field and no fallback text of any call carries a live token from user text", () => {
    const fields = allCalls()
      .flatMap(fieldsOf)
      .filter((f) => f.kind === "mrkdwn");
    expect(fields.length).toBeGreaterThan(50);
    const live = fields.flatMap((f) => liveTokens(f.text).map((t) => `${f.method} ${f.where}: ${t}`));
    expect(live).toEqual([]);
  });

  it("no field of any call carries a control character", () => {
    const bad = allCalls().flatMap((c) =>
      stringsOf(c)
        .filter((s) => CONTROL.test(s))
        .map((s) => `${c.method}: ${JSON.stringify(s)}`),
    );
    expect(bad).toEqual([]);
  });

  it("plain_text fields and prefilled inputs show the words as typed, never entity-escaped", () => {
    const plain = allCalls()
      .flatMap(fieldsOf)
      .filter((f) => f.kind === "plain");
    // Entities only escaping could have made (the corpus's own typed `&lt;b&gt;` is the person's words).
    const escaped = /&lt;!channel&gt; &lt;!here&gt;|&lt;@U0ADMIN|&lt;https:\/\/evil|&lt;!subteam/;
    expect(plain.filter((f) => escaped.test(f.text)).map((f) => `${f.method} ${f.where}: ${f.text}`)).toEqual([]);
    // The card's header, the incident's header and the resolve modal's prefilled article title show the title itself.
    expect(plain.some((f) => f.text === `#1 ${TITLE}`)).toBe(true);
    expect(plain.some((f) => f.method === "chat.postMessage" && f.text === `INC-1 ${TITLE}`)).toBe(true);
    expect(plain.some((f) => f.method === "views.open" && f.where.endsWith(".initial_value") && f.text === TITLE)).toBe(true);
  });

  it("the triage card shows the words in its blocks and in its fallback text", async () => {
    const card = await cardWhere(1);
    const posted = (c: Call) => c.args.channel === TRIAGE && !c.args.thread_ts && String(c.args.text).startsWith("#1 ");
    const fallback = fieldsWhere(posted).filter((f) => f.where === "text");
    expect(fallback[0]!.text).toContain("&lt;!channel&gt; &lt;!here&gt; &lt;@U0ADMIN1&gt; &lt;https://evil.example|click here&gt;");
    expectShown(fallback, TITLE, "the card's fallback text");
    expectShown(fieldsWhere(posted), (await ticket(1)).description!, "the card's blocks");
    const updates = (c: Call) => c.method === "chat.update" && c.args.channel === card.channel && c.args.ts === card.ts;
    expectShown(
      fieldsWhere(updates).filter((f) => f.where === "text"),
      TITLE,
      "the updated card's fallback text",
    );
    expectShown(fieldsWhere(updates), (await ticket(1)).resolution!, "the resolved card's Resolution field");
  });

  it("the requester's messages and DMs: the confirmation, the agent's relayed reply and the resolution", async () => {
    const mine = (await h.db.selectFrom("ticket_links").select("ref").where("ticket_id", "=", 1).where("role", "=", "requester").executeTakeFirstOrThrow()).ref;
    const toRequester = (c: Call) =>
      c.method === "chat.postMessage" && (c.args.channel === "DREQ" || c.args.channel === REQUESTER || c.args.thread_ts === mine.split(":")[1]);
    const texts = fieldsWhere(toRequester).filter((f) => f.where === "text");
    expectShown(texts, TITLE, "the confirmation");
    expectShown(texts, ALL.replace(new RegExp(CONTROL.source, "g"), ""), "the relayed reply and the resolution");
  });

  it("the thread relay of the requester's reply in the card's thread", async () => {
    const card = await cardWhere(1);
    const relays = fieldsWhere((c) => c.method === "chat.postMessage" && c.args.channel === card.channel && c.args.thread_ts === card.ts);
    expectShown(
      relays.filter((f) => f.where === "text"),
      ALL.replace(new RegExp(CONTROL.source, "g"), ""),
      "the card thread's relay",
    );
  });

  it("App Home rows, the ephemeral answer to a mention and the slash command's answers", async () => {
    expectShown(
      fieldsWhere((c) => c.method === "views.publish"),
      TITLE,
      "App Home",
    );
    const description = (await ticket(1)).description!;
    expectShown(
      fieldsWhere((c) => c.method === "chat.postEphemeral" && c.args.user === REQUESTER),
      `${TITLE}\n${description}`,
      "the ephemeral show",
    );
    expectShown(fieldsWhere(answers), `${TITLE}\n${description}`, "/ticket show");
  });

  it("knowledge-base answers: the article found by kb, and offered at intake", () => {
    const article = "vpn drops <!channel> <@U0ADMIN1>";
    expectShown(fieldsWhere(answers), article, "kb search");
    const offer = fieldsWhere((c) => c.method === "chat.postMessage" && (c.args.channel === "DREQ" || c.args.channel === REQUESTER));
    expectShown(
      offer.filter((f) => f.where === "text"),
      article,
      "the article offered to the requester",
    );
    expectShown(
      fieldsWhere((c) => c.args.channel === TRIAGE && !c.args.thread_ts),
      article,
      "the card's Offered field",
    );
  });

  it("incident status messages and the Post update modal", () => {
    const status = fieldsWhere((c) => (c.method === "chat.postMessage" || c.method === "chat.update") && c.args.channel === CSTATUS);
    expectShown(
      status.filter((f) => f.where === "text"),
      `INC-1 ${TITLE}`,
      "the status message's fallback text",
    );
    expectShown(status, HOSTILE[0]!.text, "the update in the status message");
    const modal = fieldsWhere((c) => c.method === "views.open" && (c.view as { callback_id?: string }).callback_id === "incident_update");
    expectShown(
      modal.filter((f) => f.kind === "mrkdwn"),
      TITLE,
      "the Post update modal",
    );
  });

  it("modals prefilled from user text: the shortcut's form and the resolve modal's article", () => {
    const forms = h.fake.of("views.open").map((c) => c.view as { callback_id?: string; blocks: { block_id?: string; element?: { initial_value?: string } }[] });
    const shortcut = forms.find((v) => v.callback_id === "ticket_form" && v.blocks.some((b) => b.element?.initial_value));
    expect(shortcut?.blocks.find((b) => b.block_id === "title")?.element?.initial_value).toBe("click here (https://evil.example) to fix vpn");
    const resolve = forms.find((v) => v.callback_id === "verb_input" && v.blocks.some((b) => b.block_id === "kb_body"));
    expect(resolve?.blocks.find((b) => b.block_id === "kb_title")?.element?.initial_value).toBe(TITLE);
    expect(resolve?.blocks.find((b) => b.block_id === "kb_body")?.element?.initial_value).toContain("<!subteam^S0123|@oncall> in <#C0123|general>");
  });

  it("approval cards in the approvers' DMs, and the requester told of the reasoned rejection", async () => {
    const title = (await ticket(2)).title;
    const cards = fieldsWhere(
      (c) =>
        (c.method === "chat.postMessage" || c.method === "chat.update") &&
        (c.args.channel === AGENTS.ana ||
          c.args.channel === `D${AGENTS.ana.slice(1)}` ||
          c.args.channel === AGENTS.bob ||
          c.args.channel === `D${AGENTS.bob.slice(1)}`),
    );
    expectShown(
      cards.filter((f) => f.where === "text"),
      title,
      "the approval card's fallback text",
    );
    expectShown(cards, HOSTILE[3]!.text, "the rejection reason on the approval card");
    expectShown(
      fieldsWhere((c) => c.method === "chat.postMessage" && (c.args.channel === "DREQ" || c.args.channel === REQUESTER)),
      HOSTILE[3]!.text,
      "the rejection told to the requester",
    );
  });

  it("file upload comments and the answer that announces them name no server path", () => {
    const dir = process.cwd();
    const files = filesDirBeside(h.path);
    const said = allCalls()
      .flatMap(fieldsOf)
      .filter((f) => f.text.includes(dir) || f.text.includes(files) || f.text.includes("files/reports/"));
    expect(said.map((f) => `${f.method} ${f.where}`)).toEqual([]);
    const [share] = h.fake.of("files.completeUploadExternal");
    expect(String(share!.args.initial_comment)).toMatch(/^Tickets 30d \(Exported \d+ tickets? \(30d\) to tickets-30d-.*\.csv\)$/);
  });
});
