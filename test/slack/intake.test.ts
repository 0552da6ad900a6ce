import { SPECS } from "../helpers/shared.js";
import { committed } from "./durable.js";
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ticketView } from "../../src/core/views.js";
import { counts } from "../helpers/desk.js";
import { slackSignature } from "../fakes/slack-sign.js";
import { AGENTS, REQUESTER, SECRET, TRIAGE, startHarness, viewSubmission, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  expect(h.fake.violations).toEqual([]);
  await h.close();
});

const ticketRows = () => h.db.selectFrom("tickets").selectAll().execute();
const responses = () => h.answers;

describe("signing", () => {
  it("signs exactly as Slack's documented example", () => {
    const dir = `${SPECS}/slack/signing`;
    const v = JSON.parse(readFileSync(`${dir}/signature_vector.json`, "utf8")) as {
      signing_secret: string;
      x_slack_request_timestamp: string;
      body_file: string;
      x_slack_signature: string;
    };
    const body = readFileSync(`${dir}/${v.body_file}`, "utf8");
    expect(slackSignature(v.signing_secret, v.x_slack_request_timestamp, body)).toBe(v.x_slack_signature);
  });

  it("answers 401 and changes nothing for a bad, missing or stale signature", async () => {
    const before = await counts(h.db);
    const body = "command=%2Fticket&text=printer+jams&user_id=UREQ&trigger_id=1.2.3&response_url=x";
    const bad = await h.post(body, "application/x-www-form-urlencoded", {
      "x-slack-signature": slackSignature("wrong-secret", Math.floor(Date.now() / 1000), body),
    });
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const old = await h.post(body, "application/x-www-form-urlencoded", {
      "x-slack-request-timestamp": String(stale),
      "x-slack-signature": slackSignature(SECRET, stale, body),
    });
    const missing = await fetch(h.url, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect([bad.status, old.status, missing.status]).toEqual([401, 401, 401]);
    await h.settle();
    expect(await counts(h.db)).toEqual(before);
    expect(h.fake.calls.filter((c) => c.method !== "auth.test")).toEqual([]);
  });

  it("answers a malformed payload with 400 and changes nothing", async () => {
    const r = await h.post("payload=%7Bnot-json", "application/x-www-form-urlencoded");
    expect(r.status).toBe(400);
    await h.settle();
    expect((await counts(h.db)).tickets).toBe(0);
  });
});

describe("/ticket", () => {
  it("creates a ticket from text at once, answers ephemerally, posts the card and confirms to the requester", async () => {
    const r = await h.command("printer on 3rd floor jams -- since this morning");
    expect(r.status).toBe(200);
    await h.settle();
    const [t] = await ticketRows();
    expect(t).toMatchObject({ title: "printer on 3rd floor jams", description: "since this morning", status: "new", source_kind: "slack" });
    const person = await h.db.selectFrom("people").selectAll().where("id", "=", t!.requester_id).executeTakeFirstOrThrow();
    expect(person).toMatchObject({ platform: "slack", user_id: REQUESTER, display_name: "rita", email: "rita@example.com", tz: "Europe/Paris" });
    expect(responses()).toEqual([expect.objectContaining({ response_type: "ephemeral", text: expect.stringContaining("Opened #1") })]);
    const posts = h.fake.of("chat.postMessage");
    const card = posts.find((c) => c.args.channel === TRIAGE)!;
    expect(card.blocks![0]).toMatchObject({ type: "header", text: { text: "#1 printer on 3rd floor jams" } });
    const actionIds = card.blocks!.filter((b) => b.type === "actions").flatMap((b) => (b.elements as { action_id: string }[]).map((e) => e.action_id));
    // Every action of the neutral view, the core's verbs and any a capability adds, is on the card.
    const view = ticketView((await h.desk.snapshot(1))!);
    expect(actionIds).toEqual(view.actions.map((a) => `ticket.${a.verb}.1`));
    expect(actionIds.slice(0, 5)).toEqual(["ticket.claim.1", "ticket.assign.1", "ticket.priority.1", "ticket.resolve.1", "ticket.close.1"]);
    const fieldTexts = card.blocks!.filter((b) => b.type === "section" && b.fields).flatMap((b) => (b.fields as { text: string }[]).map((f) => f.text));
    expect(fieldTexts.length).toBe(view.fields.length);
    expect(fieldTexts).toContain("*Requester*\nrita");
    const dm = posts.find((c) => c.args.channel === REQUESTER)!;
    expect(dm.args.text).toContain("I opened #1:");
    const links = await h.db.selectFrom("ticket_links").select(["role", "ref"]).orderBy("role").execute();
    expect(links).toEqual([
      { role: "card", ref: expect.stringMatching(/^CTRIAGE:1700000000\.\d{6}$/) },
      { role: "requester", ref: expect.stringMatching(/^DREQ:1700000000\.\d{6}$/) },
    ]);
  });

  it("answers in the acknowledgement itself, with no response_url call, and only once the ticket is committed", async () => {
    // A slow capability: an ack sent before the commit would arrive before the ticket is in the file.
    h.desk.addCapability({ name: "slow", afterChange: () => new Promise((r) => setTimeout(r, 300)) });
    const r = await h.command("scanner offline");
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ response_type: "ephemeral", text: expect.stringMatching(/^Opened #1 /) });
    // Read right at the ack, before any settling, by another connection (which sees only what is committed).
    expect(committed(h.path, "SELECT title FROM tickets")).toEqual([{ title: "scanner offline" }]);
    await h.settle();
    expect(h.fake.of("response_url")).toEqual([]);
    // The requester also hears of the ticket in their thread, through the outbox.
    expect(h.fake.of("chat.postMessage").some((c) => String(c.args.text).includes("#1"))).toBe(true);
  });

  it("runs every grammar subcommand and answers only the person", async () => {
    await h.command("vpn drops every ten minutes");
    await h.settle();
    await h.command("claim 1");
    await h.command("list");
    await h.settle();
    await h.command("claim 1", AGENTS.ana);
    await h.command("nonsense 12 x", AGENTS.ana);
    await h.command("show 99", AGENTS.ana);
    await h.settle();
    const texts = responses().map((r) => r.text);
    expect(texts[1]).toMatch(/Only agents can claim tickets; you are a requester\./);
    expect(texts[2]).toContain("#1 [P3 new] vpn drops every ten minutes");
    expect(texts[3]).toContain("#1 [P3 in progress]");
    expect(texts[5]).toBe("There is no ticket #99.");
    expect(responses().every((r) => r.response_type === "ephemeral")).toBe(true);
    const t = await h.db.selectFrom("tickets").selectAll().executeTakeFirstOrThrow();
    expect(t.status).toBe("in_progress");
  });

  it("with no text opens the form; missing or oversized fields come back inline and nothing is created", async () => {
    await h.command("");
    await h.settle();
    const open = h.fake.of("views.open")[0]!;
    expect(open.view).toMatchObject({ type: "modal", callback_id: "ticket_form" });
    const blockIds = (open.view!.blocks as { block_id?: string }[]).map((b) => b.block_id);
    expect(blockIds).toEqual(["title", "description", "type", "impact", "urgency", "service", "category"]);

    const empty = await h.interact(
      viewSubmission(REQUESTER, open.view!, {
        title: { title: { type: "plain_text_input", value: "  " } },
        description: { description: { type: "plain_text_input", value: "x".repeat(3001) } },
      }),
    );
    expect(empty.status).toBe(200);
    expect(JSON.parse(empty.body)).toEqual({
      response_action: "errors",
      errors: { title: "Give the ticket a title.", description: "The description is 3001 characters; keep it to 3000." },
    });

    const values = {
      title: { title: { type: "plain_text_input", value: "Outlook will not start" } },
      description: { description: { type: "plain_text_input", value: "Crashes at the splash screen" } },
      type: { type: { type: "static_select", selected_option: { value: "incident" } } },
      impact: { impact: { type: "static_select", selected_option: { value: "high" } } },
      urgency: { urgency: { type: "static_select", selected_option: { value: "high" } } },
      service: { service: { type: "static_select", selected_option: { value: "Email" } } },
      category: { category: { type: "static_select", selected_option: null } },
    };
    const submit = viewSubmission(REQUESTER, open.view!, values, "VFORM1");
    const ok = await h.interact(submit);
    expect(ok.status).toBe(200);
    expect(ok.body).toBe("");
    // The same submission delivered again makes no second ticket.
    await h.interact(submit);
    await h.settle();
    const rows = await ticketRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ title: "Outlook will not start", priority: "P1", service: "Email", impact: "high" });
    // One card, plus triage's note in its thread ("Outlook" is a Software keyword).
    const triagePosts = h.fake.of("chat.postMessage").filter((c) => c.args.channel === TRIAGE);
    expect(triagePosts.filter((c) => !c.args.thread_ts)).toHaveLength(1);
    expect(triagePosts.filter((c) => c.args.thread_ts).map((c) => String(c.args.text))).toEqual(["Triage put #1 in Software"]);
  });

  it("refuses an unknown category from a forged submission inline", async () => {
    await h.command("");
    await h.settle();
    const open = h.fake.of("views.open")[0]!;
    const r = await h.interact(
      viewSubmission(REQUESTER, open.view!, {
        title: { title: { type: "plain_text_input", value: "Need a monitor" } },
        category: { category: { type: "static_select", selected_option: { value: "Plumbing" } } },
      }),
    );
    expect(JSON.parse(r.body)).toMatchObject({ response_action: "errors", errors: { category: expect.stringContaining("Category must be one of") } });
    expect(await ticketRows()).toHaveLength(0);
  });
});
