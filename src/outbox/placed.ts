// A message placed once and then kept current: a ticket's card, an incident's status message, an approver's
// card. The first delivery posts it and stores a link to it; every later one updates it through that link.
// The link is stored only after the platform confirmed the post, so a post whose answer was lost is retried
// as a post (each sender finds or counts such repeats its own way); an update sent twice shows once.

export interface PlacedMessage {
  /** The stored link to the message, when it was posted before. */
  link(): Promise<string | undefined>;
  /** Redraws the message the link points to. */
  update(link: string): Promise<void>;
  /** Posts the message; answers its link, or undefined when it cannot be updated later (nothing is stored). */
  post(): Promise<string | undefined>;
  /** Stores the new message's link. */
  store(link: string): Promise<unknown>;
}

/** Posts the message the first time, updates it in place afterwards; answers the link of a message it posted. */
export async function placeOnce(m: PlacedMessage): Promise<string | undefined> {
  const known = await m.link();
  if (known !== undefined) {
    await m.update(known);
    return undefined;
  }
  const posted = await m.post();
  if (posted !== undefined) await m.store(posted);
  return posted;
}
