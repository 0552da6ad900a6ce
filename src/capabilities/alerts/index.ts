// What an alert ticket's card shows: the alert, how often it fired, its labels and where it came from.
import { alertSummaryOfTicket } from "./repository.js";
import type { FieldView, TicketSnapshot } from "../../core/views.js";
import type { Capability } from "../../core/capability.js";

export interface TicketAlerts {
  count: number;
  firing: number;
  repeats: number;
  labels: Record<string, string>;
  link: string | null;
}

function alertCard(s: TicketSnapshot): { fields?: FieldView[] } {
  const a = s.extras?.alerts as TicketAlerts | null | undefined;
  if (!a) return {};
  const labels = Object.entries(a.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  const fields: FieldView[] = [
    { label: "Alerts", value: `${a.count} alert${a.count === 1 ? "" : "s"}, ${a.firing} firing · fired ${a.repeats} time${a.repeats === 1 ? "" : "s"}` },
    { label: "Labels", value: labels.length > 300 ? `${labels.slice(0, 299)}…` : labels || "none" },
  ];
  if (a.link) fields.push({ label: "Alert source", value: a.link });
  return { fields };
}

export function alertsCapability(): Capability {
  return {
    name: "alerts",
    card: alertCard,
    async enrich(db, ticket): Promise<TicketAlerts | null> {
      if (!ticket.tags.includes("alert")) return null;
      const s = await alertSummaryOfTicket(db, ticket.number);
      if (!s) return null;
      return { count: s.count, firing: s.firing, repeats: s.repeats, labels: JSON.parse(s.labels) as Record<string, string>, link: s.link };
    },
  };
}

/** What the webhooks adapter needs to take alerts in: parsing a source's body, and storing its alerts. */
export { deliveryKey, receiveAlerts } from "./intake.js";
export { parseAlerts } from "./parse.js";
