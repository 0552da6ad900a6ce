// Block Kit's published limits (Slack's reference and the @slack/types typings), checked on every surface
// the fake Web API receives. Returns what is wrong; empty means the surface is valid.
type Obj = Record<string, unknown>;

const TEXT_LIMITS: Record<string, number> = {
  header: 150,
  section: 3000,
  field: 2000,
  button: 75,
  option: 75,
  placeholder: 150,
  label: 2000,
  title: 24,
  submit: 24,
  close: 24,
  context: 3000,
};

export function checkSurface(kind: "message" | "modal" | "home", blocks: unknown, view?: Obj): string[] {
  const errs: string[] = [];
  if (!Array.isArray(blocks)) return ["blocks is not an array"];
  const max = kind === "message" ? 50 : 100;
  if (blocks.length > max) errs.push(`${blocks.length} blocks (a ${kind} allows ${max})`);
  const actionIds = new Set<string>();
  const blockIds = new Set<string>();
  const text = (t: unknown, limit: number, where: string, type?: string) => {
    const o = t as Obj | undefined;
    if (!o || typeof o.text !== "string") return errs.push(`${where}: missing text object`);
    if (type && o.type !== type) errs.push(`${where}: must be ${type}`);
    if (!["plain_text", "mrkdwn"].includes(o.type as string)) errs.push(`${where}: text type ${String(o.type)}`);
    if (o.text.length === 0) errs.push(`${where}: empty text`);
    if (o.text.length > limit) errs.push(`${where}: text ${o.text.length} > ${limit}`);
  };
  const element = (e: Obj, where: string) => {
    if (typeof e.action_id === "string") {
      if (e.action_id.length > 255) errs.push(`${where}: action_id over 255`);
      if (actionIds.has(e.action_id)) errs.push(`${where}: duplicate action_id ${e.action_id}`);
      actionIds.add(e.action_id);
    }
    if (e.type === "button") {
      text(e.text, TEXT_LIMITS.button!, `${where}.text`, "plain_text");
      if (typeof e.value === "string" && e.value.length > 2000) errs.push(`${where}: value over 2000`);
      if (e.style !== undefined && !["primary", "danger"].includes(e.style as string)) errs.push(`${where}: bad style`);
    }
    if (e.placeholder) text(e.placeholder, TEXT_LIMITS.placeholder!, `${where}.placeholder`, "plain_text");
    if (e.type === "static_select") {
      const opts = e.options as Obj[] | undefined;
      if (!Array.isArray(opts) || opts.length === 0 || opts.length > 100) errs.push(`${where}: options must be 1-100`);
      for (const [i, o] of (opts ?? []).entries()) {
        text(o.text, TEXT_LIMITS.option!, `${where}.options[${i}]`, "plain_text");
        if (typeof o.value !== "string" || o.value.length > 150) errs.push(`${where}.options[${i}]: value must be a string of at most 150`);
      }
    }
    if (e.type === "plain_text_input") {
      if (typeof e.max_length === "number" && (e.max_length < 1 || e.max_length > 3000)) errs.push(`${where}: max_length out of range`);
      if (typeof e.initial_value === "string" && typeof e.max_length === "number" && e.initial_value.length > e.max_length)
        errs.push(`${where}: initial_value over max_length`);
    }
  };
  for (const [i, raw] of blocks.entries()) {
    const b = raw as Obj;
    const where = `blocks[${i}](${String(b.type)})`;
    if (typeof b.block_id === "string") {
      if (b.block_id.length > 255) errs.push(`${where}: block_id over 255`);
      if (blockIds.has(b.block_id)) errs.push(`${where}: duplicate block_id ${b.block_id}`);
      blockIds.add(b.block_id);
    }
    switch (b.type) {
      case "header":
        text(b.text, TEXT_LIMITS.header!, where, "plain_text");
        break;
      case "section": {
        if (!b.text && !b.fields) errs.push(`${where}: needs text or fields`);
        if (b.text) text(b.text, TEXT_LIMITS.section!, where);
        const fields = b.fields as unknown[] | undefined;
        if (fields && fields.length > 10) errs.push(`${where}: ${fields.length} fields > 10`);
        for (const [j, f] of (fields ?? []).entries()) text(f, TEXT_LIMITS.field!, `${where}.fields[${j}]`);
        if (b.accessory) element(b.accessory as Obj, `${where}.accessory`);
        break;
      }
      case "actions": {
        const els = b.elements as Obj[] | undefined;
        if (!Array.isArray(els) || els.length === 0 || els.length > 25) errs.push(`${where}: elements must be 1-25`);
        for (const [j, e] of (els ?? []).entries()) element(e, `${where}.elements[${j}]`);
        break;
      }
      case "context": {
        const els = b.elements as Obj[] | undefined;
        if (!Array.isArray(els) || els.length === 0 || els.length > 10) errs.push(`${where}: elements must be 1-10`);
        for (const [j, e] of (els ?? []).entries()) if (e.type !== "image") text(e, TEXT_LIMITS.context!, `${where}.elements[${j}]`);
        break;
      }
      case "input":
        if (kind === "message") errs.push(`${where}: input blocks belong in modals`);
        text(b.label, TEXT_LIMITS.label!, `${where}.label`, "plain_text");
        if (!b.element) errs.push(`${where}: no element`);
        else element(b.element as Obj, `${where}.element`);
        break;
      case "divider":
        break;
      default:
        errs.push(`${where}: block type not used by this app`);
    }
  }
  if (view) {
    if (kind === "modal") {
      text(view.title, TEXT_LIMITS.title!, "view.title", "plain_text");
      if (view.submit) text(view.submit, TEXT_LIMITS.submit!, "view.submit", "plain_text");
      if (view.close) text(view.close, TEXT_LIMITS.close!, "view.close", "plain_text");
      if (blocks.some((b) => (b as Obj).type === "input") && !view.submit) errs.push("view: input blocks need a submit button");
    }
    if (typeof view.private_metadata === "string" && view.private_metadata.length > 3000) errs.push("view.private_metadata over 3000");
    if (typeof view.callback_id === "string" && view.callback_id.length > 255) errs.push("view.callback_id over 255");
  }
  return errs;
}
