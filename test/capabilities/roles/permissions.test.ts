// Every row of the permission table, through the Desk: the least role that holds it is allowed, the role just
// below is refused with a message naming who may, and the refusal changes nothing.
import { describe, expect, it } from "vitest";
import { PERMISSIONS, ROLES, type Permission, type Role } from "../../../src/core/permissions.js";
import { counts, makeDesk, ok, refused, type TestDesk } from "../../helpers/desk.js";

/** The example settings' console people, one per role (anyone not listed is a requester). */
const PERSON: Record<Role, string> = { admin: "operator", lead: "lee", agent: "ana", requester: "dave" };

interface Row {
  /** Brings the desk to where the command makes sense (carol's ticket #1 exists before). */
  setup?: (d: TestDesk) => Promise<void>;
  /** The command, said by `user`; "own" rows are said about the person's own ticket. */
  command: (user: string) => string;
  /** The refusal's words after "Only <roles> can". */
  doing: string;
  /** Requester rows have no role below them: their refusal is the "_any" row's. */
  own?: boolean;
}

/** Every permission's row but approve's, whose commands belong to approvals and are tested in test/capabilities/approvals. */
const ROWS: Record<Exclude<Permission, "approve">, Row> = {
  create: { command: () => "printer on the 2nd floor jams", doing: "open tickets", own: true },
  comment_own: { setup: async (d) => void ok(await d.as("dave", "my screen flickers")), command: () => "comment 2 it got worse", doing: "", own: true },
  comment_any: { command: () => "comment 1 looking at it", doing: "comment on other people's tickets" },
  note: { command: () => "note 1 checked the switch", doing: "add internal notes" },
  claim: { command: () => "claim 1", doing: "claim tickets" },
  assign: { command: () => "assign 1 @bob", doing: "assign tickets" },
  change_priority: { command: () => "priority 1 P1", doing: "change a ticket's priority" },
  change_category: { command: () => "category 1 Hardware", doing: "set a ticket's category" },
  change_status: { command: () => "status 1 waiting", doing: "change a ticket's status" },
  resolve: { command: () => "resolve 1 replaced the cable", doing: "resolve tickets" },
  close_own: { setup: async (d) => void ok(await d.as("dave", "my screen flickers")), command: () => "close 2", doing: "", own: true },
  close_any: { command: () => "close 1", doing: "close other people's tickets" },
  reopen_own: {
    setup: async (d) => {
      ok(await d.as("dave", "my screen flickers"));
      ok(await d.as("ana", "resolve 2 new cable"));
    },
    command: () => "reopen 2 still flickers",
    doing: "",
    own: true,
  },
  reopen_any: {
    setup: async (d) => void ok(await d.as("ana", "resolve 1 new cable")),
    command: () => "reopen 1 carol says it is back",
    doing: "reopen other people's tickets",
  },
  view_any: { command: () => "report 7d", doing: "see reports" },
  declare_incident: { command: () => "incident SEV2 Email is down for everyone", doing: "declare incidents" },
  update_incident: {
    setup: async (d) => void ok(await d.as("operator", "incident SEV2 Email is down for everyone")),
    command: () => "incident update 1 investigating we are looking at the mail relay",
    doing: "post incident updates",
  },
  manage_outbox: { command: () => "outbox", doing: "see and retry the outbox" },
  edit_config: { command: () => "role @carol agent", doing: "change people's roles" },
  export_audit: { command: () => "audit export 2026-01-01 2026-01-31 csv", doing: "export the audit trail" },
};

const below = (r: Role): Role | undefined => ROLES[ROLES.indexOf(r) - 1];
const NEEDS: Record<Role, string> = { requester: "requesters", agent: "agents", lead: "leads and admins", admin: "admins" };

async function desk(row: Row) {
  const d = await makeDesk();
  ok(await d.as("carol", "wifi drops every few minutes"));
  await row.setup?.(d);
  return d;
}

describe("the permission table", () => {
  // ROWS' type already holds a row for every permission but approve. What the type cannot
  // see is whether a row's command checks that permission or another one with the same least role: moving the
  // permission's row in the table must move who may run its command.
  for (const [permission, row] of Object.entries(ROWS) as [Permission, Row][]) {
    const least = PERMISSIONS[permission];
    const moved: Role = least === "admin" ? "lead" : "admin";
    it(`${permission} is what its command checks: with its row moved to ${moved}, ${moved === "admin" ? `the ${least}` : "the lead"} is ${moved === "admin" ? "refused" : "allowed"}`, async () => {
      const d = await desk(row);
      PERMISSIONS[permission] = moved;
      try {
        if (moved === "admin") {
          const r = refused(await d.as(PERSON[least], row.command(PERSON[least])));
          expect(r.text).toMatch(/^Only admins can /);
        } else ok(await d.as(PERSON.lead, row.command(PERSON.lead)));
      } finally {
        PERMISSIONS[permission] = least;
      }
    });
  }

  for (const [permission, row] of Object.entries(ROWS) as [Permission, Row][]) {
    const least = PERMISSIONS[permission];
    it(`${permission}: ${least} may`, async () => {
      const d = await desk(row);
      ok(await d.as(PERSON[least], row.command(PERSON[least])));
      if (least !== "admin") ok(await (await desk(row)).as("operator", row.command("operator")));
    });
    const lower = below(least);
    if (lower) {
      it(`${permission}: a ${lower} is refused, told who may, and nothing changes`, async () => {
        const d = await desk(row);
        const before = await counts(d.db);
        const r = refused(await d.as(PERSON[lower], row.command(PERSON[lower])));
        expect(r.code).toBe("FORBIDDEN");
        expect(r.text).toBe(`Only ${NEEDS[least]} can ${row.doing}; you are ${lower === "agent" || lower === "admin" ? "an" : "a"} ${lower}.`);
        const after = await counts(d.db);
        expect({ ...after, people: before.people, receipts: before.receipts }).toEqual(before);
      });
    } else {
      expect(row.own, `${permission} has no role below ${least}`).toBe(true);
    }
  }

  it("the requester rows are about their own tickets: on someone else's, the _any row refuses", async () => {
    const d = await makeDesk();
    ok(await d.as("carol", "wifi drops every few minutes"));
    expect(refused(await d.as("dave", "comment 1 me too")).text).toBe("Only agents can comment on other people's tickets; you are a requester.");
    expect(refused(await d.as("dave", "close 1")).text).toBe("Only agents can close other people's tickets; you are a requester.");
    ok(await d.as("ana", "resolve 1 rebooted"));
    expect(refused(await d.as("dave", "reopen 1 it is back")).text).toBe("Only agents can reopen other people's tickets; you are a requester.");
  });
});
