import { Router } from "express";
import type { DataSource } from "typeorm";
import type { Services } from "../../services";

/**
 * `/healthz`: the process answers. `/readyz`: it can serve requests. The database is required
 * (503 without it); the search engine is not, since search falls back to the database, so its
 * state and the outbox backlog are reported without failing readiness; so is the mail outbox's, and each scheduled job's last run.
 */
export function healthRoutes(dataSource: DataSource, services: Pick<Services, "engine" | "outbox" | "worker" | "mailOutbox" | "mailWorker" | "mailer" | "jobRuns">): Router {
  const router = Router();

  router.get("/healthz", (_req, res) => {
    res.set("Cache-Control", "no-store").json({ status: "ok" });
  });

  router.get("/readyz", async (_req, res) => {
    let database: "ok" | "unavailable" = "ok";
    try {
      if (!dataSource.isInitialized) throw new Error("not initialised");
      await dataSource.query("SELECT 1");
    } catch {
      database = "unavailable";
    }
    const ready = database === "ok";
    let search: Record<string, unknown> = { engine: "none", mode: "database" };
    let mail: Record<string, unknown> = { transport: services.mailer.enabled ? "smtp" : "log" };
    let jobs: unknown[] = [];
    if (ready) {
      const outbox = await services.outbox.stats().catch(() => null);
      const engineUp = services.engine ? await services.engine.healthy() : false;
      search = {
        engine: services.engine ? (engineUp ? "ok" : "unavailable") : "none",
        mode: engineUp ? "engine" : "database",
        outbox: outbox ? { pending: outbox.pending, failing: outbox.failing, lastError: outbox.lastError } : null,
        ...(services.engine ? { cache: services.engine.cacheStats() } : {}),
      };
      // Mail waits in the outbox while the SMTP server is away: reported, not a reason to be unready.
      const mailOutbox = await services.mailOutbox.stats().catch(() => null);
      mail = { ...mail, state: services.mailWorker.healthy ? "ok" : "retrying", outbox: mailOutbox };
      // Each job's last run: a failed one is reported, and the next slot tries again.
      jobs = (await services.jobRuns.statuses().catch(() => [])).map((j) => ({ name: j.name, outcome: j.outcome, lastRunAt: j.lastStartedAt, finishedAt: j.lastFinishedAt, summary: j.summary, error: j.error }));
    }
    res
      .status(ready ? 200 : 503)
      .set("Cache-Control", "no-store")
      .json({ status: ready ? "ok" : "unavailable", checks: { database, search, mail, jobs } });
  });

  return router;
}
