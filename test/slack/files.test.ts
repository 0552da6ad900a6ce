// Files from commands (report charts, CSV exports) reach Slack through the outbox with the external upload flow,
// each call checked by the fake Web API against the documented arguments and the recorded response shapes.
import { readFileSync, unlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { filesDirBeside } from "../../src/capabilities/index.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AGENTS, REQUESTER, startHarness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  expect(h.fake.violations).toEqual([]);
  await h.close();
});

/** Where the reports capability writes: the files folder beside the desk's database. */
const reportsDir = () => join(filesDirBeside(h.path), "reports");
// The answer is in the ack, or, when the report took longer than the ack budget (a slow machine), it follows
// through response_url after the holding ack: either way it is the same text.
const responses = () => [...h.answers.map((a) => a.text), ...h.fake.of("response_url").map((c) => String(c.args.text))];
const fileRows = () => h.db.selectFrom("outbox").selectAll().where("kind", "=", "file").execute();

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(b: Buffer): { width: number; height: number } {
  expect(b.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  expect(b.subarray(12, 16).toString("ascii")).toBe("IHDR");
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

async function someTickets() {
  await h.command("printer on 3rd floor jams");
  await h.command("vpn drops every few minutes");
  await h.settle();
  // Ranges end at the moment asked (exclusive): the tickets are a minute old by then.
  h.clock.advance(60_000);
}

describe("files into Slack", () => {
  it("a report asked in a channel answers there ephemerally and uploads its chart into the agent's DM", async () => {
    await someTickets();
    await h.command("report 7d", AGENTS.ana);
    await h.settle();
    const said = responses().find((t) => t.startsWith("Report: last 7 days"))!;
    expect(said).toContain("Opened: 2");
    expect(said).toContain("(The file follows in our direct messages.)");

    expect(h.fake.of("conversations.open").map((c) => c.args.users)).toEqual([AGENTS.ana]);
    const [slot] = h.fake.of("files.getUploadURLExternal");
    expect(slot!.args.filename).toMatch(/^report-7d-.*\.png$/);
    const [file] = [...h.fake.uploads.values()];
    expect(Number(slot!.args.length)).toBe(file!.bytes!.length);
    const size = pngSize(file!.bytes!);
    expect(size.width).toBeGreaterThan(600);
    expect(size.height).toBeGreaterThan(200);
    // The bytes are the chart the command wrote; chat names it, never where it lies on the server.
    expect(said).not.toContain(reportsDir());
    const path = resolve(reportsDir(), /Chart: (\S+\.png)/.exec(said)![1]!);
    expect(file!.bytes!.equals(readFileSync(path))).toBe(true);

    const [done] = h.fake.of("files.completeUploadExternal");
    expect(JSON.parse(String(done!.args.files))).toEqual([{ id: file!.id, title: "Tickets, last 7 days" }]);
    expect(done!.args.channel_id).toBe(`D${AGENTS.ana.slice(1)}`);
    expect(String(done!.args.initial_comment)).toMatch(/^Tickets, last 7 days \(Report: last 7 days/);
    expect(String(done!.args.initial_comment)).not.toContain(reportsDir());
    expect(file!.completed).toMatchObject({ channel: `D${AGENTS.ana.slice(1)}`, title: "Tickets, last 7 days" });
    // Calls in the order the flow requires: slot, bytes, complete.
    const order = h.fake.calls.map((c) => c.method).filter((m) => ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"].includes(m));
    expect(order).toEqual(["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]);
    expect((await fileRows()).map((r) => r.status)).toEqual(["sent"]);
  });

  it("an export asked in the DM goes into that DM, with the CSV's exact bytes", async () => {
    await someTickets();
    await h.command("export 30d", AGENTS.ana, { channel_id: "DANA", channel_name: "directmessage" });
    await h.settle();
    expect(responses().some((t) => /^Exported 2 tickets \(30d\)/.test(t) && !t.includes("direct messages"))).toBe(true);
    expect(h.fake.of("conversations.open")).toEqual([]);
    const [file] = [...h.fake.uploads.values()];
    const csv = file!.bytes!.toString("utf8");
    expect(csv.split("\r\n")[0]).toMatch(/^number,title,type,/);
    expect(csv).toContain("printer on 3rd floor jams");
    expect(file!.completed).toMatchObject({ channel: "DANA", title: "Tickets 30d" });
  });

  it("an export asked in a DM message (Events API) is uploaded into that DM", async () => {
    await someTickets();
    await h.event({
      type: "message",
      channel: "DANA",
      channel_type: "im",
      user: AGENTS.ana,
      text: "export 7d",
      ts: "1700000100.000100",
      event_ts: "1700000100.000100",
    });
    await h.settle();
    const [done] = h.fake.of("files.completeUploadExternal");
    expect(done!.args.channel_id).toBe("DANA");
    expect(done!.args.thread_ts).toBeUndefined();
    expect(h.fake.of("conversations.open")).toEqual([]);
    expect([...h.fake.uploads.values()][0]!.bytes!.toString("utf8")).toContain("vpn drops every few minutes");
  });

  it("a failed upload is retried from the stored bytes, even once the file on disk is gone, and shared once", async () => {
    await someTickets();
    h.fake.rateLimit("files.getUploadURLExternal", 2);
    h.fake.fail("files.completeUploadExternal", "internal_error");
    await h.command("export 7d", AGENTS.ana);
    await h.settle();
    expect((await fileRows()).map((r) => r.status)).toEqual(["retrying"]);
    // Nothing was shared yet: the row is not marked as possibly sent.
    expect((await fileRows())[0]!.called_at).toBeNull();
    unlinkSync(resolve(reportsDir(), /to (\S+\.csv)/.exec(responses().find((t) => t.startsWith("Exported"))!)![1]!));

    // Past the Retry-After: the slot is granted, but completing fails once with a Slack error: retried again.
    h.clock.advance(3000);
    await h.settle();
    expect((await fileRows())[0]!.last_error).toBe("Slack said internal_error");
    // The share was attempted: from then on the row may have been sent.
    expect((await fileRows())[0]!.called_at).not.toBeNull();
    h.clock.advance(60_000);
    await h.settle();
    expect((await fileRows()).map((r) => r.status)).toEqual(["sent"]);
    const completed = [...h.fake.uploads.values()].filter((u) => u.completed);
    expect(completed).toHaveLength(1);
    expect(completed[0]!.bytes!.toString("utf8")).toContain("vpn drops every few minutes");
  });

  it("a redelivered slash command queues its files once; a requester gets no report and no file", async () => {
    await someTickets();
    const trigger = { trigger_id: "777.1.same" };
    await h.command("export 7d", AGENTS.ana, trigger);
    await h.command("export 7d", AGENTS.ana, trigger);
    await h.command("report 7d", REQUESTER);
    await h.settle();
    expect(await fileRows()).toHaveLength(1);
    expect(h.fake.of("files.completeUploadExternal")).toHaveLength(1);
    expect(responses()).toContain("Only agents can see reports; you are a requester.");
  });

  it("the fake refuses an upload whose byte count differs from the announced length", async () => {
    const slot = await fetch(`${h.fake.apiUrl}files.getUploadURLExternal`, {
      method: "POST",
      headers: { authorization: "Bearer xoxb-test", "content-type": "application/x-www-form-urlencoded" },
      body: "filename=a.csv&length=10",
    }).then((r) => r.json() as Promise<{ upload_url: string; file_id: string }>);
    await fetch(slot.upload_url, { method: "POST", body: "12345" });
    expect(h.fake.violations).toEqual([`upload ${slot.file_id}: 5 bytes sent, 10 announced as length`]);
    const missing = await fetch(`${h.fake.apiUrl}files.completeUploadExternal`, {
      method: "POST",
      headers: { authorization: "Bearer xoxb-test", "content-type": "application/x-www-form-urlencoded" },
      body: "channel_id=C1",
    }).then((r) => r.json() as Promise<{ ok: boolean; error: string }>);
    expect(missing).toMatchObject({ ok: false, error: "invalid_arguments" });
    h.fake.violations.length = 0;
  });
});
