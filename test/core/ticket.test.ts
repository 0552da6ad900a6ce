import { describe, expect, it } from "vitest";
import { DeskError } from "../../src/core/errors.js";
import { DEFAULT_MATRIX, LEVELS, STATUSES, allowedNext, assertReopenable, assertTransition, priorityOf, type Status } from "../../src/core/ticket.js";

const ALLOWED: Record<Status, Status[]> = {
  new: ["triaged", "in_progress", "waiting", "resolved", "closed"],
  awaiting_approval: ["resolved", "closed"],
  triaged: ["in_progress", "waiting", "resolved", "closed"],
  in_progress: ["triaged", "waiting", "resolved", "closed"],
  waiting: ["in_progress", "resolved", "closed"],
  resolved: ["closed"],
  closed: [],
};

describe("lifecycle", () => {
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      const allowed = ALLOWED[from].includes(to);
      it(`${from} -> ${to} is ${allowed ? "allowed" : "refused"}`, () => {
        if (allowed) {
          expect(() => assertTransition(7, from, to)).not.toThrow();
        } else {
          let err: unknown;
          try {
            assertTransition(7, from, to);
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(DeskError);
          expect((err as DeskError).code).toBe("INVALID_TRANSITION");
          expect((err as DeskError).message).toMatch(/^#7 /);
        }
      });
    }
  }

  it("tells how to get out of closed and resolved", () => {
    expect(() => assertTransition(12, "closed", "in_progress")).toThrow("#12 is closed; reopen it first: reopen 12 <why>.");
    expect(() => assertTransition(12, "resolved", "waiting")).toThrow(/reopen it first/);
  });

  it("reopens only resolved or closed tickets", () => {
    expect(() => assertReopenable(3, "resolved")).not.toThrow();
    expect(() => assertReopenable(3, "closed")).not.toThrow();
    for (const s of ["new", "triaged", "in_progress", "waiting"] as Status[]) expect(() => assertReopenable(3, s)).toThrow(/nothing to reopen/);
  });

  it("lists the allowed next states from the table", () => {
    for (const s of STATUSES) expect([...allowedNext(s)].sort()).toEqual([...ALLOWED[s]].sort());
  });
});

describe("priority matrix", () => {
  it("maps every impact x urgency pair", () => {
    const expected = { high: ["P1", "P2", "P3"], medium: ["P2", "P3", "P4"], low: ["P3", "P4", "P4"] } as const;
    for (const impact of LEVELS) LEVELS.forEach((urgency, i) => expect(priorityOf(DEFAULT_MATRIX, impact, urgency)).toBe(expected[impact][i]));
  });

  it("follows a configured matrix", () => {
    const flat = {
      high: { high: "P2", medium: "P2", low: "P2" },
      medium: { high: "P3", medium: "P3", low: "P3" },
      low: { high: "P4", medium: "P4", low: "P4" },
    } as const;
    expect(priorityOf(flat, "high", "high")).toBe("P2");
    expect(priorityOf(flat, "low", "high")).toBe("P4");
  });
});
