// One HTTP server for everything that arrives over HTTP: adapters mount their routes on it.
import http from "node:http";
import type { AddressInfo } from "node:net";

/** An error's name and first line of message, without its stack. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.split("\n")[0]!.slice(0, 300);
}

export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export class HttpServer {
  private readonly routes = new Map<string, Route>();
  private readonly prefixes: [string, Route][] = [];
  readonly server: http.Server;

  constructor(private readonly log: (m: string) => void = () => {}) {
    this.server = http.createServer((req, res) => this.dispatch(req, res));
    this.route("GET", "/healthz", (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
    });
  }

  route(method: string, path: string, handler: Route): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  /** Every path under `prefix`, any method (used by receivers that own a sub-tree). */
  mount(prefix: string, handler: Route): void {
    this.prefixes.push([prefix, handler]);
  }

  private dispatch(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0]!;
    const handler = this.routes.get(`${req.method} ${path}`) ?? this.prefixes.find(([p]) => path === p || path.startsWith(`${p}/`))?.[1];
    if (!handler) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    // A handler that throws (at once or later) is answered 500 with no internal text, and logged as one line:
    // a malformed request repeated a thousand times must not print a thousand stack traces.
    new Promise<void>((resolve) => resolve(handler(req, res))).catch((err) => {
      this.log(`http ${req.method} ${path} failed: ${oneLine(err)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("internal error");
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections?.();
      this.server.close(() => resolve());
    });
  }
}
