import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AGENTS, REQUESTER, TRIAGE, blockAction, startHarness, viewSubmission, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  expect(h.fake.violations).toEqual([]);
  await h.close();
});

let seq = 0;
const ts = () => `1700001000.${String(++seq).padStart(6, "0")}`;
const tickets = () => h.db.selectFrom("tickets").selectAll().orderBy("id").execute();
/** "Create ticket" on a message in #general, as Slack sends it (a message_action payload). */
const messageShortcut = (user: { id: string; name: string }, message: { user: string; ts: string; text: string }) => ({
  type: "message_action",
  token: "verification-token",
  action_ts: ts(),
  team: { id: "T0001", domain: "example" },
  user: { id: user.id, username: user.name, name: user.name, team_id: "T0001" },
  channel: { id: "CGENERAL", name: "general" },
  is_enterprise_install: false,
  enterprise: null,
  callback_id: "create_ticket",
  trigger_id: `42.${++seq}.trigger`,
  response_url: h.fake.responseUrl(`sc${seq}`),
  message_ts: message.ts,
  message: { type: "message", ...message, team: "T0001" },
});
const posts = (channel: string, thread?: string) =>
  h.fake.of("chat.postMessage").filter((c) => c.args.channel === channel && (thread === undefined || c.args.thread_ts === thread));

describe("intake from messages", () => {
  it("a DM to the bot makes a ticket and confirms in that message's thread", async () => {
    const at = ts();
    await h.event({
      type: "message",
      channel: "DREQ",
      channel_type: "im",
      user: REQUESTER,
      text: "laptop will not boot -- black screen after the logo",
      ts: at,
      event_ts: at,
      team: "T0001",
    });
    await h.settle();
    expect(await tickets()).toEqual([
      expect.objectContaining({ title: "laptop will not boot", description: "black screen after the logo", source_ref: `DREQ:${at}` }),
    ]);
    expect(posts("DREQ", at)[0]!.args.text).toContain("I opened #1:");
    const link = await h.db.selectFrom("ticket_links").select("ref").where("role", "=", "requester").executeTakeFirstOrThrow();
    expect(link.ref).toBe(`DREQ:${at}`);
  });

  it("an @mention in a channel makes a ticket (confirmed in its thread) or runs a grammar command (answered ephemerally)", async () => {
    const at = ts();
    await h.event({ type: "app_mention", channel: "CGENERAL", user: REQUESTER, text: "<@UBOT> wifi is down in room 4", ts: at, event_ts: at, team: "T0001" });
    const at2 = ts();
    await h.event({ type: "app_mention", channel: "CGENERAL", user: REQUESTER, text: "<@UBOT> list", ts: at2, event_ts: at2, team: "T0001" });
    await h.settle();
    expect((await tickets()).map((t) => t.title)).toEqual(["wifi is down in room 4"]);
    expect(posts("CGENERAL", at)[0]!.args.text).toContain("I opened #1:");
    const [eph] = h.fake.of("chat.postEphemeral");
    expect(eph!.args).toMatchObject({ channel: "CGENERAL", user: REQUESTER });
    expect(String(eph!.args.text)).toContain("#1 [P3 new] wifi is down in room 4");
  });

  it(":ticket: on a message makes one ticket for its author, however many react, and replies in its thread", async () => {
    const at = ts();
    h.fake.messages.set(`CGENERAL:${at}`, { type: "message", user: REQUESTER, text: "The shared drive is read-only since 9am\nNobody can save", ts: at });
    const reaction = (user: string) => ({
      type: "reaction_added",
      user,
      reaction: "ticket",
      item_user: REQUESTER,
      item: { type: "message", channel: "CGENERAL", ts: at },
      event_ts: ts(),
    });
    await h.event(reaction(AGENTS.ana));
    await h.event(reaction(AGENTS.bob));
    await h.event({ ...reaction(AGENTS.bob), reaction: "thumbsup" });
    await h.settle();
    const all = await tickets();
    expect(all).toEqual([
      expect.objectContaining({
        title: "The shared drive is read-only since 9am",
        description: "Nobody can save",
        source_link: `https://example.slack.com/archives/CGENERAL/p${at.replace(".", "")}`,
      }),
    ]);
    const requester = await h.db.selectFrom("people").select("user_id").where("id", "=", all[0]!.requester_id).executeTakeFirstOrThrow();
    expect(requester.user_id).toBe(REQUESTER);
    expect(posts("CGENERAL", at)).toHaveLength(1);
  });

  it("the message shortcut opens the form prefilled with the text and a permalink; submitting makes the ticket", async () => {
    const at = ts();
    await h.interact(
      messageShortcut({ id: REQUESTER, name: "rita" }, { user: REQUESTER, ts: at, text: "Printer on 2 prints blank pages\nSince the toner change" }),
    );
    await h.settle();
    const open = h.fake.of("views.open")[0]!;
    const blocks = open.view!.blocks as { type: string; block_id?: string; element?: { initial_value?: string }; elements?: { text: string }[] }[];
    expect(blocks.find((b) => b.block_id === "title")!.element!.initial_value).toBe("Printer on 2 prints blank pages");
    expect(blocks.find((b) => b.block_id === "description")!.element!.initial_value).toBe("Since the toner change");
    expect(blocks[0]!.elements![0]!.text).toContain(`https://example.slack.com/archives/CGENERAL/p${at.replace(".", "")}`);
    await h.interact(viewSubmission(REQUESTER, open.view!, { title: { title: { type: "plain_text_input", value: "Printer on 2 prints blank pages" } } }));
    await h.settle();
    expect(await tickets()).toEqual([expect.objectContaining({ source_ref: `CGENERAL:${at}`, source_link: expect.stringContaining("/archives/CGENERAL/") })]);
    expect(posts("CGENERAL", at)[0]!.args.text).toContain("I opened #1:");
  });

  it("the shortcut on someone else's message makes its author the requester and records who raised it", async () => {
    const at = ts();
    await h.interact(
      messageShortcut({ id: AGENTS.ana, name: "ana" }, { user: REQUESTER, ts: at, text: `<@${AGENTS.ana}> the badge reader at door 4 rejects every card` }),
    );
    await h.settle();
    const open = h.fake.of("views.open")[0]!;
    const blocks = open.view!.blocks as { block_id?: string; element?: { initial_value?: string } }[];
    // The mention that opened the message addressed ana; it is not the title's first word.
    expect(blocks.find((b) => b.block_id === "title")!.element!.initial_value).toBe("the badge reader at door 4 rejects every card");
    await h.interact(
      viewSubmission(AGENTS.ana, open.view!, { title: { title: { type: "plain_text_input", value: "the badge reader at door 4 rejects every card" } } }),
    );
    await h.settle();
    const [ticket] = await tickets();
    const requester = await h.db.selectFrom("people").selectAll().where("id", "=", ticket!.requester_id).executeTakeFirstOrThrow();
    expect(requester).toEqual(expect.objectContaining({ platform: "slack", user_id: REQUESTER }));
    const created = await h.db
      .selectFrom("audit_events")
      .innerJoin("people", "people.id", "audit_events.actor_id")
      .select(["people.user_id", "audit_events.reason"])
      .where("action", "=", "create")
      .executeTakeFirstOrThrow();
    expect(created.user_id).toBe(AGENTS.ana);
    expect(created.reason).toMatch(/raised by .+ on behalf of /);
    // The author hears in their message's thread, and the ticket is theirs to follow: /ticket list shows it to them.
    expect(posts("CGENERAL", at)[0]!.args.text).toMatch(/^\w+ opened #1 for you: the badge reader/);
    const mine = await h.command("list", REQUESTER);
    expect(JSON.parse(mine.body).text).toContain("#1");
  });
});

describe("App Home and the requester's updates", () => {
  it("publishes the tabs with counts and rows with buttons, switches tabs, and refreshes on change", async () => {
    await h.command("vpn drops every ten minutes");
    await h.command("outlook crashes on start");
    await h.settle();
    await h.event({ type: "app_home_opened", user: AGENTS.ana, channel: "DANA", tab: "home", event_ts: ts() });
    await h.settle();
    const first = h.fake.of("views.publish")[0]!;
    expect(first.args.user_id).toBe(AGENTS.ana);
    const text = JSON.stringify(first.view);
    expect(text).toContain("Team queue");
    expect(text).toContain("new: *2*");
    expect(text).toContain("ticket.claim.1");
    expect(text).toContain("ticket.claim.2");
    // A click on a home row claims and refreshes the home.
    await h.interact({
      ...blockAction(AGENTS.ana, { type: "button", action_id: "ticket.claim.2", value: JSON.stringify({ ticket: 2, verb: "claim" }) }),
      container: { type: "view", view_id: "VHOME" },
      view: { id: "VHOME", type: "home" },
      channel: undefined,
      message: undefined,
    });
    await h.interact({
      ...blockAction(AGENTS.ana, { type: "button", action_id: "home.assigned", value: "assigned" }),
      container: { type: "view", view_id: "VHOME" },
      view: { id: "VHOME", type: "home" },
      channel: undefined,
      message: undefined,
    });
    await h.settle();
    const last = h.fake.of("views.publish").at(-1)!;
    expect(JSON.stringify(last.view)).toContain("Assigned to me");
    expect(JSON.stringify(last.view)).toContain("outlook crashes on start");
    expect(JSON.stringify(last.view)).not.toContain("vpn drops");
    const t2 = await h.db.selectFrom("tickets").select("status").where("id", "=", 2).executeTakeFirstOrThrow();
    expect(t2.status).toBe("in_progress");
    // A change made elsewhere refreshes the home of the agent who opened it.
    const n = h.fake.of("views.publish").length;
    await h.as("operator", "priority 2 P1");
    await h.settle();
    expect(h.fake.of("views.publish").length).toBeGreaterThan(n);
  });

  it("a requester's home shows their requests with only the verbs they may use", async () => {
    await h.command("vpn drops every ten minutes");
    await h.settle();
    await h.event({ type: "app_home_opened", user: REQUESTER, channel: "DREQ", tab: "home", event_ts: ts() });
    await h.settle();
    const view = JSON.stringify(h.fake.of("views.publish")[0]!.view);
    expect(view).toContain("My requests");
    expect(view).toContain("ticket.close.1");
    expect(view).not.toContain("ticket.claim.1");
  });

  it("tells the requester of assignment and status, and takes a 1-5 rating on the resolution", async () => {
    await h.command("vpn drops every ten minutes");
    await h.settle();
    await h.command("assign 1 @ana", AGENTS.ana);
    await h.command("status 1 waiting", AGENTS.ana);
    await h.command("resolve 1 new VPN profile pushed", AGENTS.ana);
    await h.settle();
    const dm = posts("DREQ").map((c) => String(c.args.text));
    expect(posts(REQUESTER)[0]!.args.text).toContain("I opened #1:");
    expect(dm).toEqual([
      "#1 is now with ana (triaged).",
      "#1 is now waiting on requester.",
      "#1 is resolved: new VPN profile pushed\nIf it is not fixed, press Reopen.",
    ]);
    const resolution = posts("DREQ").at(-1)!;
    const rate = (score: number, action_ts = ts()) =>
      h.interact(
        blockAction(
          REQUESTER,
          { type: "button", action_id: `rate.1.${score}`, value: JSON.stringify({ ticket: 1, verb: "rate", input: String(score) }), action_ts },
          { channel: "DREQ", ts: String(resolution.args.thread_ts ?? "") },
        ),
      );
    await rate(4);
    await rate(4);
    await h.settle();
    const ratings = await h.db.selectFrom("audit_events").select("to_value").where("action", "=", "rate").execute();
    expect(ratings).toEqual([{ to_value: "4" }]);
    expect(h.fake.of("chat.postEphemeral").map((c) => c.args.text)).toEqual(["Thank you for rating #1 4/5.", "You already rated #1 4/5. Thank you!"]);
    // The rating is said in the card's thread like any other change.
    const cardTs = (await h.db.selectFrom("ticket_links").select("ref").where("role", "=", "card").executeTakeFirstOrThrow()).ref.split(":")[1];
    expect(posts(TRIAGE, cardTs).map((c) => c.args.text)).toContain("rita rated #1 4/5");
  });
});

describe("a capability's requester buttons", () => {
  it("are drawn under its sentence in the requester's thread, and a click runs its verb through actionCommand", async () => {
    h.desk.addCapability({
      name: "probe",
      actions: { probe_yes: (ticketId) => ({ kind: "comment", number: ticketId, body: "Yes, that helped" }) },
      async afterChange(ctx, change) {
        if (change.kind === "created")
          await ctx.announce(change.after, "probe", "probe asked", { action: "probe" }, undefined, "Did the article help?", [
            { verb: "probe_yes", label: "Yes", ticketId: change.after.number },
          ]);
      },
    });
    await h.command("vpn drops every ten minutes");
    await h.settle();
    // The capability spoke inside the creation, so its message opens the requester's DM thread.
    const msg = h.fake.of("chat.postMessage").find((c) => String(c.args.text).includes("Did the article help?"))!;
    const ids = msg.blocks!.filter((b) => b.type === "actions").flatMap((b) => (b.elements as { action_id: string }[]).map((e) => e.action_id));
    expect(ids).toEqual(["ticket.probe_yes.1"]);
    await h.interact(
      blockAction(
        REQUESTER,
        { type: "button", action_id: "ticket.probe_yes.1", value: JSON.stringify({ ticket: 1, verb: "probe_yes" }) },
        { channel: "DREQ", ts: "1700000000.000200" },
      ),
    );
    await h.settle();
    expect(await h.db.selectFrom("comments").select("body").execute()).toEqual([{ body: "Yes, that helped" }]);
  });
});
