import type { Request } from "express";
import { z } from "zod";
import { ValidationError } from "./errors";
import { message as catalogueMessage } from "../i18n/message";

/** A zod issue as a catalogue message (the catalogue's `validation.*`), so that each field's message can be shown in the reader's language. */
export function issueMessage(issue: z.core.$ZodIssue, input: unknown): string {
  const custom = issue.message;
  // Messages the schemas give themselves are keys of the catalogue (or, in older schemas, English).
  if (custom && !custom.startsWith("Invalid") && !custom.startsWith("Too ") && !custom.startsWith("Expected") && !custom.startsWith("Unrecognized")) return custom;
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined || input === null || input === "") return catalogueMessage("validation.required");
      return issue.expected === "number" || issue.expected === "int" ? catalogueMessage("validation.notNumber") : catalogueMessage("validation.invalid");
    case "too_small":
      if (issue.origin === "string") return Number(issue.minimum) <= 1 ? catalogueMessage("validation.required") : catalogueMessage("validation.tooShort", { minimum: Number(issue.minimum) });
      return issue.origin === "number" ? catalogueMessage("validation.tooSmall", { minimum: Number(issue.minimum) }) : catalogueMessage("validation.invalid");
    case "too_big":
      if (issue.origin === "string") return catalogueMessage("validation.tooLong", { maximum: Number(issue.maximum) });
      return issue.origin === "number" ? catalogueMessage("validation.tooBig", { maximum: Number(issue.maximum) }) : catalogueMessage("validation.invalid");
    case "invalid_format":
      if (issue.format === "email") return catalogueMessage("validation.email");
      if (issue.format === "url") return catalogueMessage("validation.url");
      if (issue.format === "date") return catalogueMessage("validation.date");
      return catalogueMessage("validation.format");
    case "invalid_value":
      return catalogueMessage("validation.choice");
    case "invalid_union":
      return catalogueMessage("validation.invalid");
    case "not_multiple_of":
      return catalogueMessage("validation.notWholeNumber");
    default:
      return custom || catalogueMessage("validation.invalid");
  }
}

/** The value an issue is about, to tell a missing field from a wrong one. */
function inputAt(value: unknown, path: PropertyKey[]): unknown {
  let at: unknown = value;
  for (const key of path) at = at && typeof at === "object" ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  return at;
}

/**
 * Reads a query string through a zod schema. Empty values (an untouched select of a GET form) count as
 * absent; a repeated parameter is refused. Each bad field gets its own message.
 */
export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const raw: Record<string, unknown> = {};
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    // The interface language is a parameter of every page, read by the language negotiation.
    if (key === "lang") continue;
    if (Array.isArray(value)) fields[key] = catalogueMessage("validation.giveOnce");
    else if (typeof value !== "string") fields[key] = catalogueMessage("validation.plainValue");
    else if (value.trim() !== "") raw[key] = value;
  }
  if (Object.keys(fields).length > 0) throw new ValidationError(fields, catalogueMessage("validation.addressInvalid"));
  return parseWith(schema, raw, catalogueMessage("validation.addressInvalid"));
}

/** Runs a schema; on failure throws a `ValidationError` naming each field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, message?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) fields[key] = catalogueMessage("validation.unknownParameter");
      continue;
    }
    const key = issue.path.length > 0 ? issue.path.join(".") : "_";
    fields[key] ??= issueMessage(issue, inputAt(value, issue.path));
  }
  throw new ValidationError(fields, message);
}
