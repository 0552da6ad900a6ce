// `npm run bench [name] [-- options]`: runs the named benchmark, or all of them, each printing a table.
import { argv } from "node:process";

const benches: Record<string, () => Promise<{ run(args: string[]): Promise<void> }>> = {
  core: () => import("./core.js"),
  roles: () => import("./roles.js"),
  sla: () => import("./sla.js"),
  intake: () => import("./intake.js"),
  triage: () => import("./triage.js"),
  teams: () => import("./teams.js"),
  report: () => import("./report.js"),
  alerts: () => import("./alerts.js"),
  fanout: () => import("./fanout.js"),
};

const [name, ...rest] = argv.slice(2);
const chosen = name && !name.startsWith("-") ? [name] : Object.keys(benches);
for (const b of chosen) {
  const load = benches[b];
  if (!load) {
    console.error(`unknown benchmark "${b}"; known: ${Object.keys(benches).join(", ")}`);
    process.exit(2);
  }
  console.log(`\n## ${b}`);
  await (await load()).run(name === b ? rest : []);
}
