// A command's messages reach one target in the order its steps happened, whether they are ticket changes
// (planned when the command's work is done) or incident broadcasts: declaring an incident from a ticket first
// links the ticket, then tells the status channels.
import { describe, expect, it } from "vitest";
import type { Notifier } from "../../src/core/notify.js";
import { makeDesk, ok } from "../helpers/desk.js";

/** Everything to one channel, so the outbox's order there is the order of the steps. */
const oneChannel: Notifier = {
  plan: (c) => [{ platform: "p", kind: "ticket", target: "agents", key: "t", payload: { kind: c.kind, ticket: c.snapshot.ticket.number } }],
  planIncident: (c) => [{ platform: "p", kind: "incident", target: "agents", key: "i", payload: { incident: c.view.incident.id } }],
};

describe("the order of a command's messages", () => {
  it("declare from a ticket: the ticket's change, then the status message", async () => {
    const d = await makeDesk({ notifiers: [oneChannel] });
    ok(await d.as("carol", "email is down for everyone"));
    await d.db.deleteFrom("outbox").execute();
    ok(await d.as("ana", "incident from 1"));
    const rows = await d.db.selectFrom("outbox").select(["kind", "payload"]).orderBy("id").execute();
    expect(rows.map((r) => r.kind)).toEqual(["ticket", "incident"]);
    expect(JSON.parse(rows[0]!.payload)).toMatchObject({ ticket: 1 });
  });
});
