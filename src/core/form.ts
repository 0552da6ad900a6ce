// The full ticket form, described once: adapters draw it as a Slack modal, a Teams dialog or console
// prompts, and validate what comes back with validateForm so every platform gives the same answers.
import type { CreateFields } from "./commands.js";
import type { DeskSettings } from "./settings.js";
import { LEVELS, LIMITS, TYPES, TYPE_LABEL, parseLevel, parseType } from "./ticket.js";

export interface FormOption {
  value: string;
  label: string;
}

export interface FormField {
  name: keyof CreateFields;
  label: string;
  kind: "text" | "multiline" | "select";
  required: boolean;
  maxLength?: number;
  options?: FormOption[];
  placeholder?: string;
}

/**
 * A capability's fields on the ticket form (approvals: a change's risk and window), and their checks. The
 * fields it adds to CreateFields it declares itself (approvals/form.ts), and reads back from the create command.
 */
export interface FormPart {
  fields(settings: DeskSettings): FormField[];
  /** `type` is the form's chosen ticket type. */
  validate(
    settings: DeskSettings,
    values: FormValues,
    type: string | undefined,
  ): { fields: Partial<CreateFields>; errors: Partial<Record<keyof CreateFields, string>> };
}

/** The form's fields: the core's, then those of `parts` (the desk's capabilities', see Capabilities.form). */
export function ticketForm(settings: DeskSettings, parts: readonly FormPart[] = []): FormField[] {
  const levels = LEVELS.map((l) => ({ value: l, label: l[0]!.toUpperCase() + l.slice(1) }));
  const fields: FormField[] = [
    { name: "title", label: "Title", kind: "text", required: true, maxLength: LIMITS.title, placeholder: "What is wrong, in a few words" },
    {
      name: "description",
      label: "Description",
      kind: "multiline",
      required: false,
      maxLength: LIMITS.description,
      placeholder: "What happened, since when, what you tried",
    },
    {
      name: "type",
      label: "Type",
      kind: "select",
      required: false,
      options: TYPES.map((t) => ({ value: t, label: TYPE_LABEL[t][0]!.toUpperCase() + TYPE_LABEL[t].slice(1) })),
    },
    { name: "impact", label: "Impact (how many are affected)", kind: "select", required: false, options: levels },
    { name: "urgency", label: "Urgency (how soon it hurts)", kind: "select", required: false, options: levels },
  ];
  fields.push(
    settings.services.length
      ? {
          name: "service",
          label: "Affected service",
          kind: "select",
          required: false,
          options: settings.services.map((s) => ({ value: s.name, label: s.name })),
        }
      : { name: "service", label: "Affected service", kind: "text", required: false, maxLength: 100 },
  );
  if (settings.categories.length)
    fields.push({
      name: "category",
      label: "Category",
      kind: "select",
      required: false,
      options: settings.categories.map((c) => ({ value: c.name, label: c.name })),
    });
  for (const part of parts) fields.push(...part.fields(settings));
  return fields;
}

export type FormValues = Partial<Record<keyof CreateFields, string | undefined | null>>;

export type FormResult = { ok: true; fields: CreateFields } | { ok: false; errors: Partial<Record<keyof CreateFields, string>> };

/** Checks submitted form values; errors are keyed by field so a modal can show them inline. */
export function validateForm(settings: DeskSettings, values: FormValues, parts: readonly FormPart[] = []): FormResult {
  const errors: Partial<Record<keyof CreateFields, string>> = {};
  const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const title = str(values.title);
  const description = str(values.description);
  if (!title) errors.title = "Give the ticket a title.";
  else if (title.length > LIMITS.title) errors.title = `The title is ${title.length} characters; keep it to ${LIMITS.title}.`;
  if (description.length > LIMITS.description) errors.description = `The description is ${description.length} characters; keep it to ${LIMITS.description}.`;
  const type = str(values.type) ? parseType(str(values.type)) : undefined;
  if (str(values.type) && !type) errors.type = `Type must be one of ${TYPES.join(", ")}.`;
  const impact = str(values.impact) ? parseLevel(str(values.impact)) : undefined;
  if (str(values.impact) && !impact) errors.impact = "Impact must be high, medium or low.";
  const urgency = str(values.urgency) ? parseLevel(str(values.urgency)) : undefined;
  if (str(values.urgency) && !urgency) errors.urgency = "Urgency must be high, medium or low.";
  const service = str(values.service);
  if (service.length > 100) errors.service = "The service name is over 100 characters.";
  const category = str(values.category);
  if (category && !settings.categories.some((c) => c.name === category))
    errors.category = `Category must be one of ${settings.categories.map((c) => c.name).join(", ")}.`;
  const contributed = parts.map((part) => part.validate(settings, values, type));
  for (const c of contributed) Object.assign(errors, c.errors);
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    fields: {
      title,
      ...(description ? { description } : {}),
      ...(type ? { type } : {}),
      ...(impact ? { impact } : {}),
      ...(urgency ? { urgency } : {}),
      ...(service ? { service } : {}),
      ...(category ? { category } : {}),
      ...Object.assign({}, ...contributed.map((c) => c.fields)),
    },
  };
}
