import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Migration, type MigrationProvider, Migrator } from "kysely";
import type { Db } from "./connection.js";

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../migrations");

/**
 * Reads migrations/ by name. kysely's FileMigrationProvider imports from inside node_modules, where the
 * TypeScript loader (tsx at run time, vitest in tests) does not reach; importing here, it does.
 */
class FolderMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const file of readdirSync(this.dir)
      .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"))
      .sort()) {
      out[file.replace(/\.(ts|js)$/, "")] = (await import(pathToFileURL(path.join(this.dir, file)).href)) as Migration;
    }
    return out;
  }
}

/** Applies every pending migration in migrations/, in name order. Returns the names applied. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new FolderMigrationProvider(MIGRATIONS_DIR) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "(before any ran)";
    throw new Error(`migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
