// Roles on Teams, through the Agents SDK's CloudAdapter and a fake Microsoft Graph: AAD object ids and AAD groups
// (checkMemberGroups with the app's client-credentials token) give roles, refusals on messages and card
// clicks name the role needed, an admin's role change is audited, and history answers on Teams.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROLE_CHANGED } from "../../src/capabilities/roles/index.js";
import { verifyChain } from "../../src/store/audit-chain.js";
import { FakeGraph } from "../fakes/graph.js";
import { exampleSettings } from "../helpers/desk.js";
import { ticketWithCard } from "./flows.js";
import { AGENT, REQUESTER, TENANT, cardsIn, cardText, executeInvoke, harness, newId, recorded, type Harness } from "./harness.js";

const AGENTS_GROUP = "0f1e2d3c-4b5a-4697-8899-aabbccddeeff";
const LEAD = { id: "29:1lead", name: "Lena Lead", aadObjectId: "11111111-2222-4333-8444-555555555555" };
const ADMIN = { id: "29:1admin", name: "Ada Admin", aadObjectId: "99999999-8888-4777-8666-555555555555" };

let h: Harness;
let graph: FakeGraph;

async function start(graphConfig: Partial<{ clientSecret: string }> = {}) {
  graph = await new FakeGraph().start();
  graph.memberOf.set(AGENT.aadObjectId, [AGENTS_GROUP.toUpperCase()]);
  graph.memberOf.set(REQUESTER.aadObjectId, []);
  graph.memberOf.set(LEAD.aadObjectId, []);
  graph.memberOf.set(ADMIN.aadObjectId, []);
  const s = exampleSettings();
  const settings = {
    ...s,
    roles: {
      ...s.roles,
      agent: [...(s.roles.agent ?? []), `teams-group:${AGENTS_GROUP}`],
      lead: [...(s.roles.lead ?? []), `teams-aad:${LEAD.aadObjectId}`],
      admin: [...(s.roles.admin ?? []), `teams-aad:${ADMIN.aadObjectId}`],
    },
  };
  h = await harness({
    settings,
    teams: {
      graph: { apiUrl: graph.apiUrl, tokenUrl: graph.tokenUrl, clientId: graph.clientId, clientSecret: graphConfig.clientSecret ?? graph.clientSecret },
    },
  });
}

afterEach(async () => {
  expect(graph.violations).toEqual([]);
  // Every card the bot sent is a valid Adaptive Card (throws otherwise).
  h.checkSentCards();
  await h.close();
  await graph.stop();
});

/** A person writes to the bot in their personal chat; returns the text of the bot's answer card. */
async function say(who: typeof AGENT, text: string, entities?: unknown[]): Promise<string> {
  const before = h.connector.sent().length;
  const res = await h.post(
    recorded("20191021205338231-request-integrationBot.json", h.connector.url, {
      id: newId(),
      text,
      from: who,
      conversation: { conversationType: "personal", tenantId: TENANT, id: `a:chat-${who.aadObjectId}` },
      ...(entities ? { entities } : {}),
    }),
  );
  expect(res.status).toBe(200);
  const answer =
    h.connector
      .sent()
      .slice(before)
      .find((c) => JSON.stringify(c.body).includes(`a:chat-${who.aadObjectId}`)) ?? h.connector.sent().at(-1)!;
  return cardsIn(answer.body).map(cardText).join("\n") || String((answer.body as { text?: string }).text ?? "");
}

const ticket = () => h.t.db.selectFrom("tickets").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
const checks = () => graph.calls.filter((c) => c.path.endsWith("/checkMemberGroups"));

describe("AAD groups and AAD object ids give roles on Teams", () => {
  beforeEach(() => start());

  it("a member of the agents' AAD group may claim on the card; a non-member's message is refused, naming the role", async () => {
    await ticketWithCard(h);
    expect(await say(REQUESTER, "claim 1")).toContain("Only agents can claim tickets; you are a requester.");
    const res = await h.post(executeInvoke(h, AGENT, "claim", { verb: "claim", ticketId: 1 }));
    expect(res.status).toBe(200);
    const agent = await h.t.db.selectFrom("people").selectAll().where("user_id", "=", AGENT.aadObjectId).executeTakeFirstOrThrow();
    expect((await ticket()).assignee_id).toBe(agent.id);
    // One client-credentials token; each person asked about the configured group by their AAD object id, once.
    expect(graph.tokensIssued).toBe(1);
    expect(checks().map((c) => [c.path, c.body])).toEqual([
      [`/v1.0/users/${REQUESTER.aadObjectId}/checkMemberGroups`, { groupIds: [AGENTS_GROUP] }],
      [`/v1.0/users/${AGENT.aadObjectId}/checkMemberGroups`, { groupIds: [AGENTS_GROUP] }],
    ]);
    await say(AGENT, "note 1 toner replaced");
    expect(checks()).toHaveLength(2);
  });

  it("a card click by someone without the role is answered with the refusal and changes nothing", async () => {
    await ticketWithCard(h);
    const res = await h.post(executeInvoke(h, REQUESTER, "claim", { verb: "claim", ticketId: 1 }));
    expect(JSON.stringify(res.body)).toContain("Only agents can claim tickets; you are a requester.");
    expect((await ticket()).assignee_id).toBeNull();
  });

  it("teams-aad:<id> gives a lead the audit export; an agent is refused", async () => {
    expect(await say(AGENT, "audit export 2026-11-01 2026-11-30 csv")).toContain("Only leads and admins can export the audit trail; you are an agent.");
    expect(await say(LEAD, "audit export 2026-11-01 2026-11-30 csv")).toMatch(/Exported \d+ audit events? \(2026-11-01\.\.2026-11-30\) as CSV/);
  });

  it("membership is asked again after ten minutes, and a refused token is replaced", async () => {
    await ticketWithCard(h);
    await say(AGENT, "claim 1");
    expect(checks()).toHaveLength(2);
    graph.revokeTokens();
    h.t.clock.advance(10 * 60_000);
    expect(await say(AGENT, "priority 1 P1")).not.toContain("Only");
    expect((await ticket()).priority).toBe("P1");
    expect(graph.tokensIssued).toBe(2);
    expect(checks().filter((c) => c.path.includes(AGENT.aadObjectId)).length).toBe(3);
  });
});

describe("when Graph cannot answer", () => {
  it("AAD object ids still give their roles; group roles are not given; the log says why", async () => {
    await start();
    graph.failWith = 503;
    expect(await say(LEAD, "audit export 2026-11-01 2026-11-02")).toMatch(/Exported/);
    expect(await say(AGENT, "list queue")).toContain("Only agents can list the queue; you are a requester.");
    expect(h.logs.join("\n")).toMatch(
      /teams: cannot ask Microsoft Graph for the AAD groups of 6b703ce3-6d14-4fe6-b90c-dc5f03657ae4 \(Graph checkMemberGroups: HTTP 503 serviceNotAvailable\)/,
    );
  });

  it("without client credentials, group roles are not given and the start-up log says what is missing", async () => {
    graph = await new FakeGraph().start();
    const s = exampleSettings();
    h = await harness({ settings: { ...s, roles: { ...s.roles, agent: [`teams-group:${AGENTS_GROUP}`] } } });
    expect(h.logs.join("\n")).toContain(
      "Teams: roles name AAD groups (teams-group:<id>) but Microsoft Graph has no client credentials (GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET, or MicrosoftAppId and MicrosoftAppPassword); those roles are not given.",
    );
    expect(await say(AGENT, "list queue")).toContain("you are a requester");
    expect(graph.calls).toEqual([]);
  });

  it("wrong client credentials are logged, not shown to people", async () => {
    await start({ clientSecret: "wrong" });
    expect(await say(AGENT, "list queue")).toContain("you are a requester");
    expect(h.logs.join("\n")).toMatch(/Graph token: HTTP 401 invalid_client/);
  });
});

describe("role changes and history on Teams", () => {
  beforeEach(() => start());

  it("an admin's `role teams-aad:<id> agent` is audited and takes effect", async () => {
    await ticketWithCard(h);
    expect(await say(LEAD, `role teams-aad:${REQUESTER.aadObjectId} agent`)).toContain("Only admins can change people's roles; you are a lead.");
    // An @mention in a command names that person (Teams gives the mention entity); it never opens a ticket.
    expect(
      await say(ADMIN, "role <at>Tien Suwandy</at> agent", [
        { type: "mention", text: "<at>Tien Suwandy</at>", mentioned: { id: REQUESTER.id, name: REQUESTER.name } },
      ]),
    ).toContain("Tien Suwandy is now an agent; recorded in the audit trail.");
    expect(await h.t.db.selectFrom("tickets").selectAll().execute()).toHaveLength(1);
    const [e] = await h.t.db.selectFrom("audit_events").selectAll().where("action", "=", ROLE_CHANGED).execute();
    expect(e).toMatchObject({ platform: "teams", field: `role:teams:${REQUESTER.aadObjectId}`, from_value: "requester", to_value: "agent" });
    expect(await verifyChain(h.t.db)).toMatchObject({ ok: true });
    await say(REQUESTER, "claim 1");
    expect((await ticket()).status).toBe("in_progress");
  });

  it("history N shows the ticket's trail", async () => {
    await ticketWithCard(h);
    await h.post(executeInvoke(h, AGENT, "claim", { verb: "claim", ticketId: 1 }));
    const text = await say(AGENT, "history 1");
    expect(text).toContain("History of #1");
    expect(text).toMatch(/Tien Suwandy \(via Teams\) opened it: status new/);
    // The assignee by name, not by their AAD id.
    expect(text).toMatch(/Dave Taniguchi \(via Teams\) claimed it: .*assignee Dave Taniguchi/);
  });
});
