// The incident status message's "Post update": its modal (status and message) and what a submission says.
// The submission runs the same command as `/ticket incident update I [status] <message>`.
import { type Command, LIMITS as TICKET_LIMITS } from "../../src/core/index.js";
import { INCIDENT_STATUSES, incidentName, type IncidentStatus, type IncidentView } from "../../src/capabilities/incidents/model.js";
import { INCIDENT_UPDATE_FIELDS as F, INCIDENT_UPDATE_VIEW } from "./ids.js";
import { LIMITS, clipEscaped, esc, type Block } from "./render.js";

const plain = (text: string, n: number) => ({ type: "plain_text", text: text.length > n ? `${text.slice(0, n - 1)}…` : text });
const option = (s: string) => ({ text: plain(s, LIMITS.optionText), value: s });
/** Slack's plain_text_input takes at most 3000 characters. */
export const UPDATE_MAX = Math.min(TICKET_LIMITS.comment, 3000);

export interface UpdateMeta {
  incident: number;
  channel?: string;
}

export function incidentUpdateModal(v: IncidentView, meta: UpdateMeta): Block {
  const i = v.incident;
  return {
    type: "modal",
    callback_id: INCIDENT_UPDATE_VIEW,
    title: plain(`Update ${incidentName(i.id)}`, LIMITS.viewTitle),
    submit: plain("Post update", LIMITS.viewTitle),
    close: plain("Cancel", LIMITS.viewTitle),
    private_metadata: JSON.stringify(meta),
    blocks: [
      // The title as typed, escaped (mrkdwn): stripping `<>&` instead would change what people read.
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: clipEscaped(
            `*${incidentName(i.id)} ${esc(i.title)}* is ${i.status}. The update goes to every status channel and to the requester of each of its tickets.`,
            LIMITS.sectionText,
          ),
        },
      },
      {
        type: "input",
        block_id: F.status.block,
        label: plain("Status", LIMITS.label),
        element: { type: "static_select", action_id: F.status.action, options: INCIDENT_STATUSES.map(option), initial_option: option(i.status) },
      },
      {
        type: "input",
        block_id: F.message.block,
        label: plain("Update", LIMITS.label),
        element: {
          type: "plain_text_input",
          action_id: F.message.action,
          multiline: true,
          max_length: UPDATE_MAX,
          placeholder: plain("What changed, and what people should do", LIMITS.placeholder),
        },
      },
    ],
  };
}

type State = { values?: Record<string, Record<string, { value?: string | null; selected_option?: { value?: string } | null }>> };

/** The submitted update as the core command, or the field errors to show in the modal. */
export function readIncidentUpdate(view: {
  private_metadata?: string;
  state?: unknown;
}): { ok: true; command: Command } | { ok: false; errors: Record<string, string> } {
  let meta: Partial<UpdateMeta> = {};
  try {
    meta = JSON.parse(view.private_metadata || "{}") as Partial<UpdateMeta>;
  } catch {
    /* answered below */
  }
  const values = (view.state as State | undefined)?.values ?? {};
  const status = values[F.status.block]?.[F.status.action]?.selected_option?.value;
  const message = values[F.message.block]?.[F.message.action]?.value?.trim() ?? "";
  if (!Number.isInteger(meta.incident))
    return { ok: false, errors: { [F.message.block]: "This form has lost which incident it was for; close it and press Post update again." } };
  if (!(INCIDENT_STATUSES as readonly string[]).includes(status ?? ""))
    return { ok: false, errors: { [F.status.block]: `Choose one of ${INCIDENT_STATUSES.join(", ")}.` } };
  if (!message) return { ok: false, errors: { [F.message.block]: "Write the update: every requester and status channel will read it." } };
  if (message.length > UPDATE_MAX) return { ok: false, errors: { [F.message.block]: `This is ${message.length} characters; keep it to ${UPDATE_MAX}.` } };
  return { ok: true, command: { kind: "incident", action: { kind: "update", id: meta.incident!, message, status: status as IncidentStatus } } };
}
