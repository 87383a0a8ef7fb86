import { Router } from "express";
import type { DataSource } from "typeorm";

/**
 * `/healthz`: the process answers. `/readyz`: it can serve requests (the database answers), with
 * a 503 otherwise so that a load balancer takes the instance out.
 */
export function healthRoutes(dataSource: DataSource): Router {
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
    res
      .status(ready ? 200 : 503)
      .set("Cache-Control", "no-store")
      .json({ status: ready ? "ok" : "unavailable", checks: { database } });
  });

  return router;
}
