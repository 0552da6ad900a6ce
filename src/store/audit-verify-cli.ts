// `npm run audit:verify`: recompute the audit trail's hash chain and name the first broken event.
import dotenv from "dotenv";
import { loadConfig } from "../config.js";
import { verifyChain } from "./audit-chain.js";
import { openDatabase } from "./connection.js";

dotenv.config({ quiet: true });
try {
  const config = loadConfig(process.env);
  const { db } = openDatabase(config.dbPath, { readonly: true });
  const r = await verifyChain(db);
  await db.destroy();
  if (r.ok) {
    console.log(`audit trail intact: ${r.events} events in ${config.dbPath}`);
  } else {
    console.log(`audit trail BROKEN at event ${r.brokenAt}${r.ticketId ? ` (ticket #${r.ticketId})` : ""}: ${r.why}. ${r.events - 1} events before it verify.`);
    process.exit(1);
  }
} catch (err) {
  console.error(`audit:verify: ${(err as Error).message}`);
  process.exit(2);
}
