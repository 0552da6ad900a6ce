// Coded errors: adapters answer them to the person; anything else is a bug and is logged.
export type ErrorCode =
  | "TICKET_NOT_FOUND"
  | "INVALID_TRANSITION"
  | "FORBIDDEN"
  | "INVALID_INPUT"
  | "PERSON_NOT_FOUND"
  | "UNKNOWN_COMMAND"
  | "STORAGE_UNAVAILABLE"
  /** A bug or a fault outside the desk's rules (a capability's hook threw, a file could not be written). */
  | "COMMAND_FAILED";

export class DeskError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "DeskError";
  }
}

export function isDeskError(err: unknown): err is DeskError {
  return err instanceof DeskError;
}

export const notFound = (n: number) => new DeskError("TICKET_NOT_FOUND", `There is no ticket #${n}.`);
export const invalid = (message: string, field?: string) => new DeskError("INVALID_INPUT", message, field);
export const forbidden = (message: string) => new DeskError("FORBIDDEN", message);
