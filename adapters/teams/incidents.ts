// "Post update" on an incident's status card: a form under the card (Action.ShowCard: status and message)
// whose Action.Execute runs the same command as `incident update I [status] <message>`.
import { type Command, LIMITS } from "../../src/core/index.js";
import { INCIDENT_STATUSES, incidentName, type IncidentStatus } from "../../src/capabilities/incidents/model.js";
import { INCIDENT_KEY, INCIDENT_UPDATE_INPUTS as I, INCIDENT_UPDATE_VERB } from "./verbs.js";

/** The same bound as Slack's modal, so an update reads the same everywhere. */
export const UPDATE_MAX = Math.min(LIMITS.comment, 3000);

/** The card's "Post update" form, its status preset to the incident's. */
export function incidentUpdateAction(incident: number, status: IncidentStatus): Record<string, unknown> {
  return {
    type: "Action.ShowCard",
    title: "Post update",
    card: {
      type: "AdaptiveCard",
      body: [
        {
          type: "Input.ChoiceSet",
          id: I.status,
          label: "Status",
          style: "compact",
          isRequired: true,
          errorMessage: "Choose a status.",
          value: status,
          choices: INCIDENT_STATUSES.map((s) => ({ title: s, value: s })),
        },
        {
          type: "Input.Text",
          id: I.message,
          label: "Update",
          isMultiline: true,
          isRequired: true,
          maxLength: UPDATE_MAX,
          errorMessage: "Write the update.",
          placeholder: "What changed, and what people should do",
        },
      ],
      actions: [{ type: "Action.Execute", verb: INCIDENT_UPDATE_VERB, title: `Post update to ${incidentName(incident)}`, data: { [INCIDENT_KEY]: incident } }],
    },
  };
}

/** The clicked form as the core command, or what to tell the person (nothing changes). */
export function incidentUpdateCommand(
  data: Record<string, unknown> | undefined,
): { ok: true; id: number; command: Command } | { ok: false; id?: number; message: string } {
  const id = Number(data?.[INCIDENT_KEY]);
  if (!Number.isInteger(id) || id <= 0) return { ok: false, message: "This button does not name an incident. Nothing was changed." };
  const status = String(data?.[I.status] ?? "");
  const message = String(data?.[I.message] ?? "").trim();
  if (!(INCIDENT_STATUSES as readonly string[]).includes(status))
    return { ok: false, id, message: `Choose one of ${INCIDENT_STATUSES.join(", ")}. Nothing was changed.` };
  if (!message) return { ok: false, id, message: "Write the update: every requester and status channel will read it. Nothing was changed." };
  if (message.length > UPDATE_MAX)
    return { ok: false, id, message: `The update is ${message.length} characters; keep it to ${UPDATE_MAX}. Nothing was changed.` };
  return { ok: true, id, command: { kind: "incident", action: { kind: "update", id, message, status: status as IncidentStatus } } };
}
