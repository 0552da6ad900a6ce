// The approval flow through the desk and the shared grammar (as the console drives it).
import { afterEach, describe, expect, it } from "vitest";
import { requestOf, votesOf } from "../../../src/capabilities/approvals/repository.js";
import { auditOfTicket } from "../../../src/store/audit.js";
import { counts, ok, refused, type TestDesk } from "../../helpers/desk.js";
import { accessRequest, approvalDesk } from "./setup.js";

let t: TestDesk;
afterEach(async () => t?.db.destroy());

const status = async (n: number) => (await t.desk.snapshot(n))!.ticket.status;

describe("approvals at the desk", () => {
  it("an access request waits for approval from creation; one approval (any) moves it on to its team", async () => {
    t = await approvalDesk("any");
    const n = await accessRequest(t);
    expect(await status(n)).toBe("awaiting_approval");
    const req = await requestOf(t.db, n);
    expect(JSON.parse(req!.approvers)).toEqual(["console:ana", "console:bob", "console:carl"]);
    const shown = ok(await t.as("ana", `show ${n}`));
    expect(shown.text).toContain("awaiting approval");

    const o = ok(await t.as("carl", `approve ${n}`));
    expect(o.text).toContain(`You approved #${n}`);
    const after = (await t.desk.snapshot(n))!;
    expect(after.ticket.status).not.toBe("awaiting_approval");
    expect(["new", "triaged"]).toContain(after.ticket.status);
    const trail = await auditOfTicket(t.db, n);
    expect(trail.some((e) => e.action === "approval_requested" && e.to_value === "awaiting_approval")).toBe(true);
    expect(trail.some((e) => e.action === "approved" && e.actor_name === "carl" && e.reason?.includes("approved by console:carl"))).toBe(true);
  });

  it("all: every approver must approve; the last approval decides", async () => {
    t = await approvalDesk("all");
    const n = await accessRequest(t);
    expect(ok(await t.as("ana", `approve ${n}`)).text).toContain("1 of 3");
    expect(ok(await t.as("bob", `approve ${n}`)).text).toContain("2 of 3");
    expect(await status(n)).toBe("awaiting_approval");
    ok(await t.as("carl", `approve ${n}`));
    expect(await status(n)).not.toBe("awaiting_approval");
    expect((await votesOf(t.db, n)).map((v) => v.approver)).toEqual(["console:ana", "console:bob", "console:carl"]);
  });

  it("all: one rejection resolves the request with the reason", async () => {
    t = await approvalDesk("all");
    const n = await accessRequest(t);
    ok(await t.as("ana", `approve ${n}`));
    const o = ok(await t.as("bob", `reject ${n} finance data needs the CFO's sign-off`));
    expect(o.text).toContain("rejected");
    const s = (await t.desk.snapshot(n))!;
    expect(s.ticket.status).toBe("resolved");
    expect(s.ticket.resolution).toBe("Rejected by bob: finance data needs the CFO's sign-off");
  });

  it("majority: two of three decide, either way", async () => {
    t = await approvalDesk("majority");
    const yes = await accessRequest(t);
    ok(await t.as("ana", `approve ${yes}`));
    expect(await status(yes)).toBe("awaiting_approval");
    ok(await t.as("bob", `approve ${yes}`));
    expect(await status(yes)).not.toBe("awaiting_approval");
    const no = await accessRequest(t);
    ok(await t.as("ana", `reject ${no} not needed`));
    ok(await t.as("carl", `approve ${no}`));
    expect(await status(no)).toBe("awaiting_approval");
    ok(await t.as("bob", `reject ${no} not needed either`));
    expect(await status(no)).toBe("resolved");
  });

  it("refuses, changing nothing: own request, non-approver, twice, after a rejection, on a closed ticket, no reason", async () => {
    t = await approvalDesk("majority", ["console:ana", "console:bob", "console:carl", "console:rita"]);
    const n = await accessRequest(t);
    // rita is on the list but asked herself: she is left out of it.
    expect(JSON.parse((await requestOf(t.db, n))!.approvers)).not.toContain("console:rita");
    const before = await counts(t.db);
    expect(refused(await t.as("rita", `approve ${n}`)).text).toBe(
      `You asked for #${n} yourself, so you cannot approve it; one of its approvers must. Nothing was changed.`,
    );
    const outsider = refused(await t.as("operator", `approve ${n}`));
    expect(outsider.code).toBe("FORBIDDEN");
    expect(outsider.text).toContain(`Only #${n}'s approvers can approve it (console:ana, console:bob, console:carl)`);
    expect(ok(await t.as("ana", `reject ${n}`)).text).toMatch(/^Say why you reject #\d+; the requester will read it/);
    expect(refused(await t.as("ana", { kind: "capability", capability: "approvals", verb: "reject", number: n, text: "  " })).text).toMatch(
      /Say why you reject/,
    );
    const after = await counts(t.db);
    expect({ ...after, people: 0 }).toEqual({ ...before, people: 0 });

    ok(await t.as("ana", `approve ${n}`));
    const once = await counts(t.db);
    expect(refused(await t.as("ana", `approve ${n}`)).text).toBe(`You already approved #${n}; nothing was changed.`);
    expect(refused(await t.as("ana", `reject ${n} changed my mind`)).text).toBe(`You already approved #${n}; nothing was changed.`);
    expect(await counts(t.db)).toEqual(once);

    ok(await t.as("bob", `reject ${n} no`));
    ok(await t.as("carl", `reject ${n} no`));
    expect(await status(n)).toBe("resolved");
    const done = await counts(t.db);
    expect(refused(await t.as("ana", `approve ${n}`)).text).toBe(`#${n} was already rejected by carl; nothing was changed.`);
    expect(refused(await t.as("bob", `approve ${n}`)).text).toBe(`#${n} was already rejected by carl; nothing was changed.`);
    expect(await counts(t.db)).toEqual(done);

    const m = await accessRequest(t);
    ok(await t.as("rita", `close ${m}`));
    expect((await requestOf(t.db, m))!.state).toBe("cancelled");
    const closed = await counts(t.db);
    expect(refused(await t.as("ana", `approve ${m}`)).text).toBe(
      `#${m} is closed: its approval request was cancelled, so there is nothing to approve. Nothing was changed.`,
    );
    expect(await counts(t.db)).toEqual(closed);
  });

  it("lists what waits on me, and a reopened rejected request waits for approval again", async () => {
    t = await approvalDesk("any", ["console:ana"]);
    const a = await accessRequest(t);
    const b = await accessRequest(t);
    const list = ok(await t.as("ana", "approvals"));
    expect(list.list!.map((s) => s.ticket.number)).toEqual([a, b]);
    expect(ok(await t.as("bob", "approvals")).text).toBe("Nothing waits for your approval.");
    ok(await t.as("ana", `reject ${a} use the shared drive`));
    ok(await t.as("rita", `reopen ${a} I do need it`));
    expect(await status(a)).toBe("awaiting_approval");
    expect((await requestOf(t.db, a))!.state).toBe("pending");
    expect(ok(await t.as("ana", "approvals")).list!.map((s) => s.ticket.number)).toEqual([a, b]);
  });

  it("a change request carries its risk, window, rollback and evidence, and a majority decides", async () => {
    t = await approvalDesk();
    const o = ok(
      await t.as("rita", {
        kind: "create",
        title: "Upgrade the core switch",
        type: "change",
        risk: "high",
        window: "Sat 22:00-23:00 UTC",
        rollback: "Reload the saved config",
        evidence: "Tested in the lab",
      }),
    );
    const n = o.snapshot!.ticket.number;
    const x = (await t.desk.snapshot(n))!.extras!.approvals as { change: Record<string, string>; request: { rule: string; needed: number } };
    expect(x.change).toEqual({ risk: "high", window: "Sat 22:00-23:00 UTC", rollback: "Reload the saved config", evidence: "Tested in the lab" });
    expect(x.request).toMatchObject({ rule: "majority", needed: 2 });
  });

  it("incidents and questions need no approval", async () => {
    t = await approvalDesk();
    const o = ok(await t.as("rita", "printer jams on floor 3"));
    expect(o.snapshot!.ticket.status).not.toBe("awaiting_approval");
    expect(await requestOf(t.db, o.snapshot!.ticket.number)).toBeUndefined();
    expect(refused(await t.as("ana", `approve ${o.snapshot!.ticket.number}`)).text).toContain("does not need approval");
  });
});
