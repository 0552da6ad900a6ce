// Does a new ticket belong to an open incident? An explainable rule rather than a score nobody can read:
// the same affected service, or most of the incident's significant words in the ticket.
import { significantWords } from "../../core/words.js";

export interface IncidentCandidate {
  id: number;
  title: string;
  service: string | null;
  /** Titles of the tickets already linked to it. */
  ticketTitles: string[];
}

export interface Match {
  id: number;
  reason: string;
}

/** The best open incident for a ticket, or none. */
export function matchIncident(ticket: { title: string; description: string; service: string | null }, incidents: IncidentCandidate[]): Match | undefined {
  const words = significantWords(`${ticket.title} ${ticket.description}`);
  let best: (Match & { score: number }) | undefined;
  for (const inc of incidents) {
    if (ticket.service && inc.service && ticket.service.toLowerCase() === inc.service.toLowerCase()) {
      const m = { id: inc.id, reason: `same affected service (${inc.service})`, score: 2 };
      if (!best || m.score > best.score) best = m;
      continue;
    }
    for (const doc of [inc.title, ...inc.ticketTitles]) {
      const target = significantWords(doc);
      if (target.size === 0) continue;
      const shared = [...target].filter((w) => words.has(w));
      const score = shared.length / target.size;
      if (shared.length >= Math.min(2, target.size) && score >= 0.6 && (!best || score > best.score)) {
        best = { id: inc.id, reason: `${Math.round(score * 100)}% of the words of "${doc}"`, score };
      }
    }
  }
  return best && { id: best.id, reason: best.reason };
}
