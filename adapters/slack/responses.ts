// Answers to slash commands go to the command's response_url: one JSON POST each, which Slack shows only to
// the person (or in the channel). Sent with undici's request() on a keep-alive pool rather than Bolt's
// respond(), which uses fetch: under a burst of /ticket, fetch's stream machinery cost more CPU than the
// ticket itself (bench/intake). Slack publishes no app-wide limit for these URLs (each takes 5 posts in 30
// minutes), so they are not paced; the pool's connection cap bounds how many are in flight.
import { Agent, request } from "undici";

const IN_FLIGHT = 16;
const TIMEOUT_MS = 10_000;

export class ResponseUrls {
  private readonly agent = new Agent({ connections: IN_FLIGHT, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });

  /** Posts `message` (text, blocks, response_type) to a response_url; throws when Slack refuses it (expired or used up). */
  async post(url: string, message: Record<string, unknown>): Promise<void> {
    const r = await request(url, { method: "POST", dispatcher: this.agent, headers: { "content-type": "application/json" }, body: JSON.stringify(message) });
    const answer = await r.body.text();
    if (r.statusCode >= 300) throw new Error(`response_url answered ${r.statusCode}: ${answer.slice(0, 200)}`);
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
