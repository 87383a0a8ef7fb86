import type { RequestHandler } from "express";
import { csrfSync } from "csrf-sync";
import type { Config } from "../config";

/** CSRF protection: a token kept in the session, sent back by every form as `_csrf`. */
const csrf = csrfSync({
  getTokenFromRequest: (req) => (typeof req.body?._csrf === "string" ? req.body._csrf : (req.headers["x-csrf-token"] as string | undefined)),
});

export const csrfSynchronisedProtection = csrf.csrfSynchronisedProtection;

/** The session's CSRF token, created on first use. */
export const csrfToken = (req: Parameters<typeof csrf.generateToken>[0]) => csrf.generateToken(req);

/**
 * Values every page uses: where we are, who is signed in, and the CSRF token for forms. Visitors
 * get no token (and so no session) until a page with a form asks for one.
 */
export function viewLocals(config: Config): RequestHandler {
  return (req, res, next) => {
    res.locals.currentPath = req.path;
    res.locals.env = config.env;
    res.locals.section = req.path.split("/")[1] ?? "";
    res.locals.currentUser = req.user ? { displayName: req.user.displayName, email: req.user.email } : null;
    res.locals.user = req.user ?? null;
    res.locals.csrfToken = req.user || req.path === "/sign-in" || req.path.startsWith("/invitations/") ? csrf.generateToken(req) : "";
    next();
  };
}
