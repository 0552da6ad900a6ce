// Each monitoring tool's webhook body -> Alerts. Alertmanager (webhook version 4) and Grafana alerting
// bodies are read leniently (their senders add fields over time); the generic format is ours and strict.
import { createHash } from "node:crypto";
import { PayloadError, type Alert, type AlertFormat } from "./model.js";

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function str(o: Json, key: string, path: string, required = true): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === "") {
    if (required) throw new PayloadError(`${path}${key}`, `missing required field "${path}${key}"`);
    return undefined;
  }
  if (typeof v !== "string") throw new PayloadError(`${path}${key}`, `field "${path}${key}" must be a string`);
  return v;
}

function labelsOf(v: unknown, path: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new PayloadError(path, `field "${path}" must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== "string") throw new PayloadError(`${path}.${k}`, `label "${path}.${k}" must be a string`);
    out[k] = val;
  }
  return out;
}

function status(v: string, path: string): "firing" | "resolved" {
  if (v === "firing" || v === "resolved") return v;
  throw new PayloadError(path, `field "${path}" must be "firing" or "resolved" (got "${v}")`);
}

/** Alertmanager and Grafana share the alert shape: labels, annotations, status, fingerprint, URLs. */
function promAlerts(body: Json, format: "alertmanager" | "grafana", severityLabel: string): Alert[] {
  if (format === "alertmanager" && body.version !== undefined && body.version !== "4")
    throw new PayloadError("version", `unsupported Alertmanager webhook version "${String(body.version)}" (expected "4")`);
  if (!Array.isArray(body.alerts)) throw new PayloadError("alerts", 'missing required field "alerts" (an array)');
  const groupKey = typeof body.groupKey === "string" ? body.groupKey : null;
  return body.alerts.map((a, i) => {
    const p = `alerts[${i}].`;
    if (!isObj(a)) throw new PayloadError(`alerts[${i}]`, `alerts[${i}] must be an object`);
    const labels = labelsOf(a.labels, `${p}labels`);
    const annotations = labelsOf(a.annotations, `${p}annotations`);
    const st = status(str(a, "status", p)!, `${p}status`);
    const name = labels.alertname;
    if (!name) throw new PayloadError(`${p}labels.alertname`, `missing required field "${p}labels.alertname"`);
    const fingerprint =
      str(a, "fingerprint", p, false) ??
      createHash("sha256")
        .update(JSON.stringify(Object.entries(labels).sort()))
        .digest("hex")
        .slice(0, 16);
    const link =
      str(a, "dashboardURL", p, false) ??
      str(a, "panelURL", p, false) ??
      str(a, "generatorURL", p, false) ??
      (typeof body.externalURL === "string" ? body.externalURL : null);
    return {
      fingerprint,
      status: st,
      severity: labels[severityLabel] ?? null,
      summary: annotations.summary ?? annotations.title ?? name,
      description: annotations.description ?? annotations.message ?? "",
      labels,
      link,
      groupKey,
    };
  });
}

const GENERIC_FIELDS = new Set(["source", "fingerprint", "status", "severity", "summary", "description", "labels", "link"]);

/** Our own small format: one alert, or {"alerts": [...]}. Unknown fields are refused so typos surface. */
function genericAlerts(body: Json): Alert[] {
  const list = Array.isArray(body.alerts) ? body.alerts : [body];
  if (Array.isArray(body.alerts)) {
    const extra = Object.keys(body).filter((k) => k !== "alerts");
    if (extra.length) throw new PayloadError(extra[0]!, `unknown field "${extra[0]}"`);
  }
  return list.map((a, i) => {
    const p = Array.isArray(body.alerts) ? `alerts[${i}].` : "";
    if (!isObj(a)) throw new PayloadError(p || "body", `${p || "the body"} must be an object`);
    const unknown = Object.keys(a).find((k) => !GENERIC_FIELDS.has(k));
    if (unknown) throw new PayloadError(`${p}${unknown}`, `unknown field "${p}${unknown}"; the generic format has ${[...GENERIC_FIELDS].join(", ")}`);
    str(a, "source", p);
    return {
      fingerprint: str(a, "fingerprint", p)!,
      status: status(str(a, "status", p)!, `${p}status`),
      severity: str(a, "severity", p, false) ?? null,
      summary: str(a, "summary", p)!,
      description: str(a, "description", p, false) ?? "",
      labels: labelsOf(a.labels, `${p}labels`),
      link: str(a, "link", p, false) ?? null,
      groupKey: null,
    };
  });
}

export function parseAlerts(format: AlertFormat, body: unknown, severityLabel: string): Alert[] {
  if (!isObj(body)) throw new PayloadError("body", "the body must be a JSON object");
  const alerts = format === "generic" ? genericAlerts(body) : promAlerts(body, format, severityLabel);
  for (const a of alerts) if (a.fingerprint.length > 200) throw new PayloadError("fingerprint", "fingerprint is over 200 characters");
  return alerts;
}
