/**
 * Messages may be catalogue keys (made with `message()` of src/i18n/message.ts): the error
 * handler translates them into the reader's language, or English for the API.
 */
/** An error with an HTTP status and a stable code, safe to show to the user. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Per-field messages, for forms and API clients. */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that does not pass validation: 400, with a message per field. */
export class ValidationError extends AppError {
  constructor(fields: Record<string, string>, message = "errors.invalid") {
    super(400, "validation_failed", message, fields);
  }
}

/** Something that does not exist, or that this visitor may not see: 404. */
export class NotFoundError extends AppError {
  constructor(message = "errors.generic.404") {
    super(404, "not_found", message);
  }
}
