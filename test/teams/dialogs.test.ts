import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { install, personalMessage } from "./flows.js";
import { CHANNEL, PERSONAL, TENANT, cardText, harness, newId, recorded, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

const tickets = () => h.t.db.selectFrom("tickets").selectAll().execute();
const inPersonal = (patch: Record<string, unknown>) => ({
  id: newId(),
  conversation: { conversationType: "personal", tenantId: TENANT, id: PERSONAL },
  ...patch,
});

/** A task/fetch or task/submit invoke (recorded envelopes, re-aimed at the personal chat). */
const taskFetch = (h: Harness, data: Record<string, unknown>) =>
  recorded("20191020021852930-request-integrationBot.json", h.connector.url, inPersonal({ value: { data, context: { theme: "default" } } }));
const taskSubmit = (h: Harness, data: Record<string, unknown>) =>
  recorded("20191020021910141-request-integrationBot.json", h.connector.url, inPersonal({ value: { data, context: { theme: "default" } } }));

describe("Teams dialogs (task modules)", () => {
  it("`new` answers with a button that opens the form dialog; the form holds every field of the core form", async () => {
    await personalMessage(h, "new");
    const reply = h.connector.sent().at(-1)!.body.attachments[0].content;
    const button = reply.actions[0];
    expect(button.data.msteams).toEqual({ type: "task/fetch" });

    const res = await h.post(taskFetch(h, button.data));
    expect(res.status).toBe(200);
    expect(res.body.task.type).toBe("continue");
    const form = res.body.task.value.card.content;
    const ids = form.body.filter((e: any) => e.id).map((e: any) => e.id);
    expect(ids).toEqual(["title", "description", "type", "impact", "urgency", "service", "category"]);
    expect(await tickets()).toEqual([]);
  });

  it("a submitted form opens the ticket with every field", async () => {
    const res = await h.post(
      taskSubmit(h, {
        title: "VPN drops",
        description: "every 10 minutes",
        type: "incident",
        impact: "high",
        urgency: "high",
        service: "VPN",
        category: "Network",
      }),
    );
    expect(res.body.task).toEqual({ type: "message", value: "Opened #1: VPN drops" });
    const [t] = await tickets();
    expect(t).toMatchObject({
      title: "VPN drops",
      description: "every 10 minutes",
      impact: "high",
      urgency: "high",
      priority: "P1",
      service: "VPN",
      category: "Network",
    });
    expect(cardText(h.connector.sent().at(-1)!.body.attachments[0].content)).toContain("Opened #1");
  });

  it("missing or oversized fields come back in the dialog with their errors and the typed values; nothing is opened", async () => {
    const res = await h.post(taskSubmit(h, { title: "", description: "x".repeat(3001), impact: "huge" }));
    expect(res.body.task.type).toBe("continue");
    const form = res.body.task.value.card.content;
    const text = cardText(form);
    expect(text).toContain("Give the ticket a title.");
    expect(text).toContain("The description is 3001 characters; keep it to 3000.");
    expect(text).toContain("Impact must be high, medium or low.");
    expect(form.body.find((e: any) => e.id === "description").value).toHaveLength(3001);
    expect(await tickets()).toEqual([]);
  });

  it("an unknown dialog is answered, not opened", async () => {
    const res = await h.post(taskFetch(h, { dialog: "somethingElse" }));
    expect(res.body.task).toEqual({ type: "message", value: "I don't know that dialog." });
  });
});

describe("Teams message action: Create ticket", () => {
  const messagePayload = {
    id: "1571691269919",
    body: { contentType: "html", content: "<div><p>Outlook keeps asking for my password</p><p>since the update&nbsp;this morning</p></div>" },
    linkToMessage: "https://teams.microsoft.com/l/message/19:abc@thread.skype/1571691269919",
    from: { user: { displayName: "Tien Suwandy" } },
  };
  const fetchTask = (h: Harness, commandId = "createTicket") =>
    recorded("20191030203551783-request-integrationBot.json", h.connector.url, {
      id: newId(),
      value: { commandId, commandContext: "message", context: { theme: "default" }, messagePayload },
    });
  const submitAction = (h: Harness, data: Record<string, unknown>) =>
    recorded("20191030203553176-request-integrationBot.json", h.connector.url, {
      id: newId(),
      value: { commandId: "createTicket", commandContext: "message", context: { theme: "default" }, messagePayload, data },
    });

  it("fetchTask prefills the form with the message's text and keeps its link; submitAction opens the ticket with that link", async () => {
    await install(h);
    const res = await h.post(fetchTask(h));
    expect(res.status).toBe(200);
    const form = res.body.task.value.card.content;
    expect(form.body.find((e: any) => e.id === "title").value).toBe("Outlook keeps asking for my password");
    expect(form.body.find((e: any) => e.id === "description").value).toBe("Outlook keeps asking for my password\nsince the update this morning");
    const submitData = form.actions[0].data;
    expect(submitData.sourceLink).toBe(messagePayload.linkToMessage);

    const done = await h.post(
      submitAction(h, { ...submitData, title: "Outlook keeps asking for my password", description: "since the update", category: "Software" }),
    );
    expect(done.body.task).toEqual({ type: "message", value: "Opened #1: Outlook keeps asking for my password" });
    const [t] = await tickets();
    expect(t).toMatchObject({ source_kind: "teams-message", source_link: messagePayload.linkToMessage, category: "Software" });
    await h.flush();
    const card = h.connector
      .sent()
      .filter((c) => c.conversationId === CHANNEL)
      .at(-1)!.body.attachments[0].content;
    expect(card.actions.find((a: any) => a.type === "Action.OpenUrl").url).toBe(messagePayload.linkToMessage);
    expect(h.checkSentCards()).toBeGreaterThan(0);
  });

  it("on someone else's message, its author becomes the requester and the person acting is recorded as raising it", async () => {
    await install(h);
    const author = { id: "6b2d9d8e-0f1a-4c3b-9d1e-5a7b8c9d0e1f", displayName: "Tien Suwandy", userIdentityType: "aadUser" };
    const payload = { ...messagePayload, from: { user: author } };
    const submit = recorded("20191030203553176-request-integrationBot.json", h.connector.url, {
      id: newId(),
      value: {
        commandId: "createTicket",
        commandContext: "message",
        context: { theme: "default" },
        messagePayload: payload,
        data: { title: "Outlook keeps asking for my password" },
      },
    });
    const done = await h.post(submit);
    expect(done.body.task).toEqual({ type: "message", value: "Opened #1: Outlook keeps asking for my password" });
    const [t] = await tickets();
    const requester = await h.t.db.selectFrom("people").selectAll().where("id", "=", t!.requester_id).executeTakeFirstOrThrow();
    expect(requester).toMatchObject({ platform: "teams", user_id: author.id, display_name: "Tien Suwandy" });
    const created = await h.t.db
      .selectFrom("audit_events")
      .innerJoin("people", "people.id", "audit_events.actor_id")
      .select(["people.user_id", "audit_events.reason"])
      .where("action", "=", "create")
      .executeTakeFirstOrThrow();
    expect(created.user_id).not.toBe(author.id);
    expect(created.reason).toMatch(/raised by .+ on behalf of Tien Suwandy/);
  });

  it("a submitAction with errors shows them in the dialog again", async () => {
    const res = await h.post(submitAction(h, { title: "t".repeat(151), category: "Plumbing" }));
    expect(res.body.task.type).toBe("continue");
    const text = cardText(res.body.task.value.card.content);
    expect(text).toContain("The title is 151 characters; keep it to 150.");
    expect(text).toMatch(/Category must be one of/);
    expect(await tickets()).toEqual([]);
  });

  it("an unknown command id is answered", async () => {
    const res = await h.post(fetchTask(h, "somethingElse"));
    expect(res.body.task).toEqual({ type: "message", value: 'I don\'t know the command "somethingElse".' });
  });
});
