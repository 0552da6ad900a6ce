// Triage's tables (migrations/2026-11-24T1320_triage.ts and 2026-12-07T1802_triage.ts), composed into the
// store's Database (src/store/database.ts) so every query on them is typed the same way. triage_open_fts, the
// full-text index of open tickets, is read with raw SQL (MATCH and bm25 have no builder form).
import type { Generated } from "kysely";

export interface TriageTicketRow {
  ticket_id: number;
  category: string | null;
  confidence: number | null;
  source: string | null;
  reason: string | null;
  applied: number;
  outcome: string | null;
  corrected_to: string | null;
  priority_reason: string | null;
  owner_reason: string | null;
  created_at: number;
  /** The model's ranked categories as JSON [{label, p}], best first (at most 3). */
  ranked: string | null;
  /** What the model alone said, when a rule decided (to score the rule against the model when agents correct). */
  model_category: string | null;
  type_reason: string | null;
}

export interface DuplicateRow {
  ticket_id: number;
  original_id: number;
  score: number;
  state: "suggested" | "linked" | "rejected";
  created_at: number;
  decided_at: number | null;
}

export interface TriageTables {
  triage_tickets: TriageTicketRow;
  triage_duplicates: DuplicateRow;
  triage_offers: { original_id: number; count: number; state: string; created_at: number };
  triage_shifts: { person: string; on_shift: number; at: number };
  triage_rotation: { team: string; last_person: string };
  triage_lessons: { id: Generated<number>; ticket_id: number; label: string; nonce: string; created_at: number };
}

// Added to the store's one Database type from here, so a new capability's tables touch no store file.
declare module "../../store/database.js" {
  interface Database extends TriageTables {}
}
