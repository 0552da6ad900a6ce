import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ticketView } from "../../src/core/views.js";
import { counts, ok } from "../helpers/desk.js";
import { ENV, fixture, setup } from "./setup.js";

describe("webhook intake", () => {
  it("says at start which sources have no secret, and refuses their alerts", async () => {
    const s = await setup();
    expect(s.ready).toEqual(["alertmanager", "grafana", "generic", "pager"]);
    expect(s.logs).toEqual(["Webhooks refusing alerts until their secret is set: /hooks/unset (NOT_SET_ANYWHERE)"]);
    const r = await s.post("/hooks/unset", { source: "x", fingerprint: "f", status: "firing", summary: "s" });
    expect(r).toEqual({ status: 503, body: { ok: false, error: "this webhook has no secret yet: set NOT_SET_ANYWHERE" } });
  });

  it("Alertmanager: one ticket per fingerprint, repeats counted, severity mapped, card shows labels, link and count", async () => {
    const s = await setup();
    const first = await s.post("/hooks/alertmanager", fixture("alertmanager-firing"), s.bearer(ENV.AM_TOKEN));
    expect(first.status).toBe(200);
    expect(first.body.results).toEqual([{ fingerprint: "5ef77f1f8a3ecfa4", ticket: 1, action: "opened" }]);
    for (let i = 0; i < 2; i++)
      expect((await s.post("/hooks/alertmanager", fixture("alertmanager-firing"), s.bearer(ENV.AM_TOKEN))).body.results).toEqual([
        { fingerprint: "5ef77f1f8a3ecfa4", ticket: 1, action: "repeated" },
      ]);
    expect((await counts(s.db)).tickets).toBe(1);
    const snap = (await s.desk.snapshot(1))!;
    expect(snap.ticket).toMatchObject({
      title: "High request error rate on checkout-api",
      impact: "high",
      urgency: "high",
      priority: "P1",
      service: "checkout-api",
      source: { kind: "alertmanager", link: expect.stringContaining("prometheus.example.com"), ref: "5ef77f1f8a3ecfa4" },
    });
    const view = ticketView(snap);
    expect(view.fields).toContainEqual({ label: "Alerts", value: "1 alert, 1 firing · fired 3 times" });
    expect(view.fields.find((f) => f.label === "Labels")?.value).toBe(
      "alertname=HighErrorRate, service=checkout-api, severity=critical, job=api, instance=api-1:9100",
    );
    expect(view.link).toContain("prometheus.example.com");
  });

  it("another alert of the same Alertmanager group joins the ticket", async () => {
    const s = await setup();
    const body = fixture("alertmanager-firing");
    await s.post("/hooks/alertmanager", body, s.bearer(ENV.AM_TOKEN));
    body.alerts[0].fingerprint = "0000aaaa1111bbbb";
    body.alerts[0].labels.instance = "api-2:9100";
    expect((await s.post("/hooks/alertmanager", body, s.bearer(ENV.AM_TOKEN))).body.results).toEqual([
      { fingerprint: "0000aaaa1111bbbb", ticket: 1, action: "joined" },
    ]);
    expect((await counts(s.db)).tickets).toBe(1);
  });

  it("a resolved alert resolves its ticket; a re-fire reopens it", async () => {
    const s = await setup();
    const body = fixture("alertmanager-firing");
    await s.post("/hooks/alertmanager", body, s.bearer(ENV.AM_TOKEN));
    body.status = "resolved";
    body.alerts[0].status = "resolved";
    expect((await s.post("/hooks/alertmanager", body, s.bearer(ENV.AM_TOKEN))).body.results).toEqual([
      { fingerprint: "5ef77f1f8a3ecfa4", ticket: 1, action: "resolved" },
    ]);
    expect((await s.desk.snapshot(1))!.ticket).toMatchObject({
      status: "resolved",
      resolution: expect.stringMatching(/^The alert cleared: HighErrorRate is no longer firing/),
    });
    body.status = "firing";
    body.alerts[0].status = "firing";
    expect((await s.post("/hooks/alertmanager", body, s.bearer(ENV.AM_TOKEN))).body.results).toEqual([
      { fingerprint: "5ef77f1f8a3ecfa4", ticket: 1, action: "reopened" },
    ]);
    expect(["triaged", "in_progress"]).toContain((await s.desk.snapshot(1))!.ticket.status);
    expect((await s.desk.snapshot(1))!.ticket.assigneeId).not.toBe(
      (await s.db.selectFrom("people").select("id").where("platform", "=", "system").executeTakeFirst())?.id,
    );
    expect((await counts(s.db)).tickets).toBe(1);
  });

  it("Grafana with HMAC: a signed alert is taken; a clear only notes it where resolve_on_clear is off", async () => {
    const s = await setup();
    const sign = (raw: string, ts: number) => ({
      "x-grafana-alerting-signature": createHmac("sha256", ENV.GRAFANA_SECRET).update(`${ts}:${raw}`).digest("hex"),
      "x-grafana-alerting-timestamp": String(ts),
    });
    const body = fixture("grafana-firing");
    let raw = JSON.stringify(body);
    const now = Math.floor(s.clock.now() / 1000);
    const r = await s.post("/hooks/grafana", raw, sign(raw, now));
    expect(r.status).toBe(200);
    expect((await s.desk.snapshot(1))!.ticket).toMatchObject({
      title: "This alert was triggered for zone us-1",
      impact: "medium",
      urgency: "medium",
      service: "billing",
      source: { link: "https://grafana.example.com/d/abc" },
    });
    body.alerts[0].status = "resolved";
    raw = JSON.stringify(body);
    expect((await s.post("/hooks/grafana", raw, sign(raw, now))).body.results).toEqual([{ fingerprint: "c6eadffa33fcdf37", ticket: 1, action: "noted" }]);
    expect((await s.desk.snapshot(1))!.ticket.status).not.toBe("resolved");
    const notes = await s.db.selectFrom("comments").select(["body", "internal"]).execute();
    expect(notes).toEqual([{ body: "Alert cleared: High memory usage.", internal: 1 }]);
  });

  it("refuses a wrong, missing or replayed secret with 401 and changes nothing", async () => {
    const s = await setup();
    const before = await counts(s.db);
    const am = fixture("alertmanager-firing");
    expect(await s.post("/hooks/alertmanager", am)).toEqual({ status: 401, body: { ok: false, error: "missing or wrong bearer token" } });
    expect((await s.post("/hooks/alertmanager", am, s.bearer("guess"))).status).toBe(401);
    const raw = JSON.stringify(fixture("grafana-firing"));
    const now = Math.floor(s.clock.now() / 1000);
    const old = now - 6 * 60;
    const signed = (ts: number, secret = ENV.GRAFANA_SECRET, body = raw) => ({
      "x-grafana-alerting-signature": createHmac("sha256", secret).update(`${ts}:${body}`).digest("hex"),
      "x-grafana-alerting-timestamp": String(ts),
    });
    expect((await s.post("/hooks/grafana", raw, signed(old))).body.error).toBe("the signature's timestamp is more than 5 minutes old (a replay?)");
    expect((await s.post("/hooks/grafana", raw, signed(now, "wrong"))).body.error).toBe("the signature does not match the body");
    expect((await s.post("/hooks/grafana", raw.replace("us-1", "us-2"), signed(now))).body.error).toBe("the signature does not match the body");
    expect((await s.post("/hooks/grafana", raw, { "x-grafana-alerting-timestamp": String(now) })).body.error).toBe(
      "missing signature header x-grafana-alerting-signature",
    );
    expect(await counts(s.db)).toEqual(before);
  });

  it("answers malformed, oversized, unknown and missing fields clearly, changing nothing", async () => {
    const s = await setup();
    const before = await counts(s.db);
    const auth = s.bearer(ENV.GENERIC_TOKEN);
    expect(await s.post("/hooks/generic", "{not json", auth)).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^malformed JSON: /) } });
    expect(await s.post("/hooks/generic", "x".repeat(1024 * 1024 + 1), auth)).toMatchObject({ status: 413, body: { error: "the body is over 1048576 bytes" } });
    expect(await s.generic({ fingerprint: "f1", colour: "red" })).toEqual({
      status: 400,
      body: {
        ok: false,
        error: 'unknown field "colour"; the generic format has source, fingerprint, status, severity, summary, description, labels, link',
        field: "colour",
      },
    });
    expect(await s.generic({ fingerprint: undefined })).toEqual({
      status: 400,
      body: { ok: false, error: 'missing required field "fingerprint"', field: "fingerprint" },
    });
    expect(await s.generic({ fingerprint: "f1", status: "burning" })).toMatchObject({ status: 400, body: { field: "status" } });
    const am = fixture("alertmanager-firing");
    delete am.alerts[0].labels.alertname;
    expect(await s.post("/hooks/alertmanager", am, s.bearer(ENV.AM_TOKEN))).toMatchObject({
      status: 400,
      body: { field: "alerts[0].labels.alertname", error: 'missing required field "alerts[0].labels.alertname"' },
    });
    const v3 = fixture("alertmanager-firing");
    v3.version = "3";
    expect((await s.post("/hooks/alertmanager", v3, s.bearer(ENV.AM_TOKEN))).body.error).toBe('unsupported Alertmanager webhook version "3" (expected "4")');
    expect(await counts(s.db)).toEqual(before);
  });

  it("a firing alert for a service with an open incident is linked to it", async () => {
    const s = await setup();
    ok(await s.as("carol", { kind: "create", title: "checkout is failing for customers", service: "checkout-api" }));
    ok(await s.as("ana", "incident from 1 Checkout errors"));
    await s.post("/hooks/alertmanager", fixture("alertmanager-firing"), s.bearer(ENV.AM_TOKEN));
    // The incident's own ticket carries the alert: one outage, one ticket.
    expect(await s.db.selectFrom("alerts").select(["ticket_id"]).execute()).toEqual([{ ticket_id: 1 }]);
    expect((await counts(s.db)).tickets).toBe(1);
  });

  it("N alerts for one service within M minutes make one incident offer, not one per alert, and the storm's later alerts join its ticket", async () => {
    const s = await setup();
    const results: { action: string; ticket: number }[] = [];
    for (let i = 0; i < 12; i++)
      results.push(((await s.generic({ fingerprint: `host-${i}`, labels: { service: "db" }, summary: `db-${i} is down` })).body.results as typeof results)[0]!);
    const offers = await s.db.selectFrom("audit_events").selectAll().where("action", "=", "incident_offer").execute();
    expect(offers).toHaveLength(1);
    expect(offers[0]).toMatchObject({ ticket_id: 1, to_value: "db", reason: "5 alert tickets in 10 min" });
    // Five tickets made the storm; the seven alerts after it joined the ticket carrying the offer.
    expect(results.map((r) => r.action)).toEqual([...Array(5).fill("opened"), ...Array(7).fill("joined")]);
    expect(results.slice(5).every((r) => r.ticket === 1)).toBe(true);
    expect((await counts(s.db)).tickets).toBe(5);
    s.clock.advance(11 * 60_000);
    for (let i = 12; i < 17; i++) await s.generic({ fingerprint: `host-${i}`, labels: { service: "db" } });
    expect(await s.db.selectFrom("audit_events").selectAll().where("action", "=", "incident_offer").execute()).toHaveLength(2);
  });

  it("configured to declare: the storm becomes one incident and later alerts join its ticket", async () => {
    const s = await setup();
    for (let i = 0; i < 3; i++)
      await s.generic({ fingerprint: `n-${i}`, labels: { service: "network" }, summary: `switch ${i} unreachable` }, "pager", ENV.PAGER_TOKEN);
    const incidents = await s.db.selectFrom("incidents").selectAll().execute();
    expect(incidents).toMatchObject([{ id: 1, title: "network: 3 alerts in 10 min", origin_ticket_id: 1, service: "network" }]);
    expect((await s.db.selectFrom("incident_tickets").select("ticket_id").orderBy("ticket_id").execute()).map((r) => r.ticket_id)).toEqual([1, 2, 3]);
    const more = await s.generic({ fingerprint: "n-99", labels: { service: "network" } }, "pager", ENV.PAGER_TOKEN);
    expect(more.body.results).toEqual([{ fingerprint: "n-99", ticket: 1, action: "joined" }]);
    expect((await counts(s.db)).tickets).toBe(3);
  });

  it("a storm of 1,000 alerts for one service makes one ticket with its repeat count, loses none, and /healthz stays up", async () => {
    const s = await setup();
    let accepted = 0;
    let health = 0;
    for (let batch = 0; batch < 20; batch++) {
      const sends = Array.from({ length: 50 }, () =>
        s.generic({ fingerprint: "checkout-5xx", labels: { service: "checkout" }, summary: "checkout 5xx above 5%" }),
      );
      const h = fetch(`http://127.0.0.1:${s.port}/healthz`).then((r) => (r.ok ? health++ : 0));
      for (const r of await Promise.all(sends)) if (r.status === 200) accepted += Number(r.body.accepted);
      await h;
    }
    expect(accepted).toBe(1000);
    expect(health).toBe(20);
    expect((await counts(s.db)).tickets).toBe(1);
    expect(await s.db.selectFrom("alerts").select(["repeats", "ticket_id"]).execute()).toEqual([{ repeats: 1000, ticket_id: 1 }]);
  });
});
