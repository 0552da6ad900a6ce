// `npm run migrate`: apply pending migrations to DESKHAND_DB and say which ran.
import dotenv from "dotenv";
import { loadConfig } from "../config.js";
import { openDatabase } from "./connection.js";
import { migrateToLatest } from "./migrate.js";

dotenv.config({ quiet: true });
try {
  const config = loadConfig(process.env);
  const { db } = openDatabase(config.dbPath);
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `Applied ${applied.join(", ")} to ${config.dbPath}` : `${config.dbPath} is up to date`);
  await db.destroy();
} catch (err) {
  console.error(`migrate: ${(err as Error).message}`);
  process.exit(1);
}
