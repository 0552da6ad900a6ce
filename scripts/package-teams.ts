// `npm run package:teams`: zips manifests/teams/ (manifest + icons) into dist/deskhand-teams.zip, with the
// bot's app id (MicrosoftAppId, from the environment or .env) in place of the manifest's placeholder id.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { crc32 } from "node:zlib";

export const PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000";
const DIR = "manifests/teams";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PackageError extends Error {}

/** The manifest with the app id filled in (the bot and the app share the Azure Bot's app id). */
export function manifestFor(appId: string | undefined, dir = DIR): string {
  const id = appId?.trim();
  if (!id) throw new PackageError("MicrosoftAppId is not set: put the Azure Bot's app id in the environment or .env");
  if (!GUID.test(id)) throw new PackageError(`MicrosoftAppId must be a GUID (got "${id}")`);
  return readFileSync(`${dir}/manifest.json`, "utf8").split(PLACEHOLDER_ID).join(id.toLowerCase());
}

/** A zip of stored (uncompressed) entries: what Teams needs, small enough to write by hand. */
export function zip(files: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, "utf8");
    const crc = crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(f.data.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(f.data.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, f.data);
    centrals.push(central, name);
    offset += 30 + name.length + f.data.length;
  }
  const dirSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

export function buildTeamsPackage(appId: string | undefined, out = "dist/deskhand-teams.zip", dir = DIR): string {
  const files = [
    { name: "manifest.json", data: Buffer.from(manifestFor(appId, dir), "utf8") },
    { name: "color.png", data: readFileSync(`${dir}/color.png`) },
    { name: "outline.png", data: readFileSync(`${dir}/outline.png`) },
  ];
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, zip(files));
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { default: dotenv } = await import("dotenv");
  dotenv.config({ quiet: true });
  try {
    const out = buildTeamsPackage(process.env.MicrosoftAppId, process.argv[2]);
    console.log(`wrote ${out}: upload it in Teams (Apps > Manage your apps > Upload an app).`);
  } catch (err) {
    console.error(`package:teams: ${(err as Error).message}`);
    process.exit(1);
  }
}
