import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { DatabaseBusyError } from "../db/sqlite-pool";
import { AppError, BusyError, NotFoundError } from "./errors";
import { translator } from "../i18n/i18n";
import { message as catalogueMessage, translateMessage } from "../i18n/message";

const isApi = (path: string) => path === "/api" || path.startsWith("/api/");

/** Anything no route answered. */
export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new NotFoundError());
};

/** Client errors raised by Express itself or its parsers carry a 4xx `status`. */
function clientStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown; statusCode?: unknown })?.status ?? (error as { statusCode?: unknown })?.statusCode;
  return typeof status === "number" && status >= 400 && status < 500 ? status : undefined;
}

const genericMessages: Record<number, string> = {
  400: catalogueMessage("errors.generic.400"),
  403: catalogueMessage("errors.generic.403"),
  413: catalogueMessage("errors.generic.413"),
  404: catalogueMessage("errors.generic.404"),
  500: catalogueMessage("errors.generic.500"),
};

/**
 * One handler for every error: JSON `{error:{code,message,fields}}` under `/api`, a page elsewhere.
 * A 500 never shows its stack outside development.
 */
export function errorHandler(logger: Logger, showStack: boolean): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof DatabaseBusyError) {
      error = new BusyError();
      res.set("Retry-After", "5");
    }

    let status: number;
    let code: string;
    let message: string;
    let fields: Record<string, string> | undefined;
    if (error instanceof AppError) {
      ({ status, code, messageKey: message, fieldKeys: fields } = error);
    } else if (clientStatus(error) !== undefined) {
      status = clientStatus(error) as number;
      code = (error as { code?: unknown }).code === "EBADCSRFTOKEN" ? "csrf_failed" : status === 404 ? "not_found" : status === 413 ? "too_large" : status === 403 ? "forbidden" : "bad_request";
      message = genericMessages[status] ?? genericMessages[400];
    } else {
      status = 500;
      code = "internal_error";
      message = genericMessages[500];
    }

    if (status >= 500) logger.error({ err: error, method: req.method, url: req.originalUrl }, "request failed");

    res.status(status);
    // Messages may be catalogue keys: the API speaks English, a page the reader's language.
    const { t } = translator(isApi(req.path) ? "en" : (req.language ?? "en"));
    message = translateMessage(t, message);
    if (fields) fields = Object.fromEntries(Object.entries(fields).map(([name, text]) => [name, translateMessage(t, text)]));
    if (isApi(req.path)) {
      res.json({ error: { code, message, ...(fields ? { fields } : {}) } });
      return;
    }
    const view = status === 404 ? "errors/404" : status >= 500 ? "errors/500" : "errors/400";
    const locals = {
      title: t(status === 404 ? "errors.404.title" : status >= 500 ? "errors.500.title" : "errors.400.title"),
      status,
      message,
      fields: fields ?? {},
      stack: showStack && status >= 500 && error instanceof Error ? error.stack : undefined,
    };
    res.render(view, locals, (renderError: Error | null, html?: string) => {
      if (renderError) {
        // The error page itself failed: answer in plain text rather than not at all.
        logger.error({ err: renderError }, "error page failed to render");
        res.type("text/plain").send(message);
        return;
      }
      res.send(html);
    });
  };
}
