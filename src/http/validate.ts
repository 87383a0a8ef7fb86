import type { Request } from "express";
import { z } from "zod";
import { ValidationError } from "./errors";

/**
 * Reads a query string through a zod schema. Empty values (an untouched select of a GET form) count as
 * absent; a repeated parameter is refused. Each bad field gets its own message.
 */
export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const raw: Record<string, unknown> = {};
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (Array.isArray(value)) fields[key] = "give this parameter once";
    else if (typeof value !== "string") fields[key] = "must be a plain value";
    else if (value.trim() !== "") raw[key] = value;
  }
  if (Object.keys(fields).length > 0) throw new ValidationError(fields, "The address has parameters that are not valid.");
  return parseWith(schema, raw, "The address has parameters that are not valid.");
}

/** Runs a schema; on failure throws a `ValidationError` naming each field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, message?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) fields[key] = "is not a known parameter";
      continue;
    }
    const key = issue.path.length > 0 ? issue.path.join(".") : "_";
    fields[key] ??= issue.message;
  }
  throw new ValidationError(fields, message);
}
