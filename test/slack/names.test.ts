// People are named, not shown as ids: an agent the desk knows only by their Slack id (assigned by a mention,
// configured in the settings file, never used the desk) is looked up with users.info when Slack is next shown
// them, once, and named on the card, to the requester, in the card's thread and on App Home.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AGENTS, REQUESTER, TRIAGE, startHarness, type Harness } from "./harness.js";

const ADMIN = "UADMIN";
const GHOST = "UGHOST";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  h.fake.users.set(ADMIN, { name: "Ada Admin", email: "ada@example.com" });
  // Agents by configuration only, as a settings file names them.
  h.desk.settings.roles.agent = [...(h.desk.settings.roles.agent ?? []), `slack:${ADMIN}`, `slack:${GHOST}`];
  await h.command("vpn drops every ten minutes");
  await h.settle();
});
afterEach(async () => {
  expect(h.fake.violations).toEqual([]);
  await h.close();
});

const person = (id: string) => h.db.selectFrom("people").selectAll().where("user_id", "=", id).executeTakeFirst();
const cardRef = async () => (await h.db.selectFrom("ticket_links").select("ref").where("role", "=", "card").executeTakeFirstOrThrow()).ref;
const lookups = (id: string) => h.fake.of("users.info").filter((c) => c.args.user === id);
const requesterTexts = () =>
  h.fake
    .of("chat.postMessage")
    .filter((c) => c.args.channel === "DREQ" || c.args.channel === REQUESTER)
    .map((c) => String(c.args.text));

describe("people named on Slack", () => {
  it("an agent assigned by mention, never seen before, is named on the card, to the requester, in the thread and on App Home", async () => {
    await h.command(`assign 1 <@${ADMIN}>`, AGENTS.ana);
    await h.settle();
    // The desk first knew them by id only; the sender asked Slack once and kept the name.
    expect(await person(ADMIN)).toMatchObject({ display_name: "Ada Admin", email: "ada@example.com" });
    const [channel, ts] = (await cardRef()).split(":");
    const card = h.fake
      .of("chat.update")
      .filter((c) => c.args.channel === channel && c.args.ts === ts)
      .at(-1)!;
    expect(JSON.stringify(card.blocks)).toContain("*Assignee*\\nAda Admin");
    expect(String(card.args.text)).toContain("Assignee: Ada Admin");
    expect(JSON.stringify(card)).not.toContain(ADMIN);
    expect(requesterTexts().at(-1)).toBe("#1 is now with Ada Admin (triaged).");
    const thread = h.fake
      .of("chat.postMessage")
      .filter((c) => c.args.channel === channel && c.args.thread_ts === ts)
      .map((c) => String(c.args.text));
    expect(thread).toEqual(["Triage put #1 in Network", "ana assigned #1 to Ada Admin"]);

    await h.event({ type: "app_home_opened", user: AGENTS.ana, channel: "DANA", tab: "home", event_ts: "1700000500.000100" });
    await h.settle();
    expect(JSON.stringify(h.fake.of("views.publish").at(-1)!.view)).toContain("Ada Admin");

    // Redraws and later commands use the stored name: Slack is not asked again.
    await h.command("priority 1 P2", AGENTS.ana);
    await h.settle();
    expect(lookups(ADMIN)).toHaveLength(1);
    expect(JSON.stringify(h.fake.of("chat.update").at(-1)!.blocks)).toContain("Ada Admin");
  });

  it("someone Slack cannot name stays shown by id, the messages still go out, and Slack is not asked on every redraw", async () => {
    h.fake.fail("users.info", "user_not_found", 5);
    await h.command(`assign 1 <@${GHOST}>`, AGENTS.ana);
    await h.settle();
    await h.command("priority 1 P2", AGENTS.ana);
    await h.settle();
    expect(requesterTexts().at(-1)).toBe(`#1 is now with ${GHOST} (triaged).`);
    expect(JSON.stringify(h.fake.of("chat.update").at(-1)!.blocks)).toContain(`*Assignee*\\n${GHOST}`);
    expect((await h.db.selectFrom("outbox").select("status").execute()).every((r) => r.status === "sent")).toBe(true);
    expect(lookups(GHOST)).toHaveLength(1);
    expect(h.fake.of("chat.postMessage").filter((c) => c.args.channel === TRIAGE && !c.args.thread_ts)).toHaveLength(1);
  });
});
