import SQLite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { FIRST_ROLES, ROLES_CONFIGURED, auditRoleConfig } from "../../../src/capabilities/roles/config-audit.js";
import { ROLE_CHANGED } from "../../../src/capabilities/roles/index.js";
import { verifyChain } from "../../../src/store/audit-chain.js";
import { openDatabase } from "../../../src/store/connection.js";
import { Desk } from "../../../src/core/desk.js";
import { ManualClock } from "../../../src/core/clock.js";
import { counts, exampleSettings, makeDesk, ok, refused } from "../../helpers/desk.js";

const events = (d: { db: Awaited<ReturnType<typeof makeDesk>>["db"] }, action: string) =>
  d.db.selectFrom("audit_events").selectAll().where("action", "=", action).orderBy("id").execute();

describe("role @person <role>", () => {
  it("an admin sets a role; it takes effect at once and is recorded in the hash-chained trail", async () => {
    const d = await makeDesk();
    ok(await d.as("carol", "wifi drops"));
    expect(refused(await d.as("carol", "claim 1")).text).toBe("Only agents can claim tickets; you are a requester.");
    expect(ok(await d.as("operator", "role @carol agent")).text).toBe("carol is now an agent; recorded in the audit trail.");
    ok(await d.as("carol", "claim 1"));
    const [e] = await events(d, ROLE_CHANGED);
    expect(e).toMatchObject({
      ticket_id: null,
      platform: "console",
      field: "role:console:carol",
      from_value: "requester",
      to_value: "agent",
      reason: "set for console:carol",
    });
    const admin = await d.db.selectFrom("people").selectAll().where("user_id", "=", "operator").executeTakeFirstOrThrow();
    expect(e!.actor_id).toBe(admin.id);
    expect(await verifyChain(d.db)).toMatchObject({ ok: true });
  });

  it("explains where a role comes from, and reset goes back to the settings file, also audited", async () => {
    const d = await makeDesk();
    ok(await d.as("ana", "list"));
    expect(ok(await d.as("carol", "role @ana")).text).toBe("ana (console:ana) is an agent: console:ana in the settings file.");
    ok(await d.as("operator", "role @ana lead"));
    expect(ok(await d.as("ana", "role @ana")).text).toBe("ana (console:ana) is a lead: set by an admin for console:ana.");
    ok(await d.as("ana", "audit export 2026-01-01 2026-01-02"));
    expect(ok(await d.as("operator", "role @ana reset")).text).toBe("ana is now an agent (as the settings file says); recorded in the audit trail.");
    expect(refused(await d.as("ana", "audit export 2026-01-01 2026-01-02")).text).toBe("Only leads and admins can export the audit trail; you are an agent.");
    expect((await events(d, ROLE_CHANGED)).map((e) => [e.from_value, e.to_value])).toEqual([
      ["agent", "lead"],
      ["lead", "agent"],
    ]);
  });

  it("an override by email gives the role on every platform", async () => {
    const d = await makeDesk();
    const slack = { platform: "slack", userId: "U9", displayName: "Sam", email: "sam@example.com" };
    ok(await d.desk.handle({ actor: slack, command: { kind: "list", scope: "mine" } }));
    ok(await d.as("operator", "role email:sam@example.com lead"));
    ok(
      await d.desk.handle({
        actor: { platform: "teams", userId: "aad-sam", displayName: "Sam", email: "SAM@example.com" },
        command: { kind: "capability", capability: "audit", verb: "audit", text: "export 2026-01-01 2026-01-02" },
      }),
    );
    const [e] = await events(d, ROLE_CHANGED);
    expect(e).toMatchObject({ field: "role:slack:U9", reason: "set for email:sam@example.com", to_value: "lead" });
  });

  it("refuses bad input and non-admins, changing nothing", async () => {
    const d = await makeDesk();
    ok(await d.as("carol", "wifi drops"));
    const before = await counts(d.db);
    expect(refused(await d.as("lee", "role @carol agent")).text).toBe("Only admins can change people's roles; you are a lead.");
    // At the console a handle names the console person, known or not.
    expect(ok(await d.as("operator", "role @nobody")).text).toMatch(/^nobody \(console:nobody\) is a requester/);
    expect(refused(await d.as("operator", "role @carol requester")).text).toBe("carol is already a requester.");
    expect(refused(await d.as("operator", "role @carol reset")).text).toBe(
      "carol has no role set by an admin; their role (requester) comes from nobody named them (everyone is a requester).",
    );
    expect(refused(await d.as("operator", "role @operator agent")).text).toBe("You cannot take away your own admin role; ask another admin.");
    expect(await counts(d.db)).toMatchObject({ audit_events: before.audit_events, tickets: before.tickets });
    expect(await d.db.selectFrom("role_overrides").selectAll().execute()).toEqual([]);
    expect(refused(await d.as("operator", "role agent")).text).toBe(
      "Say whose role: role @name agent, or role email:<address> agent (in Teams, where a mention does not reach me, use their email or teams-aad:<AAD object id>).",
    );
    // Words that do not name a person open a ticket, as any other text would.
    expect(ok(await d.as("carol", "role change for a new starter")).kind).toBe("create");
  });
});

describe("a role change in the trail is tamper-evident", () => {
  it("the trigger refuses to edit or delete it, and an edit made past the trigger is named by the chain check", async () => {
    const d = await makeDesk();
    ok(await d.as("carol", "wifi drops"));
    ok(await d.as("operator", "role @carol lead"));
    ok(await d.as("carol", "priority 1 P1"));
    const [e] = await events(d, ROLE_CHANGED);
    const raw = new SQLite(d.path);
    expect(() => raw.prepare("UPDATE audit_events SET to_value = 'admin' WHERE id = ?").run(e!.id)).toThrow("audit_events is append-only");
    expect(() => raw.prepare("DELETE FROM audit_events WHERE id = ?").run(e!.id)).toThrow("audit_events is append-only");
    raw.exec("DROP TRIGGER audit_events_no_update");
    raw.prepare("UPDATE audit_events SET to_value = 'admin' WHERE id = ?").run(e!.id);
    raw.close();
    expect(await verifyChain(d.db)).toMatchObject({ ok: false, brokenAt: e!.id, ticketId: null, why: expect.stringMatching(/edited/) });
  });
});

describe("configured roles at start-up", () => {
  it("records the first configuration, nothing when unchanged, and a file edit as a change", async () => {
    const d = await makeDesk();
    expect(await auditRoleConfig(d.desk)).toBe(FIRST_ROLES);
    expect(await auditRoleConfig(d.desk)).toBeUndefined();
    await d.db.destroy();
    // The next start, with one agent removed and a Slack group made leads.
    const s = exampleSettings();
    const edited = { ...s, roles: { ...s.roles, agent: ["console:ana"], lead: [...(s.roles.lead ?? []), "slack-group:S0LEADS"] } };
    const { db } = openDatabase(d.path);
    const desk = new Desk({ db, clock: new ManualClock(), settings: edited });
    expect(await auditRoleConfig(desk)).toBe("-agent console:bob; +lead slack-group:s0leads");
    const trail = await db.selectFrom("audit_events").selectAll().where("action", "=", ROLES_CONFIGURED).orderBy("id").execute();
    expect(trail.map((e) => e.reason)).toEqual([FIRST_ROLES, "-agent console:bob; +lead slack-group:s0leads"]);
    expect(JSON.parse(trail[1]!.from_value!).agent).toEqual(["console:ana", "console:bob"]);
    expect(JSON.parse(trail[1]!.to_value!).lead).toEqual(["console:lee", "slack-group:s0leads"]);
    const actor = await db.selectFrom("people").selectAll().where("id", "=", trail[1]!.actor_id!).executeTakeFirstOrThrow();
    expect(actor).toMatchObject({ platform: "system", user_id: "settings" });
    expect(await verifyChain(db)).toMatchObject({ ok: true });
  });
});
