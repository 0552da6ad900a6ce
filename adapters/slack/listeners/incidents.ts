// "Post update" on an incident's status message: ack, open the modal (status and message); the submission,
// checked before the ack so mistakes come back inline, runs `incident update` through the core.
import type { App, BlockAction as BoltBlockAction } from "@slack/bolt";
import { incidentName } from "../../../src/capabilities/incidents/model.js";
import { incidentViewById } from "../../../src/capabilities/incidents/view.js";
import type { SlackContext, Where } from "../context.js";
import { INCIDENT_UPDATE_ACTION, INCIDENT_UPDATE_FIELDS, INCIDENT_UPDATE_VIEW } from "../ids.js";
import { incidentUpdateModal, readIncidentUpdate } from "../incidents.js";
import { formErrors } from "../render.js";

export function registerIncidents(app: App, ctx: SlackContext): void {
  app.action(INCIDENT_UPDATE_ACTION, async ({ ack, body, action }) => {
    // Opening the modal commits nothing: ack now, open it while trigger_id is good.
    await ack();
    void ctx.track(async () => {
      const b = body as BoltBlockAction;
      const id = Number(INCIDENT_UPDATE_ACTION.exec((action as { action_id: string }).action_id)![1]);
      const where: Where = { user: b.user.id, ...(b.channel?.id ? { channel: b.channel.id } : {}) };
      const incident = await incidentViewById(ctx.desk.db, id);
      if (!incident) return ctx.tell(where, `There is no ${incidentName(id)}. Nothing was changed.`);
      if (incident.incident.status === "resolved") return ctx.tell(where, `${incidentName(id)} is resolved; declare a new incident if it is back.`);
      const view = incidentUpdateModal(incident, { incident: id, ...(where.channel ? { channel: where.channel } : {}) });
      await ctx.api.call("views.open", { trigger_id: b.trigger_id, view });
    }, true);
  });

  app.view(INCIDENT_UPDATE_VIEW, async ({ ack, body, view }) => {
    const read = readIncidentUpdate(view);
    if (!read.ok) return ack(formErrors(read.errors));
    const { actor, complete } = await ctx.requestActor(body.user.id, body.user.name);
    const outcome = await ctx.desk.handle({ actor, command: read.command, idempotencyKey: `view:${view.id}` });
    if (!outcome.ok) return ack(formErrors({ [INCIDENT_UPDATE_FIELDS.message.block]: outcome.text }));
    await ack();
    if (complete) void ctx.track(complete);
  });
}
