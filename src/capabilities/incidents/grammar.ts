// The incident words of the grammar: `incident ...`, `incidents`, `link N to incident I`, `unlink N`.
import type { Command } from "../../core/commands.js";
import { LIMITS } from "../../core/ticket.js";
import { INCIDENT_STATUSES, SEVERITIES, parseIncidentId, parseIncidentStatus, parseSeverity } from "./model.js";

export const INCIDENT_USAGE = [
  { form: "incident [SEV1..SEV4] <title>", says: "declare an incident (outage)" },
  { form: "incident from N [title]", says: "declare an incident from ticket N" },
  { form: `incident update I [${INCIDENT_STATUSES.join("|")}] <message>`, says: "post a status update everywhere" },
  { form: "incident resolve I <message>", says: "resolve it and its tickets" },
  { form: "incident show I / incidents", says: "one incident / the open ones" },
  { form: "incident subscribe / unsubscribe", says: "this channel gets (or stops getting) status updates" },
  { form: "link N to incident I / unlink N", says: "add ticket N to an incident / take it out" },
];

const usage = (problem: string): Command => ({
  kind: "help",
  topic: "incident",
  unknown: `${problem} Usage:\n${INCIDENT_USAGE.map((u) => `  ${u.form}  ${u.says}`).join("\n")}`,
});

const incident = (action: Extract<Command, { kind: "incident" }>["action"]): Command => ({ kind: "incident", action });

/** `words` are the tokens after the verb; `rest(n)` is the text after the first n tokens, spacing kept. */
export function parseIncidentCommand(verb: string, words: string[], rest: (n: number) => string): Command | undefined {
  if (verb === "incidents") return incident({ kind: "list" });
  if (verb === "link") {
    const ticket = Number(/^#?(\d+)$/.exec(words[0] ?? "")?.[1]);
    const tail = words.slice(1).filter((w) => !/^(to|incident)$/i.test(w));
    const id = parseIncidentId(tail[0]);
    if (!ticket || id === undefined || tail.length !== 1) return usage("Link which ticket to which incident?");
    return incident({ kind: "link", ticket, id });
  }
  if (verb === "unlink") {
    const ticket = Number(/^#?(\d+)$/.exec(words[0] ?? "")?.[1]);
    return ticket && words.length === 1 ? incident({ kind: "unlink", ticket }) : usage("Unlink which ticket?");
  }
  if (verb !== "incident") return undefined;

  const sub = words[0]?.toLowerCase();
  const id = parseIncidentId(words[1]);
  switch (sub) {
    case undefined:
      return usage("What about incidents?");
    case "list":
      return incident({ kind: "list" });
    case "subscribe":
    case "unsubscribe":
      return words.length === 1 ? incident({ kind: sub }) : usage(`"${sub}" takes no words; it acts on the channel where you say it.`);
    case "show":
      return id !== undefined && words.length === 2 ? incident({ kind: "show", id }) : usage("Which incident?");
    case "update": {
      if (id === undefined) return usage("Which incident?");
      const status = parseIncidentStatus(words[2]);
      const message = rest(status ? 3 : 2);
      if (!message) return usage("The update needs a message.");
      if (message.length > LIMITS.comment) return usage(`The update is ${message.length} characters; keep it to ${LIMITS.comment}.`);
      return incident({ kind: "update", id, message, ...(status ? { status } : {}) });
    }
    case "resolve": {
      if (id === undefined) return usage("Which incident?");
      const message = rest(2);
      return message ? incident({ kind: "resolve", id, message }) : usage("Say how it was resolved; every affected requester will read it.");
    }
    case "from": {
      const ticket = Number(/^#?(\d+)$/.exec(words[1] ?? "")?.[1]);
      if (!ticket) return usage("From which ticket?");
      const title = rest(2);
      return incident({ kind: "declare", fromTicket: ticket, title });
    }
  }
  const severity = parseSeverity(words[0]);
  const title = rest(severity ? 1 : 0);
  if (!title) return usage("The incident needs a title.");
  if (title.length > LIMITS.title) return usage(`The title is ${title.length} characters; keep it to ${LIMITS.title}.`);
  if (/^sev/i.test(words[0] ?? "") && !severity) return usage(`Severity must be one of ${SEVERITIES.join(", ")}.`);
  return incident({ kind: "declare", title, ...(severity ? { severity } : {}) });
}
