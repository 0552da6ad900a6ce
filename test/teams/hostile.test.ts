// What a person types is shown on Teams, never obeyed: the shared hostile corpus goes through every outbound
// Teams renderer (ticket, requester, approval, incident, list, file, error and dialog cards, thread text),
// end to end through the real adapter where a person's text travels, and each outbound field is checked.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ticketView } from "../../src/core/views.js";
import { approvalCardView } from "../../src/capabilities/approvals/view.js";
import {
  articleFormCard,
  errorCard,
  filesCard,
  formCard,
  incidentCard,
  listCard,
  outcomeCard,
  requesterCard,
  shown,
  ticketCard,
} from "../../adapters/teams/render.js";
import { ticketForm } from "../../src/core/form.js";
import { CONTROL, HOSTILE } from "../helpers/hostile.js";
import { channelMention, install, personalMessage } from "./flows.js";
import { cardsIn, expectValidCard, harness, type Harness } from "./harness.js";

const OUR_TIME = /\{\{DATE\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, SHORT\)\}\} \{\{TIME\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\}\}/g;

/** Every field of a card Teams reads as Markdown (TextBlock text, FactSet titles and values). */
function markdownFields(card: unknown): string[] {
  const out: string[] = [];
  const walk = (x: any) => {
    if (!x || typeof x !== "object") return;
    if (x.type === "TextBlock") out.push(x.text);
    if (x.type === "FactSet") for (const f of x.facts) out.push(f.title, f.value);
    for (const k of Object.keys(x)) walk(x[k]);
  };
  walk(card);
  return out;
}

/** What a reader sees of a field: backslash escapes and the zero-width splits taken out. */
const visible = (field: string) => field.replace(/\\(.)/g, "$1").replace(/\u200b/g, "");

/** Fails unless no field of `card` can act: no live link or image, no text function but ours, no binding, no control character. */
function expectInert(card: unknown, where: string): void {
  expectValidCard(card);
  for (const field of markdownFields(card)) {
    const live = field.replace(/\\./g, "");
    expect(live, `${where}: a live Markdown link or image in ${JSON.stringify(field)}`).not.toMatch(/\]\(/);
    expect(live, `${where}: live emphasis in ${JSON.stringify(field)}`).not.toMatch(/[*_~`]/);
    expect(field.replace(OUR_TIME, ""), `${where}: a text function in ${JSON.stringify(field)}`).not.toContain("{{");
    expect(field, `${where}: a data binding in ${JSON.stringify(field)}`).not.toContain("${");
    expect(field, `${where}: a control character in ${JSON.stringify(field)}`).not.toMatch(CONTROL);
  }
}

/** The typed text (its control characters aside) appears, as typed, in some field of the card. */
function expectShown(card: unknown, typed: string, where: string): void {
  const wanted = typed.replace(new RegExp(CONTROL.source, "g"), "").split("\n")[0]!.trim();
  const fields = markdownFields(card).map(visible);
  expect(
    fields.some((f) => f.includes(wanted)),
    `${where}: ${JSON.stringify(wanted)} not shown in ${JSON.stringify(fields)}`,
  ).toBe(true);
}

describe("shown()", () => {
  it("disarms a Markdown link, a text function and a binding, and reads back as typed", () => {
    expect(shown("[x](https://evil)")).toBe("\\[x\\](https://evil)");
    expect(shown("{{DATE(2017-02-14T06:08:39Z, SHORT)}}")).toBe("{\u200b{DATE(2017-02-14T06:08:39Z, SHORT)}}");
    expect(shown("- one\n2. two\n${x}")).toBe("\\- one\n2\\. two\n$\u200b{x}");
    for (const h of HOSTILE) expect(visible(shown(h.text)), h.name).toBe(h.text.replace(new RegExp(CONTROL.source, "g"), ""));
  });
});

describe("hostile text through every Teams renderer", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("a requester's hostile ticket text, an agent's hostile comment and resolution: every card and message sent is inert and shows the text", async () => {
    await install(h);
    for (const [i, hostile] of HOSTILE.entries()) {
      const typed = `printer ${hostile.text}`;
      const answer = await personalMessage(h, typed);
      expect(answer.status, hostile.name).toBe(200);
      const n = i + 1;
      expect((await channelMention(h, `comment ${n} ${hostile.text}`)).status).toBe(200);
      expect((await channelMention(h, `resolve ${n} ${hostile.text}`)).status).toBe(200);
    }
    await h.flush();
    const sent = h.connector.sent();
    expect(sent.length).toBeGreaterThan(HOSTILE.length * 3);
    for (const call of sent) {
      const where = `${call.method} ${call.path}`;
      for (const card of cardsIn(call.body)) expectInert(card, where);
      // Text outside cards goes as plain text, which Teams does not read as Markdown.
      if (typeof call.body?.text === "string" && call.body.text) expect(call.body.textFormat, where).toBe("plain");
      if (typeof call.body?.summary === "string") expect(call.body.summary, where).not.toMatch(CONTROL);
    }
    // Each hostile title is shown as typed on the agents' channel card of its ticket.
    for (const [i, hostile] of HOSTILE.entries()) {
      const snap = await h.t.desk.snapshot(i + 1);
      const card = ticketCard(ticketView(snap!));
      expectShown(card, snap!.ticket.title, hostile.name);
      expectInert(card, hostile.name);
      // The requester's resolution card and the approval card draw the same ticket.
      expectInert(requesterCard(ticketView(snap!), `#${i + 1} is resolved: ${hostile.text}`, { resolved: true }), `${hostile.name} requester`);
      expectShown(requesterCard(ticketView(snap!), hostile.text, { resolved: false }), hostile.text, `${hostile.name} requester`);
      expectInert(ticketCard(approvalCardView(snap!)), `${hostile.name} approval`);
    }
  });

  it("incident status, list, file, error, answer and dialog cards", async () => {
    await install(h);
    await personalMessage(h, "printer jams");
    const snap = (await h.t.desk.snapshot(1))!;
    for (const hostile of HOSTILE) {
      const t = hostile.text;
      const incident = incidentCard(
        {
          incident: {
            id: 7,
            title: t,
            severity: "SEV2",
            status: "investigating",
            service: t,
            originTicketId: null,
            createdAt: 0,
            updatedAt: 0,
            resolvedAt: null,
          },
          latest: { status: "investigating", body: t, author: t, at: 0 } as never,
          ticketCount: 2,
        },
        { text: t, tone: "info" },
      );
      const cards = {
        incident,
        list: listCard(t, [t, `#1 ${t}`]),
        files: filesCard(t, [{ title: t, mime: "text/csv", note: t }]),
        error: errorCard(t),
        answer: outcomeCard({ ok: true, kind: "capability", text: t } as never),
        form: formCard(ticketForm(h.t.desk.settings), { values: { title: t, description: t }, errors: { title: t } }),
        article: articleFormCard([{ name: "title", label: "Title", kind: "text", required: true }] as never, { values: { title: t }, errors: { title: t } }),
        notice: ticketCard(ticketView({ ...snap, ticket: { ...snap.ticket, title: t, description: t } }), { text: t, tone: "error" }),
      };
      for (const [name, card] of Object.entries(cards)) {
        expectInert(card, `${hostile.name} ${name}`);
        expectShown(card, t, `${hostile.name} ${name}`);
      }
    }
  });
});
