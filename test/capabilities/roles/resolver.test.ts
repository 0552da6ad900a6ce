import { describe, expect, it } from "vitest";
import { type GroupDirectory, TtlCache } from "../../../src/capabilities/roles/groups.js";
import { RoleResolver } from "../../../src/core/role-resolver.js";
import { parseSettings } from "../../../src/settings.js";
import { exampleSettings, makeDesk, ok } from "../../helpers/desk.js";

const GUID = "6b703ce3-6d14-4fe6-b90c-dc5f03657ae4";

function settings() {
  const s = exampleSettings();
  return {
    ...s,
    roles: {
      ...s.roles,
      agent: [...(s.roles.agent ?? []), "slack:UANA", `teams-aad:${GUID}`, "slack-group:SAGENTS"],
      lead: [...(s.roles.lead ?? []), "email:lee@example.com", "teams-group:g-leads"],
    },
  };
}

/** A directory as an adapter would give it, answering from a table, and counting its lookups. */
function directory(scheme: string, platform: string, members: Record<string, string[]>): GroupDirectory & { asked: number; down: boolean } {
  return {
    scheme,
    platform,
    asked: 0,
    down: false,
    async memberOf(userId, groups) {
      this.asked++;
      if (this.down) throw new Error("directory unreachable");
      return groups.filter((g) => members[g]?.includes(userId));
    },
  };
}

describe("role resolution", () => {
  it("reads configured Slack ids, Teams AAD object ids and emails, case-insensitively", async () => {
    const { db } = await makeDesk();
    const r = new RoleResolver(settings());
    expect(await r.resolve(db, { platform: "slack", userId: "UANA" })).toBe("agent");
    expect(await r.resolve(db, { platform: "teams", userId: GUID.toUpperCase() })).toBe("agent");
    expect(await r.resolve(db, { platform: "slack", userId: "ULEE", email: "Lee@Example.com" })).toBe("lead");
    expect(await r.resolve(db, { platform: "slack", userId: "UNOBODY" })).toBe("requester");
  });

  it("gives a group's role to its members only, through the directory the adapter added", async () => {
    const { db } = await makeDesk();
    const r = new RoleResolver(settings());
    const slack = directory("slack-group", "slack", { SAGENTS: ["UGRP"] });
    const teams = directory("teams-group", "teams", { "g-leads": ["aad-1"] });
    r.addDirectory(slack);
    r.addDirectory(teams);
    expect(await r.resolve(db, { platform: "slack", userId: "UGRP" })).toBe("agent");
    expect(await r.resolve(db, { platform: "slack", userId: "UOTHER" })).toBe("requester");
    expect(await r.resolve(db, { platform: "teams", userId: "aad-1" })).toBe("lead");
    expect(await r.resolve(db, { platform: "teams", userId: "aad-2" })).toBe("requester");
    // A Slack person is never looked up in the Teams directory, nor the reverse.
    expect(slack.asked).toBe(2);
    expect(teams.asked).toBe(2);
    // What the full lookup found is known without waiting afterwards.
    expect(r.roleOf({ platform: "slack", userId: "UGRP" })).toBe("agent");
  });

  it("one person on both platforms has one role: linked by email", async () => {
    const d = await makeDesk({ settings: settings() });
    // Ana is an agent by her Slack id; on Teams she is known by the same email.
    await d.desk.handle({
      actor: { platform: "slack", userId: "UANA", displayName: "Ana", email: "ana@example.com" },
      command: { kind: "list", scope: "mine" },
    });
    expect(await d.desk.roles.resolve(d.db, { platform: "teams", userId: "aad-ana", email: "ANA@example.com" })).toBe("agent");
    ok(
      await d.desk.handle({
        actor: { platform: "teams", userId: "aad-ana", displayName: "Ana", email: "ana@example.com" },
        command: { kind: "list", scope: "queue" },
      }),
    );
  });

  it("keeps configured roles when a directory is down, and says so in the log", async () => {
    const { db } = await makeDesk();
    const logs: string[] = [];
    const r = new RoleResolver(settings(), (m) => logs.push(m));
    const slack = directory("slack-group", "slack", { SAGENTS: ["UANA"] });
    slack.down = true;
    r.addDirectory(slack);
    expect(await r.resolve(db, { platform: "slack", userId: "UANA" })).toBe("agent");
    expect(await r.resolve(db, { platform: "slack", userId: "UGRP" })).toBe("requester");
    expect(logs.join("\n")).toMatch(/slack-group membership of slack:UGRP is unknown \(directory unreachable\)/);
  });

  it("the settings file accepts the group and AAD matchers and refuses unknown schemes", () => {
    const base = "roles:\n  agent:\n    - slack-group:S0123\n    - teams-aad:" + GUID + "\n    - teams-group:0f1e2d3c-aaaa-bbbb-cccc-000000000000\n";
    expect(parseSettings(base, "x.yaml").roles.agent).toEqual(["slack-group:S0123", `teams-aad:${GUID}`, "teams-group:0f1e2d3c-aaaa-bbbb-cccc-000000000000"]);
    expect(() => parseSettings("roles:\n  agent:\n    - discord:123\n", "x.yaml")).toThrow(
      /x\.yaml:3: roles\.agent\.0: expected "slack:<user id>", "slack-group:<user group id>"/,
    );
    expect(parseSettings("audit:\n  export_max_days: 31\n", "x.yaml").audit).toEqual({ exportMaxDays: 31 });
  });
});

describe("TtlCache", () => {
  it("fetches once per ttl, shares a fetch in flight, and keeps the last value when a refresh fails", async () => {
    let now = 0;
    const c = new TtlCache<number>(1000, () => now);
    let calls = 0;
    const fetch = async () => ++calls;
    expect(await Promise.all([c.get("k", fetch), c.get("k", fetch)])).toEqual([1, 1]);
    now = 999;
    expect(await c.get("k", fetch)).toBe(1);
    now = 1000;
    expect(await c.get("k", fetch)).toBe(2);
    now = 5000;
    expect(await c.get("k", async () => Promise.reject(new Error("down")))).toBe(2);
    await expect(c.get("other", async () => Promise.reject(new Error("down")))).rejects.toThrow("down");
  });
});
