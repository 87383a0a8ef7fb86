import { Router, type NextFunction, type Request, type Response } from "express";
import passport from "passport";
import { z } from "zod";
import { message } from "../../i18n/message";
import { ValidationError } from "../../http/errors";
import { parseWith } from "../../http/validate";
import type { Services } from "../../services";
import type { SignInLimiter } from "./sign-in-limiter";
import { requireSignIn } from "./auth";

const signInSchema = z
  .object({
    email: z
      .string()
      .trim()
      .min(1, message("accounts.errors.enterEmail"))
      .max(254, message("validation.tooLong", { maximum: 254 })),
    password: z
      .string()
      .min(1, message("accounts.errors.enterPassword"))
      .max(1024, message("validation.tooLong", { maximum: 1024 })),
    next: z.string().max(500).optional(),
    _csrf: z.string().optional(),
  })
  .strict();

const passwordSchema = z
  .object({
    currentPassword: z
      .string()
      .min(1, message("accounts.errors.enterCurrent"))
      .max(1024, message("validation.tooLong", { maximum: 1024 })),
    newPassword: z.string().max(1024, message("validation.tooLong", { maximum: 1024 })),
    confirmPassword: z.string().max(1024, message("validation.tooLong", { maximum: 1024 })),
    _csrf: z.string().optional(),
  })
  .strict()
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: message("accounts.errors.noMatchNew") });

const acceptSchema = z
  .object({
    password: z.string().max(1024, message("validation.tooLong", { maximum: 1024 })),
    confirmPassword: z.string().max(1024, message("validation.tooLong", { maximum: 1024 })),
    _csrf: z.string().optional(),
  })
  .strict()
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: message("accounts.errors.noMatch") });

/** Only paths of this site, so that the sign-in form cannot send anyone elsewhere. */
export function safeNext(next: unknown, fallback = "/workspace"): string {
  return typeof next === "string" && /^\/(?![/\\])[\w\-./?=&%~+:,@]*$/.test(next) ? next : fallback;
}

const SAME_ANSWER = message("accounts.signIn.wrong");

function logIn(req: Request, user: Express.User): Promise<void> {
  // Passport regenerates the session on log-in, so that an id fixed before sign-in is worthless.
  return new Promise((resolve, reject) => req.logIn(user, (error) => (error ? reject(error) : resolve())));
}

function authenticate(req: Request, res: Response, next: NextFunction): Promise<Express.User | false> {
  return new Promise((resolve, reject) => {
    passport.authenticate("local", (error: unknown, user: Express.User | false) => (error ? reject(error) : resolve(user)))(req, res, next);
  });
}

/** Sign-in, sign-out, own account, and accepting an invitation. */
export function accountPages(services: Pick<Services, "accounts">, limiter: SignInLimiter): Router {
  const router = Router();
  const { accounts } = services;

  router.get("/sign-in", (req, res) => {
    if (req.user) return res.redirect(303, safeNext(req.query.next));
    res.render("accounts/sign-in", { title: "Sign in", values: { email: "", next: safeNext(req.query.next) }, errors: {}, message: null });
  });

  router.post("/sign-in", async (req, res, next) => {
    const values = { email: typeof req.body?.email === "string" ? req.body.email : "", next: safeNext(req.body?.next) };
    const show = (status: number, message: string, errors: Record<string, string> = {}) => res.status(status).render("accounts/sign-in", { title: "Sign in", values, errors, message });
    let input: z.output<typeof signInSchema>;
    try {
      input = parseWith(signInSchema, req.body ?? {}, message("accounts.signIn.enter"));
    } catch (error) {
      if (error instanceof ValidationError) return show(400, error.messageKey, error.fieldKeys);
      throw error;
    }
    const address = req.ip ?? "unknown";
    // The try is counted before the password is checked, so that a burst cannot get more checks than the limits.
    const attempt = await limiter.attempt(input.email, address);
    if (!attempt.allowed) {
      const wait = attempt.retryAfterSeconds;
      res.set("Retry-After", String(wait));
      return show(429, wait < 60 ? message("accounts.signIn.tooManySeconds", { seconds: wait }) : message("accounts.signIn.tooMany", { minutes: Math.ceil(wait / 60) }));
    }
    const user = await authenticate(req, res, next);
    if (!user) return show(401, SAME_ANSWER);
    await limiter.succeeded(input.email, address);
    await logIn(req, user);
    res.redirect(303, values.next);
  });

  router.post("/sign-out", (req, res, next) => {
    req.logout((error) => {
      if (error) return next(error);
      req.session.destroy(() => {
        res.clearCookie("rtc.sid");
        res.redirect(303, "/");
      });
    });
  });

  router.get("/account", requireSignIn, (req, res) => {
    res.render("accounts/account", { title: "Your account", errors: {}, message: null, saved: req.query.saved === "1" });
  });

  router.post("/account/password", requireSignIn, async (req, res) => {
    try {
      const input = parseWith(passwordSchema, req.body ?? {});
      const user = await accounts.changePassword(req.user as never, input.currentPassword, input.newPassword);
      // This session stays signed in under the new version; every other session has ended.
      await logIn(req, user);
      res.redirect(303, "/account?saved=1");
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(400).render("accounts/account", { title: "Your account", errors: error.fieldKeys ?? {}, message: error.messageKey, saved: false });
    }
  });

  router.get("/invitations/:token", async (req, res) => {
    const invitation = await accounts.findInvitation(String(req.params.token));
    if (!invitation) {
      res.status(404).render("errors/404", { message: message("accounts.invitation.notFound") });
      return;
    }
    res.render("accounts/invitation", { title: "Set your password", invitation, errors: {}, message: null });
  });

  router.post("/invitations/:token", async (req, res) => {
    const token = String(req.params.token);
    const invitation = await accounts.findInvitation(token);
    if (!invitation) {
      res.status(404).render("errors/404", { message: message("accounts.invitation.notFound") });
      return;
    }
    try {
      const input = parseWith(acceptSchema, req.body ?? {});
      const user = await accounts.acceptInvitation(token, input.password);
      await logIn(req, user);
      res.redirect(303, "/workspace");
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(400).render("accounts/invitation", { title: "Set your password", invitation, errors: error.fieldKeys ?? {}, message: error.messageKey });
    }
  });

  return router;
}
