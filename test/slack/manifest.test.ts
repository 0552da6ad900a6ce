import { SPECS } from "../helpers/shared.js";
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { BOT_EVENTS, CREATE_TICKET_SHORTCUT, SLASH_COMMAND } from "../../adapters/slack/ids.js";
import { EVENTS_PATH } from "../../adapters/slack/app.js";

const SCHEMA = `${SPECS}/slack/manifest-schema/schemas/manifest.schema.2.0.0.json`;

interface Manifest {
  features: { slash_commands: { command: string; url: string }[]; shortcuts: { callback_id: string; type: string }[]; app_home: { home_tab_enabled: boolean } };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
}

describe("manifests/slack/manifest.yaml", () => {
  const manifest = parse(readFileSync("manifests/slack/manifest.yaml", "utf8")) as Manifest;

  it("is valid against Slack's manifest schema 2.0.0", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, "utf8")) as object);
    const ok = validate(manifest);
    expect(ajv.errorsText(validate.errors)).toBe("No errors");
    expect(ok).toBe(true);
    // The same schema refuses a broken manifest, so the check above can fail.
    expect(validate({ ...manifest, features: { ...manifest.features, slash_commands: [{ command: "ticket" }] } })).toBe(false);
  });

  it("names every command, shortcut and event the code listens to, all on one URL", () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([SLASH_COMMAND]);
    expect(manifest.features.shortcuts.map((s) => [s.type, s.callback_id])).toEqual([["message", CREATE_TICKET_SHORTCUT]]);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...BOT_EVENTS].sort());
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    const urls = [manifest.features.slash_commands[0]!.url, manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url];
    expect(urls.every((u) => new URL(u).pathname === EVENTS_PATH)).toBe(true);
  });

  it("asks for the scopes the events and calls need", () => {
    const scopes = manifest.oauth_config.scopes.bot;
    for (const s of [
      "commands",
      "chat:write",
      "app_mentions:read",
      "im:history",
      "channels:history",
      "groups:history",
      "reactions:read",
      "users:read",
      "users:read.email",
    ])
      expect(scopes).toContain(s);
  });
});
