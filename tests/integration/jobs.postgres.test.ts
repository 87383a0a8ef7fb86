import { describe, expect, it } from "vitest";
import { postgresUrl, usePostgres } from "../helpers/postgres";
import { freePort, runEntry, waitFor, type Started } from "../helpers/process";

/** The slots each process's log says it ran, per job. */
const ranSlots = (log: string, job: string) =>
  log
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { msg?: string; job?: string; slot?: string })
    .filter((entry) => entry.msg === "job run" && entry.job === job)
    .map((entry) => entry.slot as string);

describe.runIf(Boolean(postgresUrl))("two app processes on one PostgreSQL database", { timeout: 180_000 }, () => {
  it("run each slot of every job exactly once between them", async () => {
    const database = await usePostgres();
    const processes: Started[] = [];
    try {
      const env = (port: number) => ({
        DATABASE_URL: database.url,
        PORT: String(port),
        HOST: "127.0.0.1",
        NODE_ENV: "development",
        LOG_LEVEL: "info",
        DEMO_DATA: "false",
        MEILI_LOCAL: "false",
        SESSION_SECRET: "a-session-secret-long-enough-for-the-check",
        JOBS: "on",
        // Every two seconds, so that the test sees several slots of each job.
        JOB_ENQUIRY_RETENTION: "*/2 * * * * *",
        JOB_CONFIRMATION_DIGEST: "*/2 * * * * *",
        JOB_LINK_CHECK: "*/2 * * * * *",
      });
      const ports = [await freePort(), await freePort()];
      // One after the other: the first applies the migrations.
      for (const port of ports) {
        const started = runEntry("src/server.ts", env(port));
        processes.push(started);
        await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 90_000);
      }
      const bothUpAt = Date.now();
      await new Promise((r) => setTimeout(r, 9_000));
      for (const p of processes) p.child.kill("SIGTERM");
      expect(await Promise.all(processes.map((p) => p.exited))).toEqual([0, 0]);

      const { Client } = await import("pg");
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        for (const job of ["enquiry-retention", "confirmation-digest", "link-check"]) {
          const all = processes.flatMap((p) => ranSlots(p.output(), job));
          // Each slot once, whichever process took it.
          expect(new Set(all).size, job).toBe(all.length);
          // Both processes were up for several slots, and those slots were run.
          const whileBoth = all.filter((s) => Date.parse(s) > bothUpAt + 1000 && Date.parse(s) < bothUpAt + 8000);
          expect(whileBoth.length, job).toBeGreaterThanOrEqual(3);
          const { rows } = await client.query<{ runs: number; last_outcome: string }>("SELECT runs, last_outcome FROM job_runs WHERE name = $1", [job]);
          expect(rows[0].runs, job).toBe(all.length);
          expect(rows[0].last_outcome, job).toBe("ok");
        }
      } finally {
        await client.end();
      }
    } finally {
      for (const p of processes) p.child.kill("SIGKILL");
      await database.drop();
    }
  });
});
