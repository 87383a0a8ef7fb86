import { Router, type Express, type RequestHandler } from "express";
import session from "express-session";
import { TypeormStore } from "connect-typeorm";
import passport from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import type { DataSource } from "typeorm";
import type { Config } from "../../config";
import type { Logger } from "../../logger";
import type { AccountService } from "./account.service";
import { HttpSession } from "./http-session.entity";
import type { User } from "./user.entity";

/** What a session keeps of its user: the id, and the session version at sign-in. */
interface SessionUser {
  id: number;
  v: number;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // Passport puts the signed-in account on req.user.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends Pick<import("./user.entity").User, "id" | "email" | "displayName" | "organisationId" | "organisationRole" | "siteRole" | "disabled" | "sessionVersion" | "language"> {}
  }
}

/** How long a session lasts without use. */
const SESSION_IDLE_MS = 8 * 3600 * 1000;

/**
 * Sessions in the database (connect-typeorm), with a cookie that is HttpOnly, SameSite=Lax and
 * Secure in production; Passport's local strategy (email and password) on top.
 */
export function installAuth(app: Express, config: Config, dataSource: DataSource, accounts: AccountService, logger: Logger): void {
  const store = new TypeormStore({
    cleanupLimit: 2,
    limitSubquery: config.database.kind !== "sqlite",
    ttl: SESSION_IDLE_MS / 1000,
    // Without this the store reports itself disconnected on its first failed query, and
    // express-session then runs every later request without a session, until a restart. A failed
    // query is that one request's error (it has been passed to it already).
    onError: (_store, error) => logger.warn({ err: error }, "a session could not be read or written"),
  }).connect(dataSource.getRepository(HttpSession));
  const sessions = session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: "lax", secure: config.env === "production", maxAge: SESSION_IDLE_MS },
  });
  const withSession = Router().use(sessions, passport.initialize(), passport.session());
  // The JSON API is also used by other systems, without cookies: a request to it that carries no
  // session cookie has no session to load, so none is made for it (it is answered as a visitor's).
  app.use((req, res, next) => (req.path.startsWith("/api/") && !hasCookie(req.headers.cookie, SESSION_COOKIE) ? next() : withSession(req, res, next)));

  passport.use(
    new LocalStrategy({ usernameField: "email", passwordField: "password", session: true }, (email, password, done) => {
      accounts.authenticate(email, password).then((user) => done(null, user ?? false), done);
    }),
  );
  passport.serializeUser((user, done) => done(null, { id: user.id, v: user.sessionVersion } satisfies SessionUser));
  passport.deserializeUser((stored: SessionUser, done) => {
    // A session from before a password change, or of a disabled account, is no longer signed in.
    accounts.findForSession(stored.id, stored.v).then((user: User | null) => done(null, user ?? false), done);
  });
}

/** The session cookie's name. */
export const SESSION_COOKIE = "rtc.sid";

/** Whether a Cookie header has a cookie of this name. */
export function hasCookie(header: string | undefined, name: string): boolean {
  if (!header) return false;
  return header.split(";").some((part) => part.trimStart().startsWith(`${name}=`));
}

/** Signed-in users only: others are sent to the sign-in page (or get a 401 under /api). */
export const requireSignIn: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  if (req.path.startsWith("/api/") || req.originalUrl.startsWith("/api/")) {
    res.status(401).json({ error: { code: "unauthenticated", message: "Sign in first." } });
    return;
  }
  // The way back after signing in, unless it is longer than the sign-in form keeps (then the workspace).
  res.redirect(303, req.originalUrl.length <= 500 ? `/sign-in?next=${encodeURIComponent(req.originalUrl)}` : "/sign-in");
};
