// Sends a test process's HTTPS calls to Microsoft's sign-in hosts to local fakes instead, the way a hosts
// file would: the Agents SDK fetches the Bot Framework's signing keys from a fixed address
// (login.botframework.com, through node:https) and MSAL asks login.microsoftonline.com for tokens (through
// fetch). Neither address can be configured, so the connection is re-aimed below the SDK, which runs unchanged.
import https from "node:https";
import { connect } from "node:net";

const DISPATCHER = Symbol.for("undici.globalDispatcher.1");

type Dispatch = { dispatch(opts: { origin?: string | URL } & Record<string, unknown>, handler: unknown): boolean; close(): unknown; destroy(): unknown };

/**
 * `routes`: host name -> base URL of a local fake ("http://127.0.0.1:<port>"). Returns a function that
 * puts everything back. Hosts not listed are reached as usual.
 */
export async function routeHosts(routes: Record<string, string>): Promise<() => void> {
  const target = (host: string) => (routes[host] ? new URL(routes[host]) : undefined);

  // node:https (jwks-rsa): the default agent opens a plain connection to the fake for a routed host.
  const previousAgent = https.globalAgent;
  const agent = new https.Agent({ keepAlive: false });
  const tls = agent.createConnection.bind(agent);
  (agent as unknown as { createConnection: unknown }).createConnection = (opts: { host?: string; hostname?: string }, cb: unknown) => {
    const to = target(opts.hostname ?? opts.host ?? "");
    return to ? connect(Number(to.port), to.hostname) : (tls as (o: unknown, c: unknown) => unknown)(opts, cb);
  };
  https.globalAgent = agent;

  // fetch (MSAL, the SDK's connector client): Node's own dispatcher, with routed origins rewritten.
  const g = globalThis as unknown as Record<symbol, Dispatch | undefined>;
  // Node creates its dispatcher on the first network fetch: one to a fake makes sure it exists.
  if (!g[DISPATCHER])
    await fetch(Object.values(routes)[0]!, { method: "HEAD" })
      .then((r) => r.arrayBuffer())
      .catch(() => undefined);
  const inner = g[DISPATCHER];
  if (!inner) throw new Error("fetch has no global dispatcher to route through");
  g[DISPATCHER] = {
    dispatch(opts, handler) {
      const to = opts.origin ? target(new URL(String(opts.origin)).hostname) : undefined;
      return inner.dispatch(to ? { ...opts, origin: to.origin } : opts, handler);
    },
    close: () => inner.close(),
    destroy: () => inner.destroy(),
  };

  return () => {
    https.globalAgent = previousAgent;
    g[DISPATCHER] = inner;
  };
}
