import { SPECS } from "../helpers/shared.js";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateRawSync, crc32 } from "node:zlib";
import { execFileSync } from "node:child_process";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { BOT_COMMANDS, CREATE_FROM_MESSAGE } from "../../adapters/teams/verbs.js";
import { PLACEHOLDER_ID, PackageError, buildTeamsPackage, manifestFor } from "../../scripts/package-teams.js";
import { decodePng } from "../../scripts/png.js";

const SCHEMA = `${SPECS}/teams/teams-app-schema/v1.29/MicrosoftTeams.schema.json`;

function manifestValidator() {
  // The schema is draft-04 in form only (no draft-04-only keywords); its \p{L} patterns need unicode regexes.
  const { $schema: _draft, ...schema } = JSON.parse(readFileSync(SCHEMA, "utf8")) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: true });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (m: unknown) => {
    const ok = validate(m);
    return { ok, errors: ajv.errorsText(validate.errors) };
  };
}

/** Reads the entries of a stored zip, checking each CRC. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let at = 0;
  while (buf.readUInt32LE(at) === 0x04034b50) {
    const method = buf.readUInt16LE(at + 8);
    const crc = buf.readUInt32LE(at + 14);
    const size = buf.readUInt32LE(at + 18);
    const nameLen = buf.readUInt16LE(at + 26);
    const extra = buf.readUInt16LE(at + 28);
    const name = buf.subarray(at + 30, at + 30 + nameLen).toString("utf8");
    const raw = buf.subarray(at + 30 + nameLen + extra, at + 30 + nameLen + extra + size);
    const data = method === 8 ? inflateRawSync(raw) : raw;
    expect(crc32(data)).toBe(crc);
    out.set(name, data);
    at += 30 + nameLen + extra + size;
  }
  expect(buf.readUInt32LE(buf.length - 22)).toBe(0x06054b50);
  return out;
}

describe("Teams app package", () => {
  const validate = manifestValidator();
  const manifest = JSON.parse(readFileSync("manifests/teams/manifest.json", "utf8"));

  it("the manifest is valid against the Teams manifest schema it declares (1.29)", () => {
    expect(manifest.$schema).toContain("/v1.29/");
    const r = validate(manifest);
    expect(r.errors).toBe("No errors");
    expect(r.ok).toBe(true);
  });

  it("the schema check can fail (a manifest missing its bot id is refused)", () => {
    const broken = structuredClone(manifest);
    delete broken.bots[0].botId;
    broken.accentColor = "blue";
    expect(validate(broken).ok).toBe(false);
  });

  it("declares the bot in personal, team and group chat, the adapter's command list and the Create ticket message action", () => {
    expect(manifest.bots[0].scopes).toEqual(["personal", "team", "groupChat"]);
    expect(manifest.bots[0].commandLists[0].commands).toEqual(BOT_COMMANDS);
    expect(manifest.composeExtensions[0].commands[0]).toMatchObject({
      id: CREATE_FROM_MESSAGE,
      type: "action",
      title: "Create ticket",
      context: ["message"],
      fetchTask: true,
    });
    expect(manifest.validDomains.length).toBeGreaterThan(0);
  });

  it("color.png is 192x192 and outline.png 32x32, white on a transparent background", () => {
    const color = decodePng(readFileSync("manifests/teams/color.png"));
    expect([color.width, color.height, color.colorType]).toEqual([192, 192, 6]);
    const outline = decodePng(readFileSync("manifests/teams/outline.png"));
    expect([outline.width, outline.height, outline.colorType]).toEqual([32, 32, 6]);
    const pixels = Array.from({ length: 32 * 32 }, (_, i) => outline.pixel(i % 32, Math.floor(i / 32)));
    const transparent = pixels.filter((p) => p[3] === 0).length;
    const white = pixels.filter((p) => p[0] === 255 && p[1] === 255 && p[2] === 255 && p[3] === 255).length;
    expect(transparent).toBeGreaterThan(512);
    expect(white).toBeGreaterThan(20);
    expect(transparent + white).toBe(pixels.length);
  });

  it("builds a zip with the app id from the environment in place of the placeholder, still valid", () => {
    const appId = "cd59cf47-aca1-41e0-8441-387faee8331e";
    const out = join(mkdtempSync(join(tmpdir(), "teams-pkg-")), "app.zip");
    buildTeamsPackage(appId, out);
    const files = unzip(readFileSync(out));
    expect([...files.keys()].sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const m = JSON.parse(files.get("manifest.json")!.toString("utf8"));
    expect([m.id, m.bots[0].botId, m.composeExtensions[0].botId]).toEqual([appId, appId, appId]);
    expect(files.get("manifest.json")!.toString("utf8")).not.toContain(PLACEHOLDER_ID);
    expect(validate(m).ok).toBe(true);
    expect(files.get("color.png")!.equals(readFileSync("manifests/teams/color.png"))).toBe(true);
  });

  it("refuses to package without a GUID app id", () => {
    expect(() => manifestFor(undefined)).toThrow(PackageError);
    expect(() => manifestFor("not-a-guid")).toThrow(/must be a GUID/);
  });

  it("the package:teams script writes the zip", () => {
    const out = join(mkdtempSync(join(tmpdir(), "teams-pkg-")), "cli.zip");
    const env = { ...process.env, MicrosoftAppId: "cd59cf47-aca1-41e0-8441-387faee8331e" };
    const said = execFileSync("npx", ["tsx", "scripts/package-teams.ts", out], { env, encoding: "utf8" });
    expect(said).toContain(`wrote ${out}`);
    expect(unzip(readFileSync(out)).size).toBe(3);
  });
});
