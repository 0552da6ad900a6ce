// Persist, then acknowledge, on every receiver (HTTP and Socket Mode alike). Bolt answers Slack the moment a
// listener calls ack(), and acknowledges Events API events itself before any listener runs; either way the 2xx
// could go out before the request's work was committed, and a kill -9 then lost a request Slack will never send
// again. Here the receiver's real ack waits until every listener has finished: a listener calls ack() once its
// work (or the raw request, in the inbox) is committed, and returns without waiting for the slow work that is
// not the person's request (drawing cards, users.info), which it hands to SlackContext.track.
import type { App } from "@slack/bolt";

type ReceiverEvent = Parameters<App["processEvent"]>[0];

export class RequestFailed extends Error {
  constructor() {
    super("a listener failed before acknowledging; Slack is not told the request succeeded");
    this.name = "RequestFailed";
  }
}

/**
 * Makes `app` acknowledge each request only after its listeners are done. A request no listener acknowledges
 * (another app's slash command, an unknown shortcut, view_closed) is acknowledged at once with an empty
 * answer; one whose listener threw before acknowledging is refused (`failed` holds the bodies Bolt's error
 * handler saw), so the receiver answers 500 over HTTP and nothing over Socket Mode, and Slack retries an event.
 */
export function ackAfterListeners(app: App, failed: WeakSet<object>): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    let answer: { body: unknown } | undefined;
    const deferredAck = async (body?: unknown) => {
      // Bolt's own receivers refuse a second ack; so does this one, with the first answer kept.
      if (answer) throw new Error("ack() was called twice for one request");
      answer = { body };
    };
    await processEvent({ ...event, ack: deferredAck as ReceiverEvent["ack"] });
    if (!answer && failed.has(event.body)) throw new RequestFailed();
    await event.ack(answer?.body as never);
  };
}
