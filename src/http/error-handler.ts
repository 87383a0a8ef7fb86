import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { AppError, NotFoundError } from "./errors";

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
  400: "The request could not be understood.",
  403: "This form has expired or did not come from this site. Reload the page and try again.",
  413: "What was sent is too large.",
  404: "There is nothing at this address.",
  500: "Something went wrong on our side. It has been logged; please try again.",
};

/**
 * One handler for every error: JSON `{error:{code,message,fields}}` under `/api`, a page elsewhere.
 * A 500 never shows its stack outside development.
 */
export function errorHandler(logger: Logger, showStack: boolean): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);

    let status: number;
    let code: string;
    let message: string;
    let fields: Record<string, string> | undefined;
    if (error instanceof AppError) {
      ({ status, code, message, fields } = error);
    } else if (clientStatus(error) !== undefined) {
      status = clientStatus(error) as number;
      code = (error as { code?: unknown }).code === "EBADCSRFTOKEN" ? "csrf_failed" : status === 404 ? "not_found" : status === 413 ? "too_large" : status === 403 ? "forbidden" : "bad_request";
      message = genericMessages[status] ?? "The request could not be understood.";
    } else {
      status = 500;
      code = "internal_error";
      message = genericMessages[500];
    }

    if (status >= 500) logger.error({ err: error, method: req.method, url: req.originalUrl }, "request failed");

    res.status(status);
    if (isApi(req.path)) {
      res.json({ error: { code, message, ...(fields ? { fields } : {}) } });
      return;
    }
    const view = status === 404 ? "errors/404" : status >= 500 ? "errors/500" : "errors/400";
    const locals = {
      title: status === 404 ? "Page not found" : status >= 500 ? "Something went wrong" : "That did not work",
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
