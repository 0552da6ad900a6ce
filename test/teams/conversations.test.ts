// The Teams adapter's own tables, through its repository, on a real migrated SQLite file: what a restart
// must still know (who the bot can reach, and where), and what a later, poorer sighting must not erase.
import { describe, expect, it } from "vitest";
import { aadOfTeamsUser, conversationRef, installedChannel, referenceFor, saveConversation, saveUser, teamsUser } from "../../adapters/teams/conversations.js";
import { openDatabase } from "../../src/store/connection.js";
import { migrateToLatest } from "../../src/store/migrate.js";

async function migrated() {
  const { db } = openDatabase(":memory:");
  await migrateToLatest(db);
  return db;
}

const channel = (id: string, serviceUrl = "https://smba.example/emea/") => ({
  serviceUrl,
  conversation: { id, conversationType: "channel", isGroup: true, name: id },
  agent: { id: "28:bot", name: "Deskhand" },
});

describe("Teams conversations and users", () => {
  it("keeps a channel installed once it was, and refreshes its reference", async () => {
    const db = await migrated();
    await saveConversation(db, channel("19:agents"), 1_000, true);
    await saveConversation(db, channel("19:agents", "https://smba.example/amer/"), 2_000);
    expect(await installedChannel(db)).toBe("19:agents");
    expect((await conversationRef(db, "19:agents"))?.serviceUrl).toBe("https://smba.example/amer/");
    await saveConversation(db, channel("19:later"), 3_000, true);
    expect(await installedChannel(db)).toBe("19:later");
    await db.destroy();
  });

  it("reads a reference written before the Agents SDK (bot, not agent) as the SDK's", async () => {
    const db = await migrated();
    const { agent, ...rest } = channel("19:old");
    await saveConversation(db, { ...rest, bot: agent }, 1_000);
    expect((await conversationRef(db, "19:old"))?.agent).toEqual(agent);
    await db.destroy();
  });

  it("aims the newest channel reference at a channel never heard from, preferring channels to chats", async () => {
    const db = await migrated();
    await saveConversation(db, channel("19:first"), 1_000);
    await saveConversation(
      db,
      { serviceUrl: "https://smba.example/chat/", conversation: { id: "a:personal", conversationType: "personal", isGroup: false, name: "" } },
      5_000,
    );
    await saveConversation(db, channel("19:second", "https://smba.example/newest/"), 2_000);
    const ref = await referenceFor(db, "19:configured");
    expect(ref?.serviceUrl).toBe("https://smba.example/newest/");
    expect(ref?.conversation).toMatchObject({ id: "19:configured", conversationType: "channel" });
    expect(await referenceFor(db, "19:nowhere-else")).toMatchObject({ conversation: { id: "19:nowhere-else" } });
    await db.destroy();
  });

  it("remembers a person's tenant and personal chat when a later sighting lacks them", async () => {
    const db = await migrated();
    await saveUser(
      db,
      { userId: "aad-1", botUserId: "29:one", botId: "28:bot", serviceUrl: "https://a/", tenantId: "t1", personalConversationId: "a:dm-1" },
      1_000,
    );
    await saveUser(db, { userId: "aad-1", botUserId: "29:one-again", botId: "28:bot", serviceUrl: "https://b/", tenantId: null }, 2_000);
    expect(await teamsUser(db, "aad-1")).toEqual({
      userId: "aad-1",
      botUserId: "29:one-again",
      botId: "28:bot",
      serviceUrl: "https://b/",
      tenantId: "t1",
      personalConversationId: "a:dm-1",
    });
    expect(await aadOfTeamsUser(db, "29:one-again")).toBe("aad-1");
    expect(await aadOfTeamsUser(db, "29:one")).toBeUndefined();
    expect(await teamsUser(db, "aad-unknown")).toBeUndefined();
    await db.destroy();
  });
});
