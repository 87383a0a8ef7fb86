import type { RequestHandler } from "express";
import type { Logger } from "../logger";

/**
 * In production with `TRUST_PROXY` unset, a request that came through a proxy (it carries
 * X-Forwarded-* headers) is read as plain HTTP from the proxy's address: the Secure session cookie
 * is never sent back, every sign-in fails its CSRF check, and every visitor shares one address for
 * the sign-in limits. Says so in the log, once, on the first such request.
 */
export function warnAboutUntrustedProxy(logger: Logger): RequestHandler {
  let warned = false;
  return (req, _res, next) => {
    if (!warned && (req.headers["x-forwarded-for"] !== undefined || req.headers["x-forwarded-proto"] !== undefined)) {
      warned = true;
      logger.warn(
        { forwardedFor: req.headers["x-forwarded-for"] !== undefined, forwardedProto: req.headers["x-forwarded-proto"] ?? null },
        "requests arrive through a proxy (X-Forwarded-* headers) but TRUST_PROXY is not set: sessions cannot be kept over HTTPS, sign-ins fail, and every visitor shares the proxy's address for sign-in limits. Set TRUST_PROXY to the number of proxies in front of the app (usually 1) or their addresses.",
      );
    }
    next();
  };
}

/** Pages of a signed-in person are theirs alone: no browser or proxy keeps a copy. */
export const noStoreWhenSignedIn: RequestHandler = (req, res, next) => {
  if (req.user) res.set("Cache-Control", "no-store");
  next();
};
