// Webhooks hardened (issue 16): a replayed signature is refused, secrets compare without leaking their
// length, a large body is taken in chunks that let other commands run between them, and a body that failed
// part-way is continued, not doubled, when the sender sends it again.
import { describe, expect, it } from "vitest";
import { sameSecret } from "../../adapters/webhooks/routes.js";
import type { Capability } from "../../src/core/desk.js";
import { counts, ok } from "../helpers/desk.js";
import { ENV, fixture, grafanaSignature, setup } from "./setup.js";

const many = (n: number, label: string) => ({
  alerts: Array.from({ length: n }, (_, i) => ({
    source: "bulk",
    fingerprint: `${label}-${i}`,
    status: "firing",
    summary: i === n - 1 ? `${label} last` : `${label} ${i} down`,
    labels: { service: `${label}-svc-${i}` },
  })),
});

describe("a signed Grafana request replayed inside its window", () => {
  it("is refused with 401 and changes nothing: no repeat count, audit event or outbox row", async () => {
    const s = await setup();
    const raw = JSON.stringify(fixture("grafana-firing"));
    const headers = grafanaSignature(raw, Math.floor(s.clock.now() / 1000));
    expect((await s.post("/hooks/grafana", raw, headers)).status).toBe(200);
    const before = await counts(s.db);
    const repeats = await s.db.selectFrom("alerts").select(["fingerprint", "repeats"]).execute();
    s.clock.advance(60_000);
    expect(await s.post("/hooks/grafana", raw, headers)).toEqual({
      status: 401,
      body: { ok: false, error: "this signature was already used: a replayed request is refused" },
    });
    expect(await counts(s.db)).toEqual(before);
    expect(await s.db.selectFrom("alerts").select(["fingerprint", "repeats"]).execute()).toEqual(repeats);
    // The same alert signed anew (a later timestamp) is a new delivery: its repeat is counted.
    expect((await s.post("/hooks/grafana", raw, grafanaSignature(raw, Math.floor(s.clock.now() / 1000)))).body.results).toEqual([
      { fingerprint: "c6eadffa33fcdf37", ticket: 1, action: "repeated" },
    ]);
  });

  it("two copies sent at once: one is taken, the other refused", async () => {
    const s = await setup();
    const raw = JSON.stringify(fixture("grafana-firing"));
    const headers = grafanaSignature(raw, Math.floor(s.clock.now() / 1000));
    const answers = await Promise.all([s.post("/hooks/grafana", raw, headers), s.post("/hooks/grafana", raw, headers)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
    expect(await s.db.selectFrom("alerts").select("repeats").execute()).toEqual([{ repeats: 1 }]);
  });

  it("a request that failed (nothing committed) may be sent again with the same signature", async () => {
    const s = await setup();
    let failing = true;
    s.desk.addCapability({
      name: "flaky",
      async afterChange() {
        if (failing) throw new Error("disk hiccup");
      },
    } satisfies Capability);
    const raw = JSON.stringify(fixture("grafana-firing"));
    const headers = grafanaSignature(raw, Math.floor(s.clock.now() / 1000));
    expect(await s.post("/hooks/grafana", raw, headers)).toEqual({
      status: 500,
      body: { ok: false, error: "the alert could not be stored; nothing was changed, send it again" },
    });
    failing = false;
    expect((await s.post("/hooks/grafana", raw, headers)).status).toBe(200);
    expect((await counts(s.db)).tickets).toBe(1);
    expect(s.logs).toContain("webhook grafana: the alerts could not be stored: disk hiccup");
  });
});

describe("bearer tokens", () => {
  it("the right token is taken; a wrong one of the same length, a shorter, a longer and an empty one get 401", async () => {
    const s = await setup();
    const before = await counts(s.db);
    const body = { source: "uptime", fingerprint: "f1", status: "firing", summary: "db-1 is down" };
    for (const token of ["gen-secreX", "gen-secre", "gen-secret-and-more", "g", "x".repeat(5000)])
      expect(await s.post("/hooks/generic", body, s.bearer(token)), token).toEqual({
        status: 401,
        body: { ok: false, error: "missing or wrong bearer token" },
      });
    expect(await s.post("/hooks/generic", body, { authorization: "Bearer " })).toMatchObject({ status: 401 });
    expect(await counts(s.db)).toEqual(before);
    expect((await s.post("/hooks/generic", body, s.bearer(ENV.GENERIC_TOKEN))).status).toBe(200);
  });

  it("sameSecret compares digests of equal size, so any two lengths compare without throwing", () => {
    expect(sameSecret("gen-secret", "gen-secret")).toBe(true);
    expect(sameSecret("gen-secreX", "gen-secret")).toBe(false);
    expect(sameSecret("", "gen-secret")).toBe(false);
    expect(sameSecret("gen-secret".repeat(100), "gen-secret")).toBe(false);
    expect(sameSecret("gen-secret\u0000", "gen-secret")).toBe(false);
  });
});

describe("a large body", () => {
  it("is taken in chunks: a command sent after the first chunk committed is answered before the body is", async () => {
    const s = await setup();
    const order: string[] = [];
    let command: Promise<unknown> | undefined;
    s.desk.onCommit(() => {
      command ??= s.as("carol", "printer on 3rd floor jams").then((o) => (ok(o), order.push("command")));
    });
    const post = s.post("/hooks/generic", many(600, "bulk"), s.bearer(ENV.GENERIC_TOKEN)).then((r) => (order.push("webhook"), r));
    const r = await post;
    await command;
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(600);
    expect(order).toEqual(["command", "webhook"]);
    expect((await counts(s.db)).tickets).toBe(601);
    expect(
      (
        await s.db
          .selectFrom("alert_delivery_chunks" as never)
          .selectAll()
          .execute()
      ).length,
    ).toBe(0);
  });

  it("that fails part-way keeps the chunks it committed; the same body sent again takes the rest, counting none twice", async () => {
    const s = await setup();
    let failing = true;
    s.desk.addCapability({
      name: "flaky",
      async afterChange(_ctx, c) {
        if (failing && c.after.title === "bulk last") throw new Error("disk hiccup");
      },
    } satisfies Capability);
    const body = many(600, "bulk");
    const first = await s.post("/hooks/generic", body, s.bearer(ENV.GENERIC_TOKEN));
    expect(first.status).toBe(500);
    const taken = Number(first.body.taken);
    expect(taken).toBeGreaterThan(0);
    expect(taken).toBeLessThan(600);
    expect(first.body.error).toBe(
      `${taken} of 600 alerts were stored before a failure; send the same body again and the rest are taken (the first ${taken} are not counted twice)`,
    );
    expect((await counts(s.db)).tickets).toBe(taken);
    failing = false;
    const again = await s.post("/hooks/generic", body, s.bearer(ENV.GENERIC_TOKEN));
    expect(again.status).toBe(200);
    const results = again.body.results as { fingerprint: string; action: string; ticket: number }[];
    expect(results.map((r) => r.fingerprint)).toEqual(body.alerts.map((a) => a.fingerprint));
    expect(results.every((r) => r.action === "opened")).toBe(true);
    expect(new Set(results.map((r) => r.ticket)).size).toBe(600);
    expect((await counts(s.db)).tickets).toBe(600);
    expect(await s.db.selectFrom("alerts").select("repeats").distinct().execute()).toEqual([{ repeats: 1 }]);
    expect(
      (
        await s.db
          .selectFrom("alert_delivery_chunks" as never)
          .selectAll()
          .execute()
      ).length,
    ).toBe(0);
    // Once taken whole, the same body again is a new delivery: every alert repeats once.
    const third = await s.post("/hooks/generic", body, s.bearer(ENV.GENERIC_TOKEN));
    expect((third.body.results as { action: string }[]).every((r) => r.action === "repeated")).toBe(true);
    expect(await s.db.selectFrom("alerts").select("repeats").distinct().execute()).toEqual([{ repeats: 2 }]);
  });
});
