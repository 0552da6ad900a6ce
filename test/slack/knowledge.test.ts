// The knowledge base through Slack: the article modal (`/ticket kb new`), "Save as article" on the Resolve
// modal, and deflection at intake from the modal and quick create, answered with the offer's buttons.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AGENTS, REQUESTER, TRIAGE, blockAction, startHarness, viewSubmission, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  expect(h.fake.violations).toEqual([]);
  await h.close();
});

const articles = () => h.db.selectFrom("articles").selectAll().orderBy("id").execute();
const opened = () => h.fake.of("views.open");
const input = (value: string) => ({ type: "plain_text_input", value });
const select = (value: string | null) => ({ type: "static_select", selected_option: value === null ? null : { value } });
const errorsOf = (r: { body: string }) => (JSON.parse(r.body) as { errors: Record<string, string> }).errors;

async function vpnArticle() {
  const r = await h.as("ana", "kb new VPN drops every few minutes -- Update the VPN client to 5.2 and turn off wifi power saving.");
  expect(r.ok).toBe(true);
}

describe("kb new as a form", () => {
  it("opens the article modal for an agent; mistakes come back inline; a good submission saves the article once", async () => {
    await h.command("kb new", AGENTS.ana);
    await h.settle();
    const [open] = opened();
    expect(open!.view).toMatchObject({ type: "modal", callback_id: "kb_article" });
    expect((open!.view!.blocks as { block_id: string }[]).map((b) => b.block_id)).toEqual(["title", "body", "tags", "category"]);

    const bad = await h.interact(
      viewSubmission(AGENTS.ana, open!.view!, {
        title: { title: input(" ") },
        body: { body: input("Restart the agent.") },
        tags: { tags: input("vpn, not a tag!") },
        category: { category: select(null) },
      }),
    );
    expect(bad.status).toBe(200);
    expect(JSON.parse(bad.body)).toEqual({
      response_action: "errors",
      errors: { title: "The article needs a title.", tags: '"tag!" is not a tag: use letters, digits, - and _, separated by commas.' },
    });
    const forged = await h.interact(
      viewSubmission(AGENTS.ana, open!.view!, { title: { title: input("VPN") }, body: { body: input("x") }, category: { category: select("Plumbing") } }),
    );
    expect(errorsOf(forged)).toEqual({ category: 'There is no category "Plumbing".' });
    expect(await articles()).toEqual([]);

    const good = viewSubmission(
      AGENTS.ana,
      open!.view!,
      {
        title: { title: input("VPN drops every few minutes") },
        body: { body: input("1. Update the client to 5.2\n2. Turn off **wifi power saving**") },
        tags: { tags: input("VPN, #network") },
        category: { category: select("Network") },
      },
      "VKB1",
    );
    expect((await h.interact(good)).body).toBe("");
    await h.interact(good);
    await h.settle();
    const saved = await articles();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({
      title: "VPN drops every few minutes",
      body: "1. Update the client to 5.2\n2. Turn off **wifi power saving**",
      category: "Network",
    });
    expect(JSON.parse(saved[0]!.tags)).toEqual(["vpn", "network"]);
    expect(h.fake.of("chat.postMessage").some((c) => c.args.channel === AGENTS.ana && String(c.args.text) === "Saved KB-1 VPN drops every few minutes.")).toBe(
      true,
    );
  });

  it("a requester is told only agents write articles, and no modal opens", async () => {
    await h.command("kb new", REQUESTER);
    await h.settle();
    expect(opened()).toEqual([]);
    expect(h.fake.of("response_url").map((c) => c.args.text)).toEqual(["Only agents can write articles; search them with /ticket kb &lt;words&gt;."]);
  });
});

describe("Save as article on the Resolve modal", () => {
  async function resolveModal() {
    await h.command("printer on 3rd floor jams -- paper stuck in tray 2 every morning");
    await h.settle();
    const [channel, ts] = (await h.db.selectFrom("ticket_links").select("ref").where("role", "=", "card").executeTakeFirstOrThrow()).ref.split(":");
    await h.interact(
      blockAction(
        AGENTS.ana,
        { type: "button", action_id: "ticket.resolve.1", value: JSON.stringify({ ticket: 1, verb: "resolve" }), text: { type: "plain_text", text: "Resolve" } },
        { channel: channel!, ts: ts! },
      ),
    );
    await h.settle();
    const [open] = opened();
    return open!.view!;
  }
  const ticked = { type: "checkboxes", selected_options: [{ value: "save", text: { type: "plain_text", text: "Save as article" } }] };

  it("offers the article prefilled from the ticket; ticked, the resolution completes it and it is saved from the ticket", async () => {
    const view = await resolveModal();
    const blocks = view.blocks as { block_id?: string; element?: { initial_value?: string } }[];
    expect(blocks.filter((b) => b.block_id).map((b) => b.block_id)).toEqual(["verb_input", "kb_save", "kb_title", "kb_body"]);
    expect(blocks.find((b) => b.block_id === "kb_title")!.element!.initial_value).toBe("printer on 3rd floor jams");
    const body = blocks.find((b) => b.block_id === "kb_body")!.element!.initial_value!;
    expect(body).toBe("paper stuck in tray 2 every morning\n\n**Resolution:** ");

    const r = await h.interact(
      viewSubmission(AGENTS.ana, view, {
        verb_input: { text: input("Replaced the worn pickup roller in tray 2") },
        kb_save: { kb_save: ticked },
        kb_title: { kb_title: input("Printer jams every morning (tray 2)") },
        kb_body: { kb_body: input(body) },
      }),
    );
    expect(r.body).toBe("");
    await h.settle();
    expect((await h.db.selectFrom("tickets").selectAll().executeTakeFirstOrThrow()).status).toBe("resolved");
    const [a] = await articles();
    expect(a).toMatchObject({
      title: "Printer jams every morning (tray 2)",
      body: "paper stuck in tray 2 every morning\n\n**Resolution:** Replaced the worn pickup roller in tray 2",
      source_ticket_id: 1,
    });
    expect(
      h.fake
        .of("chat.postEphemeral")
        .some(
          (c) =>
            c.args.channel === TRIAGE &&
            c.args.user === AGENTS.ana &&
            String(c.args.text).split("\n").at(-1) === "Saved KB-1 Printer jams every morning (tray 2) from #1.",
        ),
    ).toBe(true);
  });

  it("ticked with the title emptied: an inline error and nothing resolved; not ticked: resolved with no article", async () => {
    const view = await resolveModal();
    const bad = await h.interact(
      viewSubmission(AGENTS.ana, view, {
        verb_input: { text: input("Replaced the roller") },
        kb_save: { kb_save: ticked },
        kb_title: { kb_title: input("") },
        kb_body: { kb_body: input("Body") },
      }),
    );
    expect(errorsOf(bad)).toEqual({ kb_title: "The article needs a title." });
    expect((await h.db.selectFrom("tickets").selectAll().executeTakeFirstOrThrow()).status).not.toBe("resolved");
    const ok = await h.interact(
      viewSubmission(AGENTS.ana, view, {
        verb_input: { text: input("Replaced the roller") },
        kb_save: { kb_save: { type: "checkboxes", selected_options: [] } },
        kb_title: { kb_title: input("x") },
        kb_body: { kb_body: input("y") },
      }),
    );
    expect(ok.body).toBe("");
    await h.settle();
    expect((await h.db.selectFrom("tickets").selectAll().executeTakeFirstOrThrow()).status).toBe("resolved");
    expect(await articles()).toEqual([]);
  });
});

describe("deflection at intake", () => {
  /** The requester's message offering the article, with its buttons. */
  function offer(ticket: number) {
    const post = h.fake
      .of("chat.postMessage")
      .find(
        (c) =>
          String(c.args.text).includes("This may help: KB-1 VPN drops every few minutes") && JSON.stringify(c.blocks).includes(`ticket.kb_solved.${ticket}`),
      );
    expect(post).toBeDefined();
    const buttons = post!
      .blocks!.filter((b) => b.type === "actions")
      .flatMap((b) => b.elements as Record<string, unknown>[])
      .map((e) => ({ action_id: e.action_id, value: e.value, label: (e.text as { text: string }).text }));
    return { post: post!, buttons };
  }
  const click = (p: ReturnType<typeof offer>, label: string) => {
    const b = p.buttons.find((x) => x.label === label)!;
    return h.interact(
      blockAction(
        REQUESTER,
        { type: "button", action_id: b.action_id, value: b.value, text: { type: "plain_text", text: label } },
        { channel: String(p.post.args.channel), ts: "1700000000.999999" },
      ),
    );
  };

  it("from the modal: offered with Solved it / Still need help; Solved it closes it as self-served; agents see it on the card", async () => {
    await vpnArticle();
    await h.command("");
    await h.settle();
    const [open] = opened();
    await h.interact(
      viewSubmission(REQUESTER, open!.view!, {
        title: { title: input("My VPN drops every few minutes") },
        description: { description: input("at home since Monday") },
      }),
    );
    await h.settle();
    const o = offer(1);
    expect(o.buttons.map((b) => b.label)).toEqual(["Solved it", "Still need help"]);
    await click(o, "Solved it");
    await h.settle();
    expect(await h.db.selectFrom("tickets").selectAll().executeTakeFirstOrThrow()).toMatchObject({
      status: "closed",
      resolution: "Self-served with KB-1 VPN drops every few minutes",
    });
    const card = h.fake
      .of("chat.update")
      .filter((c) => c.args.channel === TRIAGE)
      .at(-1)!;
    expect(JSON.stringify(card.blocks)).toContain("KB-1 VPN drops every few minutes (solved it)");
  });

  it("from quick create: Still need help keeps the ticket open; both answers are counted", async () => {
    await vpnArticle();
    await h.command("vpn drops every few minutes");
    await h.settle();
    // The requester hears both: the ticket is open, and the article that may help.
    const toRequester = h.fake.of("chat.postMessage").filter((c) => c.args.channel === REQUESTER || c.args.channel === `D${REQUESTER.slice(1)}`);
    expect(toRequester.map((c) => String(c.args.text).slice(0, 30)).sort()).toEqual(["Thanks, I opened #1: vpn drops", "This may help: KB-1 VPN drops "]);
    await click(offer(1), "Still need help");
    await h.command("the vpn drops every few minutes again");
    await h.settle();
    await click(offer(2), "Solved it");
    await h.settle();
    const tickets = await h.db.selectFrom("tickets").select(["id", "status"]).orderBy("id").execute();
    expect(tickets.map((t) => t.status)).toEqual(["new", "closed"]);
    expect(await h.db.selectFrom("article_offers").select(["ticket_id", "outcome"]).orderBy("ticket_id").execute()).toEqual([
      { ticket_id: 1, outcome: "not_solved" },
      { ticket_id: 2, outcome: "solved" },
    ]);
    const shown = await h.as("ana", "kb show 1");
    expect(shown.text).toContain("offered 2 · solved 1 · not solved 1");
    const card1 = h.fake
      .of("chat.update")
      .filter((c) => JSON.stringify(c.blocks).includes("#1 vpn drops"))
      .at(-1)!;
    expect(JSON.stringify(card1.blocks)).toContain("KB-1 VPN drops every few minutes (still needs help)");
  });
});
