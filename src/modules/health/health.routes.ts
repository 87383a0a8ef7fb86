import { Router } from "express";
import type { Services } from "../../services";

/**
 * `/healthz`: the process answers. `/readyz`: it can serve requests. The database is required
 * (503 without it); the search engine is not, since search falls back to the database, so its
 * state and the outbox backlog are reported without failing readiness; so is the mail outbox's, and each scheduled job's last run.
 * One exception: while a reachable engine's index is still being built after start-up (it has not
 * caught up with the database yet), the app is not ready, so that a balancer waits for it; search
 * answers from the database meanwhile.
 */
export function healthRoutes(services: Pick<Services, "database" | "engine" | "outbox" | "worker" | "indexCatchUp" | "mailOutbox" | "mailWorker" | "mailer" | "jobRuns">): Router {
  const router = Router();

  router.get("/healthz", (_req, res) => {
    res.set("Cache-Control", "no-store").json({ status: "ok" });
  });

  router.get("/readyz", async (_req, res) => {
    const database: "ok" | "unavailable" = (await services.database.answers()) ? "ok" : "unavailable";
    let ready = database === "ok";
    let search: Record<string, unknown> = { engine: "none", mode: "database" };
    let mail: Record<string, unknown> = { transport: services.mailer.enabled ? "smtp" : "log" };
    let jobs: unknown[] = [];
    if (ready) {
      const outbox = await services.outbox.stats().catch(() => null);
      const engineUp = services.engine ? await services.engine.healthy() : false;
      const indexing = engineUp && !(await services.indexCatchUp.caughtUp().catch(() => false));
      // Not ready while the index is being built; a backlog the engine keeps refusing is reported instead.
      if (indexing && (outbox?.failing ?? 0) === 0) ready = false;
      search = {
        engine: services.engine ? (engineUp ? "ok" : "unavailable") : "none",
        mode: engineUp && !indexing ? "engine" : "database",
        ...(indexing ? { index: "building" } : {}),
        outbox: outbox ? { pending: outbox.pending, failing: outbox.failing, lastError: outbox.lastError } : null,
        ...(services.engine ? { cache: services.engine.cacheStats() } : {}),
      };
      // Mail waits in the outbox while the SMTP server is away: reported, not a reason to be unready.
      const mailOutbox = await services.mailOutbox.stats().catch(() => null);
      mail = { ...mail, state: services.mailWorker.healthy ? "ok" : "retrying", outbox: mailOutbox };
      // Each job's last run: a failed one is reported (its error text only to curators, on the link
      // report: it may name internal hosts), and the next slot tries again.
      jobs = (await services.jobRuns.statuses().catch(() => [])).map((j) => ({ name: j.name, outcome: j.outcome, lastRunAt: j.lastStartedAt, finishedAt: j.lastFinishedAt, summary: j.summary }));
    }
    res
      .status(ready ? 200 : 503)
      .set("Cache-Control", "no-store")
      .json({ status: ready ? "ok" : database === "ok" ? "starting" : "unavailable", checks: { database, search, mail, jobs } });
  });

  return router;
}
