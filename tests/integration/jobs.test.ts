import pino from "pino";
import { describe, expect, it } from "vitest";
import request from "supertest";
import { JobRuns } from "../../src/modules/jobs/job-runs.service";
import { Scheduler, type JobDefinition } from "../../src/modules/jobs/scheduler";
import { TestApp, withTestApp } from "../helpers/app";

const silent = pino({ level: "silent" });
const job = (name: string, run: () => Promise<string | null>, extra: Partial<JobDefinition> = {}): JobDefinition => ({ name, schedule: "0 3 * * *", leaseMs: 60_000, run, ...extra });

describe("scheduled jobs", () => {
  let t: TestApp;
  withTestApp({ demo: false }, (app) => (t = app));

  it("gives a slot to one claimant only, even when many ask at once", async () => {
    const runs = [new JobRuns(t.dataSource), new JobRuns(t.dataSource), new JobRuns(t.dataSource)];
    await runs[0].ensure("claim-race", null);
    const slot = new Date("2030-01-01T03:00:00Z");
    const won = await Promise.all(runs.flatMap((r, i) => [r.claim("claim-race", slot, `instance-${i}`, 60_000), r.claim("claim-race", slot, `instance-${i}b`, 60_000)]));
    expect(won.filter(Boolean)).toHaveLength(1);
    // The same slot again, once the winner let go: refused, it has run.
    const winner = `instance-${Math.floor(won.indexOf(true) / 2)}${won.indexOf(true) % 2 ? "b" : ""}`;
    await runs[0].finish("claim-race", winner, { ok: true, summary: "done" });
    expect(await runs[1].claim("claim-race", slot, "late", 60_000)).toBe(false);
    // The next slot is free.
    expect(await runs[1].claim("claim-race", new Date("2030-01-02T03:00:00Z"), "next", 60_000)).toBe(true);
    expect((await runs[0].find("claim-race"))?.runs).toBe(2);
  });

  it("keeps a later slot from another instance while a run holds the job, until its lease ends", async () => {
    const runs = new JobRuns(t.dataSource);
    await runs.ensure("held", null);
    const now = new Date("2030-01-01T03:00:00Z");
    expect(await runs.claim("held", now, "a", 60_000, now)).toBe(true);
    expect(await runs.claim("held", new Date("2030-01-01T03:00:30Z"), "b", 60_000, new Date("2030-01-01T03:00:30Z"))).toBe(false);
    // "a" died without finishing: after its lease another instance may take a later slot.
    expect(await runs.claim("held", new Date("2030-01-01T03:02:00Z"), "b", 60_000, new Date("2030-01-01T03:02:00Z"))).toBe(true);
  });

  it("records each run's outcome, and a failure's error, in job_runs and /readyz", async () => {
    const scheduler = new Scheduler(t.services.jobRuns, [], silent);
    await t.services.jobRuns.ensure("works", null);
    await t.services.jobRuns.ensure("breaks", null);
    expect(
      await scheduler.runSlot(
        job("works", async () => "7 things done"),
        new Date("2030-01-01T03:00:00Z"),
      ),
    ).toBe(true);
    expect(
      await scheduler.runSlot(
        job("breaks", async () => Promise.reject(new Error("the mail server is away"))),
        new Date("2030-01-01T03:00:00Z"),
      ),
    ).toBe(true);
    const works = await t.services.jobRuns.find("works");
    expect(works).toMatchObject({ lastOutcome: "ok", lastSummary: "7 things done", lastError: null, claimedBy: null, claimedUntil: null, runs: 1 });
    const breaks = await t.services.jobRuns.find("breaks");
    expect(breaks).toMatchObject({ lastOutcome: "failed", lastError: "the mail server is away", claimedUntil: null });
    const ready = await request(t.app).get("/readyz").expect(200);
    const jobs = (ready.body as { checks: { jobs: Array<{ name: string; outcome: string; error?: string | null }> } }).checks.jobs;
    expect(jobs.find((j) => j.name === "breaks")).toMatchObject({ outcome: "failed" });
    // The error's text may name internal hosts: curators read it on the link report, the public never.
    expect(JSON.stringify(ready.body)).not.toContain("the mail server is away");
    expect(jobs.find((j) => j.name === "works")).toMatchObject({ outcome: "ok" });
  });

  it("at start, runs a slot missed while no instance was up, and a first-start job once; a new job waits for its first slot", async () => {
    const ran: string[] = [];
    const record = (name: string) => async () => {
      ran.push(name);
      return null;
    };
    // "missed" last ran two days ago; its daily slot of this night passed with nobody up.
    await t.services.jobRuns.ensure("missed", new Date(Date.now() - 2 * 86_400_000));
    // An instance that starts and stops again, with the same three jobs each time.
    const startInstance = async () => {
      const scheduler = new Scheduler(
        t.services.jobRuns,
        [job("missed", record("missed")), job("on-first-start", record("on-first-start"), { runOnFirstStart: true }), job("new-job", record("new-job"))],
        silent,
      );
      await scheduler.start();
      await scheduler.stop();
    };
    await startInstance();
    expect(ran.sort()).toEqual(["missed", "on-first-start"]);
    // A second start in the same slot runs nothing again.
    await startInstance();
    expect(ran).toHaveLength(2);
  });

  it("runs each slot of a job on its schedule", async () => {
    let count = 0;
    const scheduler = new Scheduler(t.services.jobRuns, [job("every-second", async () => `${++count}`, { schedule: "* * * * * *" })], silent);
    await scheduler.start();
    const deadline = Date.now() + 10_000;
    while (count < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await scheduler.stop();
    expect(count).toBeGreaterThanOrEqual(2);
    expect((await t.services.jobRuns.find("every-second"))?.runs).toBe(count);
  });
});
