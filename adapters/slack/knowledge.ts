// The knowledge base's Slack surfaces: the article modal (`/ticket kb new`), the "Save as article" blocks on
// the Resolve modal, and reading both back from a view_submission's state.
import type { ArticleField, ArticleValues } from "../../src/capabilities/knowledge/form.js";
import { type ActionView } from "../../src/core/index.js";
import { KB_ARTICLE_VIEW, SAVE_ARTICLE } from "./ids.js";
import { LIMITS, clip, inputBlock, verbInputModal, type Block } from "./render.js";

const plain = (text: string, n: number) => ({ type: "plain_text", text: clip(text, n), emoji: true });
const SLACK_INPUT_MAX = 3000;

export function articleModal(fields: ArticleField[], metadata: string): Block {
  // Every article field has a length limit (the form's own), so each text input carries its max_length.
  const blocks: Block[] = fields.map((f) => inputBlock(f));
  return {
    type: "modal",
    callback_id: KB_ARTICLE_VIEW,
    title: plain("New article", LIMITS.viewTitle),
    submit: plain("Save article", LIMITS.viewTitle),
    close: plain("Cancel", LIMITS.viewTitle),
    private_metadata: clip(metadata, LIMITS.metadata),
    blocks,
  };
}

/** The Resolve modal with "Save as article" under the resolution: a checkbox, then the article's title and body, prefilled. */
export function resolveModal(
  a: ActionView & { input: { kind: "text"; label: string; maxLength: number } },
  article: { title: string; body: string },
  metadata: string,
): Block {
  const base = verbInputModal(a, metadata);
  const input = (block: string, label: string, initial: string, max: number, multiline: boolean, hint?: string): Block => ({
    type: "input",
    block_id: block,
    optional: true,
    label: plain(label, LIMITS.label),
    ...(hint ? { hint: plain(hint, LIMITS.label) } : {}),
    element: { type: "plain_text_input", action_id: block, multiline, max_length: max, ...(initial ? { initial_value: clip(initial, max) } : {}) },
  });
  return {
    ...base,
    blocks: [
      ...(base.blocks as Block[]),
      { type: "divider" },
      {
        type: "input",
        block_id: SAVE_ARTICLE.block,
        optional: true,
        label: plain("Knowledge base", LIMITS.label),
        element: {
          type: "checkboxes",
          action_id: SAVE_ARTICLE.action,
          options: [{ text: plain("Save as article", LIMITS.optionText), value: SAVE_ARTICLE.value }],
        },
      },
      input(SAVE_ARTICLE.title, "Article title", article.title, 150, false),
      input(
        SAVE_ARTICLE.body,
        "Article body (Markdown)",
        article.body,
        SLACK_INPUT_MAX,
        true,
        "Left empty after **Resolution:**, the resolution you write above goes there.",
      ),
    ],
  };
}

type State = {
  values?: Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null; selected_options?: { value: string }[] }>>;
};

/** The article fields of a submitted article modal. */
export function articleValues(state: State | undefined): ArticleValues {
  const v = state?.values ?? {};
  const read = (name: string) => {
    const a = v[name]?.[name];
    return a?.selected_option?.value ?? a?.value ?? undefined;
  };
  return { title: read("title"), body: read("body"), tags: read("tags"), category: read("category") };
}

/** "Save as article" from a submitted Resolve modal: undefined when the box was not ticked. */
export function savedArticle(state: State | undefined): { title: string; body: string } | undefined {
  const v = state?.values ?? {};
  const ticked = v[SAVE_ARTICLE.block]?.[SAVE_ARTICLE.action]?.selected_options?.some((o) => o.value === SAVE_ARTICLE.value);
  if (!ticked) return undefined;
  return { title: v[SAVE_ARTICLE.title]?.[SAVE_ARTICLE.title]?.value ?? "", body: v[SAVE_ARTICLE.body]?.[SAVE_ARTICLE.body]?.value ?? "" };
}
