// The fake Slack Web API of bench/intake, in its own process so answering Slack calls does not use the
// measured process's CPU (as the real Slack would not).
import { FakeSlackApi } from "../test/fakes/slack-api.js";

const fake = await new FakeSlackApi().start();
// Answers the size of Slack's (about a kilobyte), not the spec samples' union of every field.
fake.lean = true;
process.send!({ url: fake.url });
process.on("message", (m) => {
  if (m === "stop") void fake.stop().then(() => process.exit(0));
});
