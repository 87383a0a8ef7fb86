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
  constructor(fields: Record<string, string>, message = "Some values are not valid.") {
    super(400, "validation_failed", message, fields);
  }
}

/** Something that does not exist, or that this visitor may not see: 404. */
export class NotFoundError extends AppError {
  constructor(message = "There is nothing at this address.") {
    super(404, "not_found", message);
  }
}
