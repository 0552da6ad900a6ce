// A fake Slack Socket Mode endpoint on 127.0.0.1: greets each connection with Slack's `hello`, delivers
// envelopes (slash_commands, interactive, events_api) as Slack frames them, and hands back the client's ack.
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export type EnvelopeType = "slash_commands" | "interactive" | "events_api";

export class FakeSocketMode {
  private server?: WebSocketServer;
  private socket?: WebSocket;
  private connected?: () => void;
  private readonly waiting = new Map<string, (ack: Ack) => void>();
  /** Every ack received, in order. */
  readonly acks: Ack[] = [];
  url = "";
  private seq = 0;

  async start(): Promise<this> {
    this.server = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/link" });
    await new Promise<void>((resolve) => this.server!.once("listening", () => resolve()));
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link`;
    this.server.on("connection", (ws) => {
      this.socket = ws;
      ws.on("message", (data) => {
        const ack = JSON.parse(String(data)) as Ack;
        this.acks.push(ack);
        this.waiting.get(ack.envelope_id)?.(ack);
      });
      ws.send(
        JSON.stringify({
          type: "hello",
          num_connections: 1,
          debug_info: { host: "applink-fake", build_number: 1, approximate_connection_time: 18060 },
          connection_info: { app_id: "A0001" },
        }),
      );
      this.connected?.();
    });
    return this;
  }

  /** Resolves once a client has connected and been greeted. */
  connection(): Promise<void> {
    return this.socket ? Promise.resolve() : new Promise((resolve) => (this.connected = resolve));
  }

  /** Sends one envelope; resolves with the client's ack (or rejects if none comes within `ms`). */
  send(type: EnvelopeType, payload: Record<string, unknown>, ms = 3000): Promise<Ack> {
    if (!this.socket) throw new Error("no Socket Mode client is connected");
    const id = `env-${++this.seq}`;
    const envelope = {
      envelope_id: id,
      payload,
      type,
      accepts_response_payload: type !== "events_api",
      ...(type === "events_api" ? { retry_attempt: 0, retry_reason: "" } : {}),
    };
    return new Promise<Ack>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${type} envelope ${id} within ${ms} ms`)), ms);
      this.waiting.set(id, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
      this.socket!.send(JSON.stringify(envelope));
    });
  }

  async stop(): Promise<void> {
    for (const c of this.server?.clients ?? []) c.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
