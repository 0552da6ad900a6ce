// The reports capability's table (migrations/2026-11-24T1520_files_digest.ts): the digests already sent, one
// row a period, so a digest goes out once however often the process restarts.
export interface DigestRunsTable {
  period: string;
  due_at: number;
  sent_at: number;
}

export interface ReportTables {
  digest_runs: DigestRunsTable;
}

// Added to the store's one Database type from here, so a new capability's tables touch no store file.
declare module "../../store/database.js" {
  interface Database extends ReportTables {}
}
