// Alerts as the desk sees them, whatever monitoring tool sent them.
import type { Level } from "../../core/ticket.js";

export interface Alert {
  fingerprint: string;
  status: "firing" | "resolved";
  severity: string | null;
  summary: string;
  description: string;
  labels: Record<string, string>;
  link: string | null;
  /** Alertmanager's group key: alerts of one group update one ticket. */
  groupKey: string | null;
}

export type AlertFormat = "alertmanager" | "grafana" | "generic";

export interface AlertSource {
  name: string;
  format: AlertFormat;
  auth: { kind: "bearer"; env: string } | { kind: "hmac"; env: string; signatureHeader: string; timestampHeader: string };
  resolveOnClear: boolean;
  serviceLabel: string;
  severityLabel: string;
  severityMap: Record<string, { impact: Level; urgency: Level }>;
  storm: { alerts: number; minutes: number; action: "offer" | "declare" };
}

/** A payload the desk cannot take, with the field at fault (answered as 400). */
export class PayloadError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "PayloadError";
  }
}

/** A signed request whose signature was already used inside its window (answered as 401). */
export class ReplayError extends Error {
  constructor() {
    super("this signature was already used: a replayed request is refused");
    this.name = "ReplayError";
  }
}

/** A large body failed part-way: `taken` of its alerts are committed, and a retry of the same body takes the rest. */
export class PartialDeliveryError extends Error {
  constructor(
    readonly taken: number,
    readonly total: number,
    override readonly cause: unknown,
  ) {
    super(`${taken} of ${total} alerts were taken before a failure: ${(cause as Error)?.message ?? cause}`);
    this.name = "PartialDeliveryError";
  }
}
