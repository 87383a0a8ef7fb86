import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { ForbiddenError, NotFoundError, ValidationError } from "../../http/errors";
import { idParam } from "../../http/input";
import { parseWith } from "../../http/validate";
import { message } from "../../i18n/message";
import type { Services } from "../../services";
import { requireSignIn } from "../accounts/auth";
import { canCurate } from "../accounts/policies";
import type { Actor } from "../audit/audit.service";
import { ConflictError } from "../catalogue/listing-editor.service";
import { presentQueue } from "./review.presenter";
import { MAX_REASON, NotAwaitingReviewError } from "./review.service";

const version = z
  .string()
  .regex(/^\d{1,9}$/, message("listing.errors.reload"))
  .transform(Number);
const approveSchema = z.object({ _csrf: z.string().optional(), version }).strict();
// The reason's own checks (required, length) are the service's, so that they hold for every caller.
const sendBackSchema = z.object({ _csrf: z.string().optional(), version, reason: z.string().max(MAX_REASON * 4, message("validation.tooLong", { maximum: MAX_REASON })) }).strict();

const actorOf = (req: Request): Actor => ({ id: req.user!.id, label: req.user!.email });

/** A send-back form as typed, with its error, shown again on the queue. */
interface FailedForm {
  id: number;
  reason: string;
  errors: Record<string, string>;
  message: string;
}

/** The curators' review queue: listings of unverified organisations waiting to be made public. */
export function reviewPages(services: Pick<Services, "review">): Router {
  const router = Router();
  const { review } = services;

  router.use("/workspace/review", requireSignIn, (req, _res, next) => {
    if (!canCurate(req.user ?? null)) throw new ForbiddenError(message("review.errors.curatorsOnly"));
    next();
  });

  async function renderQueue(req: Request, res: Response, status = 200, failed: FailedForm | null = null, notice: string | null = null) {
    const queue = await review.queue();
    res.status(status).render("workspace/review", { title: "Review", rows: presentQueue(queue), failed, notice, done: typeof req.query.done === "string" ? req.query.done : null });
  }

  router.get("/workspace/review", async (req, res) => {
    await renderQueue(req, res);
  });

  const decision = (path: string, decide: (req: Request, id: number) => Promise<string>) => {
    router.post(path, async (req, res) => {
      const id = idParam(req.params.id);
      if (id === null) throw new NotFoundError(message("errors.notFound.ownListing"));
      try {
        const done = await decide(req, id);
        res.redirect(303, `/workspace/review?done=${done}`);
      } catch (error) {
        if (error instanceof ConflictError) return renderQueue(req, res, 409, null, message("review.errors.changed"));
        if (error instanceof NotAwaitingReviewError) return renderQueue(req, res, 409, null, error.messageKey);
        if (!(error instanceof ValidationError)) throw error;
        const body = (req.body ?? {}) as Record<string, unknown>;
        await renderQueue(req, res, 400, { id, reason: typeof body.reason === "string" ? body.reason : "", errors: error.fieldKeys ?? {}, message: message("review.errors.notSentBack") });
      }
    });
  };
  decision("/workspace/review/:id/approve", async (req, id) => {
    const input = parseWith(approveSchema, req.body ?? {});
    await review.approve(id, input.version, actorOf(req));
    return "approved";
  });
  decision("/workspace/review/:id/send-back", async (req, id) => {
    const input = parseWith(sendBackSchema, req.body ?? {});
    await review.sendBack(id, input.version, input.reason, actorOf(req));
    return "sent-back";
  });

  return router;
}
