// Roles on Slack, through the real Bolt app and the fake Web API: a user group's members get its role
// (usergroups.users.list, cached), refusals name the role needed on commands and buttons, an admin's
// `role` change is audited, and history and the audit export answer on Slack.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROLE_CHANGED } from "../../src/capabilities/roles/index.js";
import { verifyChain } from "../../src/store/audit-chain.js";
import { AGENTS, REQUESTER, TRIAGE, blockAction, startHarness, type Harness } from "./harness.js";

const LEADS = "S0LEADS";
const AGENT_GROUP = "S0AGENTS";
const GRACE = "UGRACE"; // in the agents' user group, named nowhere else
const LEO = "ULEO"; // in the leads' user group
const ADMIN = "UADMIN";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  // As the settings file would say it (the harness's desk reads its settings object on every lookup).
  const roles = h.desk.settings.roles;
  roles.agent = [...(roles.agent ?? []), `slack-group:${AGENT_GROUP}`];
  roles.lead = [...(roles.lead ?? []), `slack-group:${LEADS}`];
  roles.admin = [...(roles.admin ?? []), `slack:${ADMIN}`];
  h.fake.usergroups.set(AGENT_GROUP, [GRACE, AGENTS.bob]);
  h.fake.usergroups.set(LEADS, [LEO]);
  h.fake.users.set(GRACE, { name: "grace", email: "grace@example.com" });
  h.fake.users.set(LEO, { name: "leo", email: "leo@example.com" });
  h.fake.users.set(ADMIN, { name: "adele", email: "adele@example.com" });
  await h.command("vpn drops every ten minutes");
  await h.settle();
});
afterEach(async () => {
  expect(h.fake.violations).toEqual([]);
  await h.close();
});

/** What the person was told in answer to their last slash command (ephemeral, in the ack). */
const lastAnswer = () => String(h.answers.at(-1)?.text ?? "");
const ticket = () => h.db.selectFrom("tickets").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
const button = (verb: string) => ({
  type: "button",
  action_id: `ticket.${verb}.1`,
  value: JSON.stringify({ ticket: 1, verb }),
  text: { type: "plain_text", text: verb },
});

describe("Slack user groups give roles", () => {
  it("a member of the agents' group may claim; someone in no group is refused and told the role needed", async () => {
    await h.command("claim 1", REQUESTER);
    await h.settle();
    expect(lastAnswer()).toBe("Only agents can claim tickets; you are a requester.");
    expect((await ticket()).assignee_id).toBeNull();

    await h.command("claim 1", GRACE);
    await h.settle();
    const grace = await h.db.selectFrom("people").selectAll().where("user_id", "=", GRACE).executeTakeFirstOrThrow();
    expect((await ticket()).assignee_id).toBe(grace.id);
    // Each group was read through the Web API with the spec's arguments, and the answer cached.
    const lists = h.fake.of("usergroups.users.list");
    expect(new Set(lists.map((c) => c.args.usergroup))).toEqual(new Set([AGENT_GROUP, LEADS]));
    await h.command("note 1 checked the tunnel", GRACE);
    await h.settle();
    expect(h.fake.of("usergroups.users.list")).toHaveLength(lists.length);
  });

  it("a leads' group member may export the audit trail; an agent is refused with the role needed", async () => {
    await h.command("audit export 2026-11-01 2026-11-30 jsonl", AGENTS.ana);
    await h.settle();
    expect(lastAnswer()).toBe("Only leads and admins can export the audit trail; you are an agent.");
    await h.command("audit export 2026-11-01 2026-11-30 jsonl", LEO);
    await h.settle();
    expect(lastAnswer()).toMatch(/^Exported \d+ audit events? \(2026-11-01\.\.2026-11-30\) as JSONL to \S+\.jsonl\. Every event's hash checks out\./);
    // The file itself goes to Slack as an upload (the adapter's file delivery).
    const upload = h.fake.of("files.getUploadURLExternal");
    expect(upload.map((c) => String(c.args.filename))).toEqual([expect.stringMatching(/^audit-2026-11-01_2026-11-30-.*\.jsonl$/)]);
    expect(h.fake.of("files.completeUploadExternal")).toHaveLength(1);
  });

  it("a button checks the table too: a requester's click is refused, naming the role, and changes nothing", async () => {
    const card = (await h.db.selectFrom("ticket_links").select("ref").where("role", "=", "card").executeTakeFirstOrThrow()).ref.split(":");
    await h.interact(blockAction(REQUESTER, button("claim"), { channel: card[0]!, ts: card[1]! }));
    await h.settle();
    const told = h.fake
      .of("chat.postEphemeral")
      .filter((c) => c.args.user === REQUESTER)
      .map((c) => String(c.args.text));
    expect(told).toContain("Only agents can claim tickets; you are a requester.");
    expect((await ticket()).assignee_id).toBeNull();
    await h.interact(blockAction(GRACE, button("claim"), { channel: card[0]!, ts: card[1]! }));
    await h.settle();
    expect((await ticket()).status).toBe("in_progress");
    expect(card[0]).toBe(TRIAGE);
  });

  it("a user group Slack does not know is named in the log; the other groups and configured ids still work", async () => {
    h.desk.settings.roles.agent = [...(h.desk.settings.roles.agent ?? []), "slack-group:S0GONE"];
    await h.command("claim 1", GRACE);
    await h.settle();
    expect((await ticket()).status).toBe("in_progress");
    expect(h.logs.join("\n")).toMatch(/slack: cannot read user group S0GONE \(.*no_such_subteam\); check the id and the usergroups:read scope/);
    await h.command("priority 1 P1", REQUESTER);
    await h.settle();
    expect(lastAnswer()).toBe("Only agents can change a ticket's priority; you are a requester.");
    await h.command("priority 1 P1", AGENTS.ana);
    await h.settle();
    expect((await ticket()).priority).toBe("P1");
  });
});

describe("people whose role comes from a group, before they ever ran a command", () => {
  it("an agent can assign a ticket to them by mention", async () => {
    await h.command(`assign 1 <@${GRACE}|grace>`, AGENTS.ana);
    await h.settle();
    expect(lastAnswer()).toMatch(/^#1 \[P\d triaged\] vpn drops every ten minutes \(assigned to grace\)/);
    const grace = await h.db.selectFrom("people").selectAll().where("user_id", "=", GRACE).executeTakeFirstOrThrow();
    expect((await ticket()).assignee_id).toBe(grace.id);
  });

  it("`role @person` says which group gives their role", async () => {
    await h.command(`role <@${LEO}|leo>`, REQUESTER);
    await h.settle();
    expect(lastAnswer()).toBe(`leo (slack:${LEO}) is a lead: slack-group:${LEADS}.`);
  });

  it("their App Home opens on the team queue, as an agent's does", async () => {
    await h.event({ type: "app_home_opened", user: GRACE, channel: "DGRACE", tab: "home", event_ts: "1700000900.000100" });
    await h.settle();
    const home = h.fake.of("views.publish").find((c) => c.args.user_id === GRACE)!;
    expect(JSON.stringify(home.view)).toContain("Team queue");
    expect(JSON.stringify(home.view)).toContain("ticket.claim.1");
  });
});

describe("role changes and history on Slack", () => {
  it("an admin's `role @person lead` (a mention) is audited; the person then has the role", async () => {
    await h.command(`role <@${REQUESTER}|rita> lead`, AGENTS.ana);
    await h.settle();
    expect(lastAnswer()).toBe("Only admins can change people's roles; you are an agent.");
    await h.command(`role <@${REQUESTER}|rita> lead`, ADMIN);
    await h.settle();
    expect(lastAnswer()).toBe("rita is now a lead; recorded in the audit trail.");
    const [e] = await h.db.selectFrom("audit_events").selectAll().where("action", "=", ROLE_CHANGED).execute();
    expect(e).toMatchObject({
      platform: "slack",
      field: `role:slack:${REQUESTER}`,
      from_value: "requester",
      to_value: "lead",
      reason: "set for email:rita@example.com",
    });
    expect(await verifyChain(h.db)).toMatchObject({ ok: true });
    await h.command("claim 1", REQUESTER);
    await h.settle();
    expect((await ticket()).status).toBe("in_progress");
  });

  it("/ticket history N shows the trail in a code block", async () => {
    await h.command("claim 1", AGENTS.ana);
    await h.command("priority 1 P1", AGENTS.ana);
    await h.settle();
    await h.command("history 1", AGENTS.ana);
    await h.settle();
    const text = lastAnswer();
    expect(text.startsWith("```History of #1")).toBe(true);
    expect(text).toMatch(/rita \(via Slack\) opened it: status new/);
    expect(text).toMatch(/ana \(via Slack\) changed the priority: priority P\d -&gt; P1/);
  });
});
