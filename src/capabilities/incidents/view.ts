// An incident as a platform shows it (its status card, its update form), read by id: what adapters need of
// an incident, so they import neither the incidents' repository nor their handlers for it.
import type { Queryable } from "../../store/database.js";
import { incidentView } from "./handlers.js";
import type { IncidentView } from "./model.js";
import { incidentById } from "./repository.js";

/** The incident's view as it stands, or undefined when there is no such incident. */
export async function incidentViewById(db: Queryable, id: number): Promise<IncidentView | undefined> {
  const row = await incidentById(db, id);
  return row ? incidentView({ trx: db }, row) : undefined;
}

/** Where an incident's status message is in a channel (posted once, then updated by this link: src/outbox/placed.ts). */
export { incidentLink, setIncidentLink } from "./repository.js";
