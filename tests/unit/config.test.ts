import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "rtc-config-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, tempDir());
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  it("has working defaults for development: port 3000, a SQLite file under data/, demo data on", () => {
    const cwd = tempDir();
    const config = loadConfig({}, cwd);
    expect(config).toMatchObject({ env: "development", port: 3000, demoData: true, logLevel: "info", trustProxy: false });
    expect(config.dataDir).toBe(path.join(cwd, "data"));
    expect(config.database).toEqual({ kind: "sqlite", url: `sqlite:${path.join(cwd, "data", "catalogue.sqlite")}`, sqlitePath: path.join(cwd, "data", "catalogue.sqlite") });
  });

  it("generates a session secret once, keeps it under the data folder and reuses it", () => {
    const cwd = tempDir();
    const first = loadConfig({}, cwd).sessionSecret;
    const file = path.join(cwd, "data", "session-secret");
    expect(readFileSync(file, "utf8").trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadConfig({}, cwd).sessionSecret).toBe(first);
    expect(first.length).toBeGreaterThanOrEqual(32);
  });

  it("requires a session secret in production and turns demo data off there", () => {
    expect(problemsOf({ NODE_ENV: "production" })).toEqual(["SESSION_SECRET is required in production (at least 32 characters)"]);
    const config = loadConfig({ NODE_ENV: "production", SESSION_SECRET: "s".repeat(40) }, tempDir());
    expect(config.demoData).toBe(false);
  });

  it("names each bad variable and what is allowed", () => {
    const problems = problemsOf({ PORT: "eighty", NODE_ENV: "staging", DEMO_DATA: "perhaps", DATABASE_URL: "mysql://x", SESSION_SECRET: "short" });
    expect(problems).toEqual(
      expect.arrayContaining([
        "PORT must be a whole number from 1 to 65535",
        "NODE_ENV must be development, production or test",
        "DEMO_DATA must be one of true, false, 1, 0, yes, no, on, off",
        expect.stringMatching(/^DATABASE_URL must be sqlite:<file path>/),
        "SESSION_SECRET must be at least 32 characters",
      ]),
    );
    expect(problemsOf({ PORT: "70000" })).toEqual(["PORT must be a whole number from 1 to 65535"]);
  });

  it("reads a Postgres URL, a relative SQLite path and the other switches", () => {
    const cwd = tempDir();
    expect(loadConfig({ DATABASE_URL: "postgres://u:p@db:5432/rtc" }, cwd).database).toEqual({ kind: "postgres", url: "postgres://u:p@db:5432/rtc", sqlitePath: undefined });
    expect(loadConfig({ DATABASE_URL: "sqlite:db/x.sqlite" }, cwd).database.sqlitePath).toBe(path.join(cwd, "db", "x.sqlite"));
    const config = loadConfig({ DEMO_DATA: "off", PORT: "8080", TRUST_PROXY: "1", LOG_LEVEL: "debug" }, cwd);
    expect(config).toMatchObject({ demoData: false, port: 8080, trustProxy: 1, logLevel: "debug" });
  });

  it("keeps search answers in 32 MB by default, checked every 250 ms; 0 turns that off; bad sizes are named", () => {
    const cwd = tempDir();
    expect(loadConfig({}, cwd).search.cache).toEqual({ maxBytes: 32 * 1024 * 1024, checkMs: 250 });
    expect(loadConfig({ SEARCH_CACHE_MB: "64", SEARCH_CACHE_CHECK_MS: "1000" }, cwd).search.cache).toEqual({ maxBytes: 64 * 1024 * 1024, checkMs: 1000 });
    expect(loadConfig({ SEARCH_CACHE_MB: "0" }, cwd).search.cache).toBeNull();
    expect(problemsOf({ SEARCH_CACHE_MB: "lots", SEARCH_CACHE_CHECK_MS: "5" })).toEqual([
      "SEARCH_CACHE_MB must be a whole number of megabytes from 0 (no cache) to 4096",
      "SEARCH_CACHE_CHECK_MS must be a whole number of milliseconds from 10 to 60000",
    ]);
  });

  it("checks links with a timeout and a pause per host, and allows loopback targets only outside production", () => {
    const cwd = tempDir();
    expect(loadConfig({}, cwd).linkCheck).toEqual({ timeoutMs: 10000, pauseMs: 1000, allowLoopback: false });
    expect(loadConfig({ LINK_CHECK_ALLOW_LOOPBACK: "true", LINK_CHECK_TIMEOUT_MS: "500", LINK_CHECK_PAUSE_MS: "0" }, cwd).linkCheck).toEqual({ timeoutMs: 500, pauseMs: 0, allowLoopback: true });
    expect(problemsOf({ NODE_ENV: "production", SESSION_SECRET: "a-production-secret-of-enough-length", LINK_CHECK_ALLOW_LOOPBACK: "true" })).toEqual([
      "LINK_CHECK_ALLOW_LOOPBACK is for tests against a local server and is refused in production",
    ]);
    expect(problemsOf({ LINK_CHECK_TIMEOUT_MS: "5" })).toEqual(["LINK_CHECK_TIMEOUT_MS must be a whole number of milliseconds from 100 to 120000"]);
  });

  it("runs the scheduled jobs except in tests, on schedules that can be changed; a bad pattern is named", () => {
    const cwd = tempDir();
    expect(loadConfig({}, cwd).jobs).toEqual({ enabled: true, confirmationDigest: "0 6 * * 1", linkCheck: "0 3 * * *", enquiryRetention: "30 2 * * *" });
    expect(loadConfig({ NODE_ENV: "test" }, cwd).jobs.enabled).toBe(false);
    expect(loadConfig({ JOBS: "off", JOB_LINK_CHECK: "15 4 * * *" }, cwd).jobs).toMatchObject({ enabled: false, linkCheck: "15 4 * * *" });
    expect(problemsOf({ JOB_LINK_CHECK: "every night" })).toEqual(['JOB_LINK_CHECK must be a cron pattern such as "0 3 * * *" (minute hour day month weekday, UTC; a sixth field first for seconds)']);
  });
});
