// The environment, read once: secrets and endpoints. Desk settings live in the settings file.
export interface Config {
  dbPath: string;
  settingsFile?: string;
  port: number;
  host: string;
  consoleUser: string;
  forceConsole: boolean;
  /** OUTBOUND_RATE_SCALE: the platforms' published rate limits times this, for the senders' pacing (default 1). */
  rateScale: number;
  /** Where people's clients reach this server (PUBLIC_URL): the base of file links (Teams charts and exports). */
  publicUrl?: string;
  slack?: { botToken: string; signingSecret: string; appToken?: string; apiUrl?: string; triageChannel?: string };
  /** Teams: the bot's Azure registration (MicrosoftApp*), or `emulator` (TEAMS_EMULATOR=true): no app id, unauthenticated, loopback only. */
  teams: { appId?: string; appPassword?: string; tenantId?: string; appType: string; emulator?: boolean; triageConversation?: string; graph?: GraphConfig };
}

/** Microsoft Graph, for roles given to AAD groups (teams-group:<id>): client credentials, by default the bot's own. */
export interface GraphConfig {
  apiUrl: string;
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const blank = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());

export function loadConfig(env: NodeJS.ProcessEnv, argv: string[] = []): Readonly<Config> {
  const portText = blank(env.PORT) ?? "3000";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number from 0 to 65535 (got "${portText}")`);

  const botToken = blank(env.SLACK_BOT_TOKEN);
  const signingSecret = blank(env.SLACK_SIGNING_SECRET);
  if (botToken && !signingSecret)
    throw new ConfigError("SLACK_SIGNING_SECRET is missing: it is needed with SLACK_BOT_TOKEN (Basic Information > App Credentials)");
  if (signingSecret && !botToken)
    throw new ConfigError("SLACK_BOT_TOKEN is missing: it is needed with SLACK_SIGNING_SECRET (OAuth & Permissions > Bot User OAuth Token)");
  if (botToken && !botToken.startsWith("xoxb-")) throw new ConfigError('SLACK_BOT_TOKEN must be a bot token starting with "xoxb-"');
  const appToken = blank(env.SLACK_APP_TOKEN);
  if (appToken && !appToken.startsWith("xapp-")) throw new ConfigError('SLACK_APP_TOKEN must be an app-level token starting with "xapp-"');
  const apiUrl = blank(env.SLACK_API_URL);
  if (apiUrl && !/^https?:\/\//.test(apiUrl)) throw new ConfigError(`SLACK_API_URL must be an http(s) URL (got "${apiUrl}")`);

  const publicUrl = blank(env.PUBLIC_URL)?.replace(/\/+$/, "");
  if (publicUrl && !/^https?:\/\/[^/\s]+/.test(publicUrl))
    throw new ConfigError(`PUBLIC_URL must be an http(s) URL such as https://deskhand.example.com (got "${publicUrl}")`);

  const appType = blank(env.MicrosoftAppType) ?? "MultiTenant";
  if (!["MultiTenant", "SingleTenant", "UserAssignedMSI"].includes(appType))
    throw new ConfigError(`MicrosoftAppType must be MultiTenant, SingleTenant or UserAssignedMSI (got "${appType}")`);
  const appId = blank(env.MicrosoftAppId);
  if (appId && appType !== "UserAssignedMSI" && !blank(env.MicrosoftAppPassword))
    throw new ConfigError("MicrosoftAppPassword is missing: it is needed with MicrosoftAppId");
  if (appType === "SingleTenant" && appId && !blank(env.MicrosoftAppTenantId))
    throw new ConfigError("MicrosoftAppTenantId is missing: a SingleTenant bot needs it");
  const emulatorText = (blank(env.TEAMS_EMULATOR) ?? "false").toLowerCase();
  if (!["true", "1", "false", "0"].includes(emulatorText)) throw new ConfigError(`TEAMS_EMULATOR must be true or false (got "${env.TEAMS_EMULATOR}")`);
  const emulator = emulatorText === "true" || emulatorText === "1";
  if (emulator && appId)
    throw new ConfigError("TEAMS_EMULATOR=true runs Teams without authentication, so it cannot be used with MicrosoftAppId: unset one of them");

  const graphUrl = blank(env.GRAPH_API_URL) ?? "https://graph.microsoft.com/v1.0";
  if (!/^https?:\/\//.test(graphUrl)) throw new ConfigError(`GRAPH_API_URL must be an http(s) URL (got "${graphUrl}")`);
  const graphTenant = blank(env.GRAPH_TENANT_ID) ?? blank(env.MicrosoftAppTenantId);
  const tokenUrl = blank(env.GRAPH_TOKEN_URL) ?? (graphTenant ? `https://login.microsoftonline.com/${graphTenant}/oauth2/v2.0/token` : undefined);
  if (tokenUrl && !/^https?:\/\//.test(tokenUrl)) throw new ConfigError(`GRAPH_TOKEN_URL must be an http(s) URL (got "${tokenUrl}")`);
  const graph: GraphConfig = {
    apiUrl: graphUrl.replace(/\/+$/, ""),
    tokenUrl,
    clientId: blank(env.GRAPH_CLIENT_ID) ?? appId,
    clientSecret: blank(env.GRAPH_CLIENT_SECRET) ?? blank(env.MicrosoftAppPassword),
  };

  const scaleText = blank(env.OUTBOUND_RATE_SCALE) ?? "1";
  const rateScale = Number(scaleText);
  if (!Number.isFinite(rateScale) || rateScale <= 0)
    throw new ConfigError(`OUTBOUND_RATE_SCALE must be a positive number, e.g. 2 for limits Slack or Microsoft doubled for your app (got "${scaleText}")`);

  return Object.freeze({
    dbPath: blank(env.DESKHAND_DB) ?? "./data/deskhand.db",
    settingsFile: blank(env.DESKHAND_CONFIG),
    port,
    host: blank(env.HOST) ?? "0.0.0.0",
    consoleUser: blank(env.CONSOLE_USER) ?? "operator",
    forceConsole: argv.includes("--console"),
    rateScale,
    ...(publicUrl ? { publicUrl } : {}),
    ...(botToken && signingSecret ? { slack: { botToken, signingSecret, appToken, apiUrl, triageChannel: blank(env.SLACK_TRIAGE_CHANNEL) } } : {}),
    teams: {
      appId,
      appPassword: blank(env.MicrosoftAppPassword),
      tenantId: blank(env.MicrosoftAppTenantId),
      appType,
      ...(emulator ? { emulator } : {}),
      triageConversation: blank(env.TEAMS_TRIAGE_CONVERSATION),
      graph,
    },
  });
}
