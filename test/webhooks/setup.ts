// The webhook tests' desk: every kind of source mounted on a real HTTP server, and helpers to post to it.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterEach } from "vitest";
import { mountWebhooks } from "../../adapters/webhooks/routes.js";
import { HttpServer } from "../../src/http/server.js";
import { parseSettings } from "../../src/settings.js";
import { EXAMPLE_SETTINGS, makeDesk } from "../helpers/desk.js";

const SOURCES = `
alerts:
  sources:
    - name: alertmanager
      format: alertmanager
      auth: { bearer_env: AM_TOKEN }
    - name: grafana
      format: grafana
      auth: { hmac_env: GRAFANA_SECRET }
      resolve_on_clear: false
    - name: generic
      format: generic
      auth: { bearer_env: GENERIC_TOKEN }
      storm: { alerts: 5, minutes: 10, action: offer }
    - name: pager
      format: generic
      auth: { bearer_env: PAGER_TOKEN }
      storm: { alerts: 3, minutes: 10, action: declare }
    - name: unset
      format: generic
      auth: { bearer_env: NOT_SET_ANYWHERE }
`;
export const ENV = { AM_TOKEN: "am-secret", GRAFANA_SECRET: "gf-secret", GENERIC_TOKEN: "gen-secret", PAGER_TOKEN: "pager-secret" };
export const fixture = (name: string) => JSON.parse(readFileSync(`test/fixtures/alerts/${name}.json`, "utf8"));

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

export async function setup() {
  const settings = parseSettings(readFileSync(EXAMPLE_SETTINGS, "utf8").replace(/^alerts:[\s\S]*?(?=^\S|$(?![\s\S]))/m, "") + SOURCES, "test.yaml");
  const d = await makeDesk({ settings });
  const http = new HttpServer();
  servers.push(http);
  const logs: string[] = [];
  const ready = mountWebhooks({ http, desk: d.desk, clock: d.clock, sources: settings.alerts!, env: ENV, log: (m) => logs.push(m) });
  const port = await http.listen(0, "127.0.0.1");
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const raw = typeof body === "string" ? body : JSON.stringify(body);
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: raw });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const generic = (a: Record<string, unknown>, source = "generic", token = ENV.GENERIC_TOKEN) =>
    post(`/hooks/${source}`, { source: "uptime", status: "firing", summary: "db-1 is down", ...a }, bearer(token));
  return { ...d, port, post, bearer, generic, logs, ready };
}

/** Grafana's headers for a body signed at `ts` (seconds). */
export function grafanaSignature(raw: string, ts: number, secret = ENV.GRAFANA_SECRET): Record<string, string> {
  return { "x-grafana-alerting-signature": createHmac("sha256", secret).update(`${ts}:${raw}`).digest("hex"), "x-grafana-alerting-timestamp": String(ts) };
}
