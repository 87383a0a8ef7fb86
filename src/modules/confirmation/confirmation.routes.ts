import { Router, type Response } from "express";
import { z } from "zod";
import { parseWith } from "../../http/validate";
import { csrfToken } from "../../http/view-locals";
import type { Services } from "../../services";
import type { LinkOutcome, LinkPreview } from "./confirmation.service";

/** A confirm form sends only its CSRF token. */
const confirmFormSchema = z.object({ _csrf: z.string().optional() }).strict();

/** HTTP status of each way a link can end. */
const STATUS: Record<Exclude<LinkOutcome["kind"], "confirmed">, number> = { invalid: 404, expired: 410, used: 410, archived: 409 };

/**
 * The one-click confirm links of the re-confirmation digest. Opening a link (GET) only shows the
 * listing and a button, since mail scanners open links; the button (POST) confirms.
 */
export function confirmationPages(services: Pick<Services, "confirmation">): Router {
  const router = Router();

  const refuse = (res: Response, outcome: Exclude<LinkPreview, { kind: "ready" }>) => {
    res.status(STATUS[outcome.kind]).render("confirmation/outcome", { title: "", outcome });
  };

  router.get("/confirm/:token", async (req, res) => {
    const preview = await services.confirmation.preview(String(req.params.token));
    if (preview.kind !== "ready") return refuse(res, preview);
    res.locals.csrfToken = csrfToken(req);
    res.set("Cache-Control", "no-store");
    res.set("Referrer-Policy", "no-referrer");
    res.render("confirmation/confirm", { title: "", preview, action: `/confirm/${encodeURIComponent(String(req.params.token))}` });
  });

  router.post("/confirm/:token", async (req, res) => {
    parseWith(confirmFormSchema, req.body ?? {});
    const outcome = await services.confirmation.confirm(String(req.params.token));
    if (outcome.kind !== "confirmed") return refuse(res, outcome);
    res.set("Cache-Control", "no-store");
    res.render("confirmation/outcome", { title: "", outcome });
  });

  return router;
}
