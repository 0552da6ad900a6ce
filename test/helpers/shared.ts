// Where ../shared (platform specs, payload samples, data sets) is: beside the repository, as on every
// developer machine and in CI.
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const found = [resolve(repo, "../shared"), "/work/shared"].find((p) => existsSync(`${p}/specs`));
if (!found) throw new Error(`../shared is missing beside ${repo}: the tests validate against its platform specs`);

export const SHARED: string = found;
export const SPECS = `${found}/specs`;
