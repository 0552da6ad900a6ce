// A desk with a triage section, and a notifier that records what the desk asked to be told.
import { readFileSync } from "node:fs";
import type { Capability } from "../../../src/core/capability.js";
import { DeskError } from "../../../src/core/errors.js";
import type { Notifier, TicketChange } from "../../../src/core/notify.js";
import { parseSettings } from "../../../src/settings.js";
import { EXAMPLE_SETTINGS, makeDesk, ok, type TestDesk } from "../../helpers/desk.js";
import { type TicketView, ticketView } from "../../../src/core/views.js";

export function settingsWith(triageYaml: string) {
  const base = readFileSync(EXAMPLE_SETTINGS, "utf8").replace(/\ntriage:[\s\S]*?(?=\n\S|$)/, "");
  return parseSettings(`${base}\ntriage:\n${triageYaml}`, "test.yaml");
}

export class Recorder implements Notifier {
  readonly changes: TicketChange[] = [];
  plan(change: TicketChange) {
    this.changes.push(change);
    return [];
  }
  kinds(ticket?: number): string[] {
    return this.changes.filter((c) => ticket === undefined || c.snapshot.ticket.number === ticket).map((c) => c.kind);
  }
}

export async function triageDesk(triageYaml = "  mode: suggest\n"): Promise<TestDesk & { told: Recorder }> {
  const told = new Recorder();
  const d = await makeDesk({ settings: settingsWith(triageYaml), notifiers: [told] });
  return { ...d, told };
}

/** The card a platform adapter would draw for ticket n. */
export async function card(d: TestDesk, n: number): Promise<TicketView> {
  const s = await d.desk.snapshot(n);
  if (!s) throw new Error(`no ticket #${n}`);
  return ticketView(s);
}

export function field(v: TicketView, label: string): string | undefined {
  return v.fields.find((f) => f.label === label)?.value;
}

export async function history(d: TestDesk, n: number) {
  return ok(await d.as("operator", `history ${n}`)).history ?? [];
}

/** A capability that refuses the next category change after triage has seen it, rolling the command back. */
export function failingNextCategory(): Capability & { armed: boolean } {
  return {
    name: "fails-once",
    armed: false,
    async afterChange(_ctx, change) {
      if (change.kind === "category" && this.armed) {
        this.armed = false;
        throw new DeskError("INVALID_INPUT", "the category store is full (a test's failure after triage learned)");
      }
    },
  };
}
