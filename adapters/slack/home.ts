// App Home: my requests, my assigned tickets and the team queue, with counts and each row's buttons.
import { atLeast, type Desk, listTickets, personByPlatformId, STATUS_LABEL, type Ticket, ticketView } from "../../src/core/index.js";
import type { SlackApi } from "./api.js";
import { PLATFORM, type HomeTab } from "./ids.js";
import { esc, homeView, type HomeRow } from "./render.js";
import { SlackNames } from "./names.js";
import { SlackPeople } from "./people.js";

/** What a requester may do from their home; agents get every action of the card. */
const REQUESTER_VERBS = new Set(["close", "reopen"]);

export class HomeService {
  /** Users who opened the App Home: their view is refreshed when their tickets change. */
  readonly viewers = new Set<string>();
  private readonly tabs = new Map<string, HomeTab>();

  /** Names people the desk knows only by id (an assignee never looked up), before a row shows them. */
  private readonly names: SlackNames;

  constructor(
    private readonly desk: Desk,
    private readonly api: SlackApi,
    names?: SlackNames,
  ) {
    this.names = names ?? new SlackNames(desk.db, new SlackPeople(api), () => desk.clock.now());
  }

  opened(userId: string, tab?: HomeTab): void {
    this.viewers.add(userId);
    if (tab) this.tabs.set(userId, tab);
  }

  async view(userId: string): Promise<Record<string, unknown>> {
    const db = this.desk.db;
    const row = await personByPlatformId(db, PLATFORM, userId);
    // The full lookup: a user group may make them an agent before they ever ran a command.
    const agent = atLeast(await this.desk.roles.resolve(db, { platform: PLATFORM, userId, email: row?.email ?? null }), "agent");
    const tab = this.tabs.get(userId) ?? (agent ? "queue" : "mine");
    let tickets: Ticket[] = [];
    if (row && tab === "mine")
      tickets = await listTickets(db, { requesterId: row.id, openOnly: true, limit: 200, orderFirst: this.desk.capabilities.listOrder });
    if (row && tab === "assigned")
      tickets = await listTickets(db, { assigneeId: row.id, openOnly: true, limit: 200, orderFirst: this.desk.capabilities.listOrder });
    if (agent && tab === "queue") tickets = await listTickets(db, { openOnly: true, limit: 200, orderFirst: this.desk.capabilities.listOrder });
    const counts = { status: tally(tickets, (t) => STATUS_LABEL[t.status]), priority: tally(tickets, (t) => t.priority) };
    const rows: HomeRow[] = [];
    for (const t of tickets.slice(0, 40)) {
      const found = await this.desk.snapshot(t.number);
      if (!found) continue;
      const s = await this.names.snapshot(found);
      const v = ticketView(s);
      rows.push({
        text: `*#${t.number}* ${esc(t.title)}\n${t.priority} · ${STATUS_LABEL[t.status]} · ${esc(s.assignee?.name ?? "unassigned")} · from ${esc(s.requester.name)}`,
        actions: agent ? v.actions : v.actions.filter((a) => REQUESTER_VERBS.has(a.verb)),
      });
    }
    if (!agent && tab !== "mine") rows.length = 0;
    return homeView(tab, counts, rows, tickets.length);
  }

  async publish(userId: string): Promise<void> {
    await this.api.call("views.publish", { user_id: userId, view: await this.view(userId) });
  }
}

function tally(ts: Ticket[], key: (t: Ticket) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of ts) out[key(t)] = (out[key(t)] ?? 0) + 1;
  return out;
}
