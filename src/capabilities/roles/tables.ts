// The roles capability's tables (migrations/2026-11-24T1510_roles.ts), composed into the store's Database.
import type { Generated } from "kysely";

export interface RoleOverridesTable {
  subject: string;
  role: string;
  set_by: number | null;
  set_at: number;
}

export interface RoleConfigTable {
  id: Generated<number>;
  roles: string;
  recorded_at: number;
}

export interface RoleTables {
  role_overrides: RoleOverridesTable;
  role_config: RoleConfigTable;
}
