// Steps shared by the Teams tests: install, a requester's message, the outbox drained.
import { AGENT, CHANNEL, TENANT, newId, recorded, type Harness } from "./harness.js";

/** The app installed in the team's channel (a real conversationUpdate, re-aimed at the fake connector); `by` who installed it. */
export function install(h: Harness, by?: { id: string; name: string; aadObjectId: string }) {
  return h.post(
    recorded("20191019235900304-request-integrationBot.json", h.connector.url, {
      id: newId(),
      ...(by ? { from: by } : {}),
      membersAdded: [{ id: "28:cd59cf47-aca1-41e0-8441-387faee8331e" }],
      conversation: { isGroup: true, conversationType: "channel", tenantId: TENANT, id: CHANNEL },
      channelData: { team: { id: CHANNEL }, eventType: "teamMemberAdded", tenant: { id: TENANT } },
    }),
  );
}

/** The requester of the recordings writes to the bot in their personal chat. */
export function personalMessage(h: Harness, text: string, id = newId()) {
  return h.post(recorded("20191021205338231-request-integrationBot.json", h.connector.url, { id, text }));
}

/** An agent @mentions the bot in the team's channel (the recorded mention, aimed at this bot). */
export function channelMention(h: Harness, text: string, from = AGENT) {
  const a = recorded("20191021205430160-request-integrationBot.json", h.connector.url, { id: newId(), text: `<at>Integration Bot</at> ${text}`, from });
  a.entities[0].mentioned.id = "28:cd59cf47-aca1-41e0-8441-387faee8331e";
  return h.post(a);
}

/** Installed, one ticket opened from personal chat, its card in the agents' channel. */
export async function ticketWithCard(h: Harness, text = "printer on 3rd floor jams"): Promise<void> {
  await install(h);
  await personalMessage(h, text);
  await h.flush();
}
