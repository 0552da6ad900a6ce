// Every id the Teams adapter puts on a card, a dialog or the manifest, named once.

/** Card verbs are the core's (src/core/views.ts VERBS plus registered ones); these are the Teams-only ones. */
export const RATE_VERB = "rate";

/** Action.Execute / Action.Submit data keys. Every action carries the ticket id under TICKET_KEY. */
export const TICKET_KEY = "ticketId";
export const VERB_KEY = "verb";
export const RATING_KEY = "rating";
/** The id of an action's input on a card: `input_<verb>`; Teams merges inputs into the action's data. */
export const inputId = (verb: string) => `input_${verb}`;

/** What a task/fetch (dialog) asks for, in the launching Action.Submit's data under DIALOG_KEY. */
export const DIALOG_KEY = "dialog";
export const NEW_TICKET_DIALOG = "newTicket";
/** The knowledge base's article dialog (`kb new` with no text). */
export const KB_ARTICLE_DIALOG = "kbArticle";
/** "Save as article" inputs on the ticket card's Resolve: a toggle and the article's editable title and body. */
export const SAVE_ARTICLE = { toggle: "kb_save", title: "kb_title", body: "kb_body" } as const;

/** "Post update" on an incident's status card: its verb, the incident id's key, and the form's inputs. */
export const INCIDENT_UPDATE_VERB = "incident_update";
export const INCIDENT_KEY = "incidentId";
export const INCIDENT_UPDATE_INPUTS = { status: "incident_status", message: "incident_message" } as const;

/** Message extension command (manifest composeExtensions[].commands[].id). */
export const CREATE_FROM_MESSAGE = "createTicket";
/** Hidden values a dialog carries back in its submit data. */
export const SOURCE_LINK_KEY = "sourceLink";

/** Bot commands listed in the manifest (Teams shows them as suggestions). */
export const BOT_COMMANDS = [
  { title: "new", description: "Open a ticket with the full form" },
  { title: "list", description: "Your open tickets (agents: list queue|open|all)" },
  { title: "show", description: "show N: one ticket" },
  { title: "claim", description: "claim N: take a ticket (agents)" },
  { title: "resolve", description: "resolve N <resolution> (agents)" },
  { title: "help", description: "Every command" },
] as const;
