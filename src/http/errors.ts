import { translator } from "../i18n/i18n";
import { translateMessage } from "../i18n/message";

/**
 * An error with an HTTP status and a stable code, safe to show to the user. Its messages may be
 * catalogue messages (made with `message()` of src/i18n/message.ts): `message` is then the English
 * text (for logs and the command line), `messageKey` what a page translates into its language; the
 * fields keep their catalogue messages, which pages and the API translate.
 */
export class AppError extends Error {
  /** The message as given: a catalogue message, or plain English. */
  readonly messageKey: string;
  /** Per-field messages in English, for the command line, logs and callers of services. */
  readonly fields?: Record<string, string>;
  /** Per-field messages as given (catalogue messages), which pages and the API translate. */
  readonly fieldKeys?: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    fields?: Record<string, string>,
  ) {
    const { t } = translator("en");
    super(translateMessage(t, message));
    this.messageKey = message;
    this.fieldKeys = fields;
    this.fields = fields ? Object.fromEntries(Object.entries(fields).map(([name, text]) => [name, translateMessage(t, text)])) : undefined;
    this.name = new.target.name;
  }
}

/** Input that does not pass validation: 400, with a message per field. */
export class ValidationError extends AppError {
  constructor(fields: Record<string, string>, message = "errors.invalid") {
    super(400, "validation_failed", message, fields);
  }
}

/** An `AppError` class of one status and code, whose message may be left out for the usual one. */
function statusError(status: number, code: string, defaultMessage: string) {
  return class extends AppError {
    constructor(message = defaultMessage) {
      super(status, code, message);
    }
  };
}

/** Something that does not exist, or that this visitor may not see: 404. */
export class NotFoundError extends statusError(404, "not_found", "errors.generic.404") {}

/** Signed in, but this is not theirs to do (a curator's act, say): 403. */
export class ForbiddenError extends statusError(403, "forbidden", "errors.generic.403") {}

/** A request that cannot be read (a malformed address): 400. */
export class BadRequestError extends statusError(400, "bad_request", "errors.generic.400") {}

/** The service is too busy to answer now; the request changed nothing and may be sent again: 503. */
export class BusyError extends statusError(503, "busy", "errors.busy") {}
