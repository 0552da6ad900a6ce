// The `alerts:` section of the settings file: one entry per monitoring source posting to /hooks/<name>.
// Secrets are named by environment variable, never written in the file.
import { z } from "zod";
import { LEVELS } from "../../core/ticket.js";
import type { AlertSource } from "./model.js";

const level = z.enum(LEVELS);
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name");

const source = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,40}$/, "expected a short lower-case name: it is the URL /hooks/<name>"),
    format: z.enum(["alertmanager", "grafana", "generic"]),
    auth: z.union([
      z.object({ bearer_env: envName }).strict(),
      z.object({ hmac_env: envName, signature_header: z.string().min(1).optional(), timestamp_header: z.string().min(1).optional() }).strict(),
    ]),
    resolve_on_clear: z.boolean().default(true),
    service_label: z.string().default("service"),
    severity_label: z.string().default("severity"),
    severity_map: z
      .record(z.string(), z.object({ impact: level, urgency: level }).strict())
      .default({ critical: { impact: "high", urgency: "high" }, warning: { impact: "medium", urgency: "medium" }, info: { impact: "low", urgency: "low" } }),
    storm: z
      .object({ alerts: z.number().int().min(2).default(5), minutes: z.number().positive().default(10), action: z.enum(["offer", "declare"]).default("offer") })
      .strict()
      .default({ alerts: 5, minutes: 10, action: "offer" }),
  })
  .strict()
  .transform((s): AlertSource => ({
    name: s.name,
    format: s.format,
    auth:
      "bearer_env" in s.auth
        ? { kind: "bearer", env: s.auth.bearer_env }
        : {
            kind: "hmac",
            env: s.auth.hmac_env,
            signatureHeader: (s.auth.signature_header ?? (s.format === "grafana" ? "X-Grafana-Alerting-Signature" : "X-Deskhand-Signature")).toLowerCase(),
            timestampHeader: (s.auth.timestamp_header ?? (s.format === "grafana" ? "X-Grafana-Alerting-Timestamp" : "X-Deskhand-Timestamp")).toLowerCase(),
          },
    resolveOnClear: s.resolve_on_clear,
    serviceLabel: s.service_label,
    severityLabel: s.severity_label,
    severityMap: Object.fromEntries(Object.entries(s.severity_map).map(([k, v]) => [k.toLowerCase(), v])),
    storm: s.storm,
  }));

export const alertsSchema = z.object({ sources: z.array(source).default([]) }).strict();

export function alertsCrossCheck(sources: AlertSource[]): { path: (string | number)[]; message: string }[] {
  const seen = new Set<string>();
  const problems: { path: (string | number)[]; message: string }[] = [];
  sources.forEach((s, i) => {
    if (seen.has(s.name)) problems.push({ path: ["alerts", "sources", i, "name"], message: `a source named "${s.name}" is listed twice` });
    seen.add(s.name);
  });
  return problems;
}

declare module "../../core/settings.js" {
  interface DeskSettings {
    /** Monitoring sources posting alerts to /hooks/<name>. */
    alerts?: AlertSource[];
  }
}
