// What the knowledge base reads back from Teams: the article dialog's values and "Save as article" from the
// ticket card's Resolve (an Input.Toggle and two inputs, merged by Teams into the action's data).
import { type DeskSettings } from "../../src/core/index.js";
import { completeArticleBody, validateArticle, type ArticleFields, type ArticleValues } from "../../src/capabilities/knowledge/form.js";
import { SAVE_ARTICLE } from "./verbs.js";

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

export function articleValues(data: Record<string, unknown>): ArticleValues {
  return { title: str(data.title), body: str(data.body), tags: str(data.tags), category: str(data.category) };
}

/** undefined: not asked; else the checked article (its body completed with the resolution) or why not. */
export function savedArticle(
  settings: DeskSettings,
  data: Record<string, unknown> | undefined,
  resolution: string,
): { ok: true; fields: ArticleFields } | { ok: false; message: string } | undefined {
  if (!data || str(data[SAVE_ARTICLE.toggle]) !== "true") return undefined;
  const checked = validateArticle(settings, {
    title: str(data[SAVE_ARTICLE.title]),
    body: completeArticleBody(str(data[SAVE_ARTICLE.body]) ?? "", resolution),
  });
  if (checked.ok) return checked;
  return { ok: false, message: `Nothing was changed: ${Object.values(checked.errors).join(" ")} Fix the article, or switch off Save as article.` };
}
