// Every id Slack sends back to us: slash command, shortcut and modal callback ids, action ids, events.
// The manifest test compares these with manifests/slack/manifest.yaml.

export const SLASH_COMMAND = "/ticket";

/** Message shortcut "Create ticket". */
export const CREATE_TICKET_SHORTCUT = "create_ticket";

/** Modals, by callback_id. */
export const TICKET_FORM_VIEW = "ticket_form";
/** A card verb that needs a typed text (resolve's note, reopen's reason). */
export const VERB_INPUT_VIEW = "verb_input";
export const VERB_INPUT_BLOCK = "verb_input";
export const VERB_INPUT_ACTION = "text";
/** The knowledge base's article form (`/ticket kb new`); its block ids are the article's field names. */
export const KB_ARTICLE_VIEW = "kb_article";
/** "Save as article" on the Resolve modal: a checkbox and the article's editable title and body. */
export const SAVE_ARTICLE = { block: "kb_save", action: "kb_save", value: "save", title: "kb_title", body: "kb_body" } as const;

/** Card and App Home buttons: `ticket.<verb>.<ticket>`, so any verb a capability registers works. */
export const TICKET_ACTION_PREFIX = "ticket";
export const TICKET_ACTION = /^ticket\.([a-z0-9_-]+)\.(\d+)$/;
export const ticketActionId = (verb: string, ticket: number) => `${TICKET_ACTION_PREFIX}.${verb}.${ticket}`;

/** Satisfaction rating on the resolution message: `rate.<ticket>.<1-5>`. */
export const RATE_ACTION = /^rate\.(\d+)\.([1-5])$/;
export const rateActionId = (ticket: number, score: number) => `rate.${ticket}.${score}`;

/** App Home tab switch: `home.<tab>`. */
export const HOME_TABS = ["mine", "assigned", "queue"] as const;
export type HomeTab = (typeof HOME_TABS)[number];
export const HOME_TAB_ACTION = /^home\.(mine|assigned|queue)$/;
export const homeTabActionId = (tab: HomeTab) => `home.${tab}`;

/** The reaction that turns a message into a ticket. */
export const TICKET_REACTION = "ticket";

/** Bot events the app subscribes to. */
export const BOT_EVENTS = ["app_mention", "message.im", "message.channels", "message.groups", "reaction_added", "app_home_opened"] as const;

/** Outbox message kinds this adapter plans and delivers. */
export const OUTBOX = {
  card: "card",
  thread: "thread note",
  requester: "requester",
  home: "home",
  notice: "notice",
  incident: "incident",
  approval: "approval card",
} as const;

/**
 * Message metadata event type on every message the outbox posts; its payload carries the row's key, so a
 * message in flight at a crash can be found in the channel's history instead of being posted twice.
 */
export const OUTBOX_EVENT_TYPE = "deskhand_outbox";

/** "Post update" on an incident's status message: `incident.update.<incident>`; its modal and fields. */
export const INCIDENT_UPDATE_ACTION = /^incident\.update\.(\d+)$/;
export const incidentUpdateActionId = (incident: number) => `incident.update.${incident}`;
export const INCIDENT_UPDATE_VIEW = "incident_update";
export const INCIDENT_UPDATE_FIELDS = {
  status: { block: "incident_status", action: "status" },
  message: { block: "incident_message", action: "message" },
} as const;

/** ticket_links roles. */
export const LINK = { card: "card", requester: "requester" } as const;
export const PLATFORM = "slack";
