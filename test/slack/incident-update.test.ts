// "Post update" on an incident's status message: the button opens a modal (status and message), whose
// submission runs `incident update` through the core: the status message is updated in place and the
// requesters hear it. Mistakes come back inline (response_action: errors); people who may not, are refused.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AGENTS, REQUESTER, blockAction, startHarness, viewSubmission, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  expect(h.fake.violations).toEqual([]);
  await h.close();
});

const STATUS = "CSTATUS";

/** An incident from ticket #1 with its status message in CSTATUS; returns the message's ts and blocks. */
async function incidentWithStatusMessage(): Promise<{ ts: string; blocks: Record<string, any>[] }> {
  await h.command("incident subscribe", AGENTS.ana, { channel_id: STATUS, channel_name: "status" });
  await h.command("wifi down on the 3rd floor", REQUESTER);
  await h.settle();
  await h.command("incident from 1", AGENTS.ana);
  await h.settle();
  const link = await h.db.selectFrom("incident_links").select("ref").executeTakeFirstOrThrow();
  const post = h.fake.of("chat.postMessage").find((c) => c.args.channel === STATUS)!;
  return { ts: link.ref.split(":")[1]!, blocks: post.blocks! };
}

async function openModal(user: string, ts: string) {
  const button = { type: "button", action_id: "incident.update.1", value: JSON.stringify({ incident: 1 }), text: { type: "plain_text", text: "Post update" } };
  const r = await h.interact(blockAction(user, button, { channel: STATUS, ts }));
  expect(r.status).toBe(200);
  await h.settle();
  return h.fake.of("views.open").at(-1)?.view;
}

const values = (status: string | undefined, message: string) => ({
  incident_status: { status: { type: "static_select", selected_option: status ? { text: { type: "plain_text", text: status }, value: status } : null } },
  incident_message: { message: { type: "plain_text_input", value: message } },
});

describe("Post update from the incident's status message", () => {
  it("the button opens the modal; a submission updates the status message in place and tells the requesters", async () => {
    const { ts, blocks } = await incidentWithStatusMessage();
    const button = blocks.flatMap((b) => (b.type === "actions" ? b.elements : [])).find((e: any) => e.action_id === "incident.update.1");
    expect(button).toMatchObject({ type: "button", text: { text: "Post update" }, value: JSON.stringify({ incident: 1 }) });

    const view = await openModal(AGENTS.ana, ts);
    expect(view).toMatchObject({ type: "modal", callback_id: "incident_update", title: { text: "Update INC-1" } });
    const select = (view!.blocks as any[]).find((b) => b.block_id === "incident_status").element;
    expect(select.options.map((o: any) => o.value)).toEqual(["investigating", "identified", "monitoring", "resolved"]);
    expect(select.initial_option.value).toBe("investigating");

    const before = h.fake.calls.length;
    const r = await h.interact(viewSubmission(AGENTS.ana, view!, values("identified", "a failed switch on 3")));
    expect(r.status).toBe(200);
    expect(r.body).toBe("");
    await h.settle();
    const after = h.fake.calls.slice(before);
    expect(after.filter((c) => c.method === "chat.update" && c.args.channel === STATUS).map((c) => [c.args.ts, c.args.text])).toEqual([
      [ts, "INC-1 wifi down on the 3rd floor: identified — a failed switch on 3"],
    ]);
    expect(after.filter((c) => c.method === "chat.postMessage" && c.args.channel === STATUS)).toEqual([]);
    expect(
      after.some(
        (c) =>
          c.method === "chat.postMessage" && String(c.args.text).includes("Update on INC-1 (wifi down on the 3rd floor), identified: a failed switch on 3"),
      ),
    ).toBe(true);
    const inc = await h.db.selectFrom("incidents").select("status").executeTakeFirstOrThrow();
    expect(inc.status).toBe("identified");

    // A submission delivered twice (same view id: a retry or a double click) posts once.
    await h.interact(viewSubmission(AGENTS.ana, view!, values("monitoring", "switch replaced, watching"), "V-same"));
    await h.interact(viewSubmission(AGENTS.ana, view!, values("monitoring", "switch replaced, watching"), "V-same"));
    await h.settle();
    expect(await h.db.selectFrom("incident_updates").select("body").where("body", "=", "switch replaced, watching").execute()).toHaveLength(1);
  });

  it("an empty, oversized or status-less update is answered inline and changes nothing; a requester may not post one", async () => {
    const { ts } = await incidentWithStatusMessage();
    const view = (await openModal(AGENTS.ana, ts))!;
    const updates = async () => (await h.db.selectFrom("incident_updates").selectAll().execute()).length;
    const n = await updates();

    const empty = await h.interact(viewSubmission(AGENTS.ana, view, values("identified", "   ")));
    expect(JSON.parse(empty.body)).toEqual({
      response_action: "errors",
      errors: { incident_message: "Write the update: every requester and status channel will read it." },
    });
    const long = await h.interact(viewSubmission(AGENTS.ana, view, values("identified", "x".repeat(3001))));
    expect(JSON.parse(long.body).errors.incident_message).toBe("This is 3001 characters; keep it to 3000.");
    const noStatus = await h.interact(viewSubmission(AGENTS.ana, view, values(undefined, "still down")));
    expect(JSON.parse(noStatus.body).errors).toEqual({ incident_status: "Choose one of investigating, identified, monitoring, resolved." });
    const lost = await h.interact(viewSubmission(AGENTS.ana, { ...view, private_metadata: "not json" }, values("identified", "still down")));
    expect(JSON.parse(lost.body).errors.incident_message).toMatch(/lost which incident/);

    const refused = await h.interact(viewSubmission(REQUESTER, view, values("monitoring", "looks fixed to me")));
    expect(JSON.parse(refused.body).response_action).toBe("errors");
    expect(JSON.parse(refused.body).errors.incident_message).toMatch(/post incident updates/);
    expect(await updates()).toBe(n);
  });

  it("resolved from the modal resolves the incident and its tickets; the message then offers no button, and a stale click is answered", async () => {
    const { ts } = await incidentWithStatusMessage();
    const view = (await openModal(AGENTS.ana, ts))!;
    await h.interact(viewSubmission(AGENTS.ana, view, values("resolved", "replaced the switch")));
    await h.settle();
    expect((await h.db.selectFrom("tickets").select("status").where("id", "=", 1).executeTakeFirstOrThrow()).status).toBe("resolved");
    const last = h.fake
      .of("chat.update")
      .filter((c) => c.args.channel === STATUS)
      .at(-1)!;
    expect(String(last.args.text)).toMatch(/^INC-1 wifi down on the 3rd floor: resolved/);
    expect(last.blocks!.some((b) => b.type === "actions")).toBe(false);

    const opened = h.fake.of("views.open").length;
    await openModal(AGENTS.ana, ts);
    expect(h.fake.of("views.open")).toHaveLength(opened);
    expect(h.fake.of("chat.postEphemeral").at(-1)!.args.text).toBe("INC-1 is resolved; declare a new incident if it is back.");
  });
});

describe("incident buttons on a ticket's card in Slack", () => {
  const cardButtons = (ticket: number) => {
    const card = h.fake.of("chat.postMessage").find((c) => c.args.channel === "CTRIAGE" && String(c.args.text).startsWith(`#${ticket} `))!;
    return card.blocks!.flatMap((b: any) => (b.type === "actions" ? b.elements : [])).map((e: any) => e.action_id);
  };

  it("Declare incident declares one from the ticket; Link to incident asks which (in a modal) and links another ticket", async () => {
    await h.command("vpn drops every hour", REQUESTER);
    await h.command("vpn will not connect from home", REQUESTER);
    await h.settle();
    expect(cardButtons(1)).toEqual(expect.arrayContaining(["ticket.declare_incident.1", "ticket.link_incident.1"]));
    const cardTs = (n: number) => ({
      channel: "CTRIAGE",
      ts: String(h.fake.of("chat.postMessage").find((c) => c.args.channel === "CTRIAGE" && String(c.args.text).startsWith(`#${n} `))!.args.ts ?? ""),
    });

    await h.interact(
      blockAction(
        AGENTS.ana,
        { type: "button", action_id: "ticket.declare_incident.1", value: JSON.stringify({ ticket: 1, verb: "declare_incident" }) },
        cardTs(1),
      ),
    );
    await h.settle();
    expect(await h.db.selectFrom("incidents").select(["id", "title", "origin_ticket_id"]).execute()).toEqual([
      { id: 1, title: "vpn drops every hour", origin_ticket_id: 1 },
    ]);

    await h.interact(
      blockAction(AGENTS.ana, { type: "button", action_id: "ticket.link_incident.2", value: JSON.stringify({ ticket: 2, verb: "link_incident" }) }, cardTs(2)),
    );
    await h.settle();
    const modal = h.fake.of("views.open").at(-1)!.view!;
    expect(modal).toMatchObject({ callback_id: "verb_input", title: { text: "Link to incident #2" } });
    const typed = (value: string) => h.interact(viewSubmission(AGENTS.ana, modal, { verb_input: { text: { type: "plain_text_input", value } } }));
    expect(JSON.parse((await typed("the vpn one")).body).errors.verb_input).toBe("Say which incident: its number, like INC-3.");
    expect(JSON.parse((await typed("INC-7")).body).errors.verb_input).toBe("There is no incident INC-7.");
    expect((await typed("inc-1")).body).toBe("");
    await h.settle();
    expect(await h.db.selectFrom("incident_tickets").select(["ticket_id", "incident_id"]).orderBy("ticket_id").execute()).toEqual([
      { ticket_id: 1, incident_id: 1 },
      { ticket_id: 2, incident_id: 1 },
    ]);
  });
});
