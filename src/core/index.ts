// The one surface adapters import from the core: the desk, its commands, views and types, and the store's
// queries a platform needs (who someone is, where a ticket's messages are, the outbox and inbox rows), so an
// adapter never imports src/store (a dependency-cruiser rule in npm test). Capabilities' view functions and
// src/outbox are imported from their own folders.
export * from "./audience.js";
export * from "./capability.js";
export * from "./clock.js";
export * from "./commands.js";
export * from "./context.js";
export * from "./desk.js";
export * from "./files.js";
export * from "./form.js";
export * from "./grammar.js";
export * from "./notify.js";
export * from "./people.js";
export * from "./permissions.js";
export * from "./role-resolver.js";
export * from "./settings.js";
export * from "./text.js";
export * from "./ticket.js";
export * from "./views.js";

export type { Db } from "../store/connection.js";
export type { OutboxRow, TicketLinkRow } from "../store/database.js";
export { commentsOf } from "../store/comments.js";
export { fileByToken } from "../store/files.js";
export { failedRequest, finishRequest, pruneInbox, storeRequest, unfinishedRequests } from "../store/inbox.js";
export { linkByRef, linksOf, setLink } from "../store/links.js";
export { markSent, recentCalls } from "../store/outbox.js";
export { personById, personByPlatformId, upsertPerson } from "../store/people.js";
export { receiptFor } from "../store/receipts.js";
export { listTickets } from "../store/tickets.js";
