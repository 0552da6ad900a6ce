// Drives the console adapter line by line through its streams, so a test can move the clock between lines.
import { once } from "node:events";
import { PassThrough } from "node:stream";
import { runConsole } from "../../../adapters/console/console.js";
import type { Desk } from "../../../src/core/desk.js";

export function consoleSession(desk: Desk, user = "operator") {
  const input = new PassThrough();
  const output = new PassThrough({ encoding: "utf8" });
  const done = runConsole(desk, { input, output, interactive: false, user });
  return {
    /** Types one line and resolves with the desk's answer to it. */
    async say(line: string): Promise<string> {
      const answer = once(output, "data");
      input.write(`${line}\n`);
      return String((await answer)[0]).trimEnd();
    },
    async end(): Promise<void> {
      input.end();
      await done;
    },
  };
}
