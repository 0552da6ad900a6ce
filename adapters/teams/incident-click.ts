// A "Post update" click on an incident's status card: runs the update through the core and answers with
// the card as it now is (or as it was, with why nothing changed).
import type { Activity } from "@microsoft/agents-activity";
import { type Desk } from "../../src/core/index.js";
import { incidentViewById } from "../../src/capabilities/incidents/view.js";
import { incidentUpdateCommand } from "./incidents.js";
import { errorCard, incidentCard, type Card } from "./render.js";
import { envelopeOf } from "./translate.js";

export async function runIncidentUpdate(desk: Desk, activity: Partial<Activity>, data: Record<string, unknown> | undefined): Promise<Card> {
  const read = incidentUpdateCommand(data);
  const outcome = read.ok ? await desk.handle(envelopeOf(activity, read.command)) : undefined;
  const view = read.id === undefined ? undefined : await incidentViewById(desk.db, read.id);
  const problem = !read.ok ? read.message : outcome && !outcome.ok ? outcome.text : undefined;
  if (!view) return errorCard(problem ?? "That incident is gone. Nothing was changed.");
  return incidentCard(view, problem ? { text: problem, tone: "error" } : { text: `Done: ${outcome!.text}`, tone: "info" });
}
