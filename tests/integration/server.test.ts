import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, runEntry, waitFor } from "../helpers/process";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "rtc-server-"));
  dirs.push(dir);
  return dir;
};

// Each test starts the app (and its Meilisearch) as a process of its own: on two busy cores that
// can take well over the default timeout.
describe("the server process", { timeout: 120_000 }, () => {
  it("starts on an empty data folder, serves the demo catalogue, and stops cleanly on SIGTERM", async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const server = runEntry("src/server.ts", { DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "development", LOG_LEVEL: "info" });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 90_000);
      const home = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(home).toMatch(/<strong>22<\/strong> listings/);
      // Development start-up shows the demo accounts, one per role, and they can sign in.
      expect(server.output()).toMatch(/Demo accounts \(development only/);
      expect(server.output()).toMatch(/curator\s+curator@demo\.rso\.example\s+demo-\S{16}/);
      expect(existsSync(path.join(dataDir, "catalogue.sqlite"))).toBe(true);
      expect(existsSync(path.join(dataDir, "session-secret"))).toBe(true);
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
      expect(server.output()).toContain('"msg":"stopped"');
    } finally {
      server.child.kill("SIGKILL");
    }
  });

  it("keeps the data across restarts without loading the demo twice", async () => {
    const dataDir = tempDir();
    for (let run = 0; run < 2; run++) {
      const port = await freePort();
      const server = runEntry("src/server.ts", { DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info" });
      try {
        await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 90_000);
        const body = (await (await fetch(`http://127.0.0.1:${port}/api/v1/resources?pageSize=1`)).json()) as { meta: { total: number } };
        expect(body.meta.total).toBe(22);
        server.child.kill("SIGTERM");
        expect(await server.exited).toBe(0);
        expect(server.output().includes("demo catalogue loaded")).toBe(run === 0);
      } finally {
        server.child.kill("SIGKILL");
      }
    }
  });

  it("refuses to start on a bad setting and names the variable", async () => {
    const server = runEntry("src/server.ts", { DATA_DIR: tempDir(), PORT: "eighty" });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain("PORT must be a whole number from 1 to 65535");
  });
});

describe("npm run user:create", { timeout: 120_000 }, () => {
  it("creates the first curator with the password from USER_PASSWORD, and refuses a weak one", async () => {
    const dataDir = tempDir();
    const ok = runEntry("src/cli/user-create.ts", { DATA_DIR: dataDir, USER_PASSWORD: "a long and unusual passphrase 31" }, ["--curator", "first.curator@rso.example"]);
    expect(await ok.exited).toBe(0);
    expect(ok.output()).toContain("created curator first.curator@rso.example");
    const weak = runEntry("src/cli/user-create.ts", { DATA_DIR: dataDir, USER_PASSWORD: "password" }, ["--curator", "second@rso.example"]);
    expect(await weak.exited).toBe(1);
    expect(weak.output()).toContain("password must be at least 12 characters");
    const usage = runEntry("src/cli/user-create.ts", { DATA_DIR: dataDir }, ["--org", "jclec", "--role", "boss", "x@y.z"]);
    expect(await usage.exited).toBe(2);
    expect(usage.output()).toContain("Usage:");
  });
});

describe("npm run report:import", { timeout: 120_000 }, () => {
  it("asks for --title when a CSV carries none, instead of failing on its first line", async () => {
    const run = runEntry("src/cli/report-import.ts", { DATA_DIR: tempDir() }, ["tests/fixtures/reports/ahg-2017-10.csv"]);
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("--title");
    expect(run.output()).not.toContain("line 1");
  });

  it("refuses to duplicate a report of the same title, and says which --slug updates it", async () => {
    const dataDir = tempDir();
    const file = "seeds/reports/ahg-progress-report-2017-10.txt";
    const first = runEntry("src/cli/report-import.ts", { DATA_DIR: dataDir }, [file]);
    expect(await first.exited).toBe(0);
    const again = runEntry("src/cli/report-import.ts", { DATA_DIR: dataDir }, [file]);
    expect(await again.exited).toBe(2);
    expect(again.output()).toContain("Give --slug ad-hoc-group-progress-report-october-2017 to update it (0 items added, 0 changed, 0 removed)");
  });
});

describe("npm run seed", { timeout: 120_000 }, () => {
  it("loads the demo catalogue and changes nothing when run again", async () => {
    const dataDir = tempDir();
    const first = runEntry("src/cli/seed.ts", { DATA_DIR: dataDir });
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('"resources":22');
    const second = runEntry("src/cli/seed.ts", { DATA_DIR: dataDir });
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('"resources":0');
  });
});
