import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AGENTS, REQUESTER, TRIAGE, blockAction, startHarness, viewSubmission, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await h.command("vpn drops every ten minutes");
  await h.settle();
});
afterEach(async () => {
  expect(h.fake.violations).toEqual([]);
  await h.close();
});

const ticket = () => h.db.selectFrom("tickets").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
const cardRef = async () => (await h.db.selectFrom("ticket_links").select("ref").where("role", "=", "card").executeTakeFirstOrThrow()).ref;
const threadNotes = async () => {
  const ts = (await cardRef()).split(":")[1];
  return h.fake
    .of("chat.postMessage")
    .filter((c) => c.args.channel === TRIAGE && c.args.thread_ts === ts)
    .map((c) => String(c.args.text));
};
const updates = () => h.fake.of("chat.update");
const ephemerals = () => h.fake.of("chat.postEphemeral").map((c) => c.args as { user: string; text: string; channel: string });
const where = async () => {
  const [channel, ts] = (await cardRef()).split(":");
  return { channel: channel!, ts: ts! };
};
const button = (verb: string) => ({
  type: "button",
  action_id: `ticket.${verb}.1`,
  value: JSON.stringify({ ticket: 1, verb }),
  text: { type: "plain_text", text: verb },
});

describe("triage card buttons", () => {
  it("Claim: claims, updates the card in place, says it once in the card's thread and tells the requester", async () => {
    const r = await h.interact(blockAction(AGENTS.ana, button("claim"), await where()));
    expect(r.status).toBe(200);
    await h.settle();
    expect(await ticket()).toMatchObject({ status: "in_progress" });
    const [update] = updates();
    expect(update!.args).toMatchObject({ channel: TRIAGE, ts: (await where()).ts });
    expect(JSON.stringify(update!.blocks)).toContain("in progress");
    expect(await threadNotes()).toEqual(["Triage put #1 in Network", "ana claimed #1"]);
    const dm = h.fake.of("chat.postMessage").filter((c) => c.args.channel === "DREQ");
    expect(dm.at(-1)!.args.text).toBe("#1 is now with ana (in progress).");
    expect(dm.at(-1)!.args.thread_ts).toBeDefined();
  });

  it("a double click acts once and tells the second click why", async () => {
    const w = await where();
    await Promise.all([h.interact(blockAction(AGENTS.ana, button("claim"), w)), h.interact(blockAction(AGENTS.ana, button("claim"), w))]);
    await h.settle();
    expect(await threadNotes()).toEqual(["Triage put #1 in Network", "ana claimed #1"]);
    expect(ephemerals()).toEqual([expect.objectContaining({ user: AGENTS.ana, channel: TRIAGE, text: "#1 is already yours." })]);
    const audit = await h.db.selectFrom("audit_events").selectAll().where("action", "=", "claimed").execute();
    expect(audit.filter((a) => a.field === "assignee")).toHaveLength(1);
  });

  it("a redelivered interaction (same action_ts) acts once", async () => {
    const payload = blockAction(AGENTS.ana, button("claim"), await where());
    await h.interact(payload);
    await h.interact(payload);
    await h.settle();
    expect(await threadNotes()).toEqual(["Triage put #1 in Network", "ana claimed #1"]);
    expect(ephemerals()).toEqual([]);
  });

  it("Assign (users_select) and Priority (static_select) carry the ticket and the choice", async () => {
    const w = await where();
    await h.command("claim 1", AGENTS.bob); // bob becomes a known agent
    await h.interact(blockAction(AGENTS.ana, { type: "users_select", action_id: "ticket.assign.1", selected_user: AGENTS.bob }, w));
    await h.settle();
    await h.interact(blockAction(AGENTS.ana, { type: "users_select", action_id: "ticket.assign.1", selected_user: AGENTS.ana }, w));
    await h.interact(
      blockAction(
        AGENTS.ana,
        {
          type: "static_select",
          action_id: "ticket.priority.1",
          selected_option: { value: JSON.stringify({ ticket: 1, verb: "priority", input: "P1" }), text: { type: "plain_text", text: "P1" } },
        },
        w,
      ),
    );
    await h.settle();
    const t = await ticket();
    expect(t.priority).toBe("P1");
    const ana = await h.db.selectFrom("people").select("id").where("user_id", "=", AGENTS.ana).executeTakeFirstOrThrow();
    expect(t.assignee_id).toBe(ana.id);
    expect(await threadNotes()).toEqual(["Triage put #1 in Network", "bob claimed #1", "ana assigned #1 to ana", "ana set #1 to P1"]);
  });

  it("Resolve opens a modal for the note; the submission resolves and the requester gets Reopen and the rating", async () => {
    const w = await where();
    await h.interact(blockAction(AGENTS.ana, button("resolve"), w));
    await h.settle();
    const open = h.fake.of("views.open")[0]!;
    expect(open.view).toMatchObject({ callback_id: "verb_input" });
    const empty = await h.interact(viewSubmission(AGENTS.ana, open.view!, { verb_input: { text: { type: "plain_text_input", value: "" } } }));
    expect(JSON.parse(empty.body)).toEqual({ response_action: "errors", errors: { verb_input: "Write something here." } });
    const ok = await h.interact(
      viewSubmission(AGENTS.ana, open.view!, { verb_input: { text: { type: "plain_text_input", value: "Replaced the VPN profile" } } }),
    );
    expect(ok.body).toBe("");
    await h.settle();
    expect(await ticket()).toMatchObject({ status: "resolved", resolution: "Replaced the VPN profile" });
    const resolution = h.fake
      .of("chat.postMessage")
      .filter((c) => c.args.channel === "DREQ")
      .at(-1)!;
    const ids = resolution.blocks!.filter((b) => b.type === "actions").flatMap((b) => (b.elements as { action_id: string }[]).map((e) => e.action_id));
    expect(ids).toEqual(["ticket.reopen.1", "rate.1.1", "rate.1.2", "rate.1.3", "rate.1.4", "rate.1.5"]);
    expect(resolution.args.text).toContain("#1 is resolved: Replaced the VPN profile");
  });

  it("a resolve modal submitted after the ticket was closed elsewhere is answered inline and changes nothing", async () => {
    await h.interact(blockAction(AGENTS.ana, button("resolve"), await where()));
    await h.settle();
    const open = h.fake.of("views.open")[0]!;
    await h.as("operator", "close 1");
    const r = await h.interact(viewSubmission(AGENTS.ana, open.view!, { verb_input: { text: { type: "plain_text_input", value: "fixed" } } }));
    expect(JSON.parse(r.body)).toEqual({ response_action: "errors", errors: { verb_input: "#1 is closed; reopen it first: reopen 1 <why>." } });
    expect(await ticket()).toMatchObject({ status: "closed", resolution: null });
  });

  it("a click on a card drawn before the ticket was closed is answered, and nothing changes", async () => {
    const w = await where();
    await h.as("operator", "close 1");
    await h.settle();
    // The console's change updated the card too, and was said in its thread.
    expect(updates()).toHaveLength(1);
    expect(await threadNotes()).toEqual(["Triage put #1 in Network", "operator closed #1"]);
    await h.interact(blockAction(AGENTS.ana, button("claim"), w));
    await h.interact(blockAction(AGENTS.ana, button("resolve"), w));
    await h.settle();
    // Two clicks answered independently: either answer may come first.
    expect(
      ephemerals()
        .map((e) => e.text)
        .sort(),
    ).toEqual(['#1 is closed; "resolve" cannot be done now. Nothing was changed.', "#1 is closed; reopen it first: reopen 1 &lt;why&gt;."]);
    expect((await ticket()).status).toBe("closed");
    expect(h.fake.of("views.open")).toHaveLength(0);
  });

  it("a person who may not act, an unknown action id and a forged value are each answered and change nothing", async () => {
    const w = await where();
    await h.interact(blockAction(REQUESTER, button("claim"), w));
    await h.interact(blockAction(AGENTS.ana, { type: "button", action_id: "frobnicate", value: "x" }, w));
    await h.interact(blockAction(AGENTS.ana, { type: "button", action_id: "ticket.claim.1", value: JSON.stringify({ ticket: 2, verb: "claim" }) }, w));
    await h.interact(blockAction(AGENTS.ana, { type: "button", action_id: "ticket.claim.77", value: JSON.stringify({ ticket: 77, verb: "claim" }) }, w));
    await h.settle();
    expect(ephemerals().map((e) => e.text)).toEqual([
      "Only agents can claim tickets; you are a requester.",
      "That button (frobnicate) is not one I know. Nothing was changed.",
      "That button's data does not match its ticket. Nothing was changed.",
      "There is no ticket #77.",
    ]);
    expect((await ticket()).status).toBe("new");
    expect(updates()).toHaveLength(0);
  });
});

describe("outbound", () => {
  it("honours a 429's Retry-After and delivers later, never losing the message", async () => {
    h.fake.rateLimit("chat.update", 30);
    await h.interact(blockAction(AGENTS.ana, button("claim"), await where()));
    await h.settle();
    const row = await h.db.selectFrom("outbox").selectAll().where("kind", "=", "card").where("status", "=", "retrying").executeTakeFirstOrThrow();
    expect(row.next_attempt_at - h.clock.now()).toBe(30_000);
    // The thread note waits behind the card (same target, in order); only the triage note from arrival is there.
    expect(await threadNotes()).toEqual(["Triage put #1 in Network"]);
    h.clock.advance(30_000);
    await h.settle();
    expect(updates().filter((c) => c.args.ts)).toHaveLength(2);
    expect(await threadNotes()).toEqual(["Triage put #1 in Network", "ana claimed #1"]);
    const left = await h.db.selectFrom("outbox").select("status").where("status", "!=", "sent").execute();
    expect(left).toEqual([]);
  });

  it("dead-letters a permanent error (channel_not_found) without holding up later messages", async () => {
    h.fake.fail("chat.update", "channel_not_found");
    await h.interact(blockAction(AGENTS.ana, button("claim"), await where()));
    await h.settle();
    const dead = await h.db.selectFrom("outbox").selectAll().where("status", "=", "dead").execute();
    expect(dead.map((d) => [d.kind, d.last_error])).toEqual([["card", "Slack said channel_not_found"]]);
    expect(await threadNotes()).toEqual(["Triage put #1 in Network", "ana claimed #1"]);
  });
});
