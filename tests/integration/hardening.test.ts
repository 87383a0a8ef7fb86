import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import request from "supertest";
import { describe, expect, inject, it } from "vitest";
import { createApp } from "../../src/app";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { readListingFile } from "../../src/modules/transfer/listing-file";
import { TestApp, withTestApp } from "../helpers/app";
import { buildOrganisation, buildResource } from "../helpers/factories";
import { listingForm } from "../helpers/forms";
import { runEntry } from "../helpers/process";
import { csrfTokenIn, signedIn } from "../helpers/sessions";

let t: TestApp;
withTestApp({ demo: false }, (app) => (t = app));

describe("input at the edge", () => {
  it("takes control and private-use characters out of form fields, keeping tabs and line breaks", async () => {
    const organisation = await buildOrganisation(t);
    const { agent, token } = await signedIn(t, { email: "cleaner@example.org", organisationId: organisation.id, role: "admin" });
    const listing = await buildResource(t, { ownerId: organisation.id, title: "Listing to clean", topicSlugs: ["trafficking-in-persons"] });
    const [{ version }] = await t.dataSource.query("SELECT version FROM resources WHERE id = ?", [listing.id]);
    await agent
      .post(`/workspace/listings/${listing.id}`)
      .type("form")
      .send(
        listingForm({
          title: "Bell\u0007 and \u001b[31mescape\u0000 \ue000marked\ue001 title",
          summary: "First line\r\nsecond\tline\u0085",
          topicSlugs: "trafficking-in-persons",
          version: String(version),
          _csrf: token,
        }),
      )
      .expect(303);
    const [row] = await t.dataSource.query("SELECT title, summary FROM resources WHERE id = ?", [listing.id]);
    expect(row).toEqual({ title: "Bell and [31mescape marked title", summary: "First line\nsecond\tline" });
  });

  it("takes control and private-use characters out of imported rows, escaped in JSON or not", () => {
    const [json] = readListingFile('{"externalId":"N-1","kind":"course","title":"Na\\u0000me\\u001b \\ue000x","topics":["trafficking-in-persons"]}\n', "jsonl");
    expect((json.value as { title: string }).title).toBe("Name x");
    const [csv] = readListingFile('externalId,kind,title,topics\nN-2,course,"Bell\u0007 title",trafficking-in-persons\n', "csv");
    expect((csv.value as { title: string }).title).toBe("Bell title");
  });

  it("raises a listing's version by one for each save", async () => {
    const organisation = await buildOrganisation(t);
    const listing = await buildResource(t, { ownerId: organisation.id, topicSlugs: ["trafficking-in-persons"] });
    const before = (await t.services.editor.find(listing.id))!.version;
    await t.services.editor.setStatus(listing.id, before, "confirm", SYSTEM_ACTOR);
    expect((await t.services.editor.find(listing.id))!.version).toBe(before + 1);
  });

  it("refuses addresses with control, private-use or malformed characters with a 400, and out-of-range ids with a 404", async () => {
    for (const address of ["/reports/%00", "/api/v1/reports/%00", "/resources/a%07b", "/organisations/%EE%80%80", "/topics/%ZZ"]) {
      const res = await request(t.app).get(address);
      expect(res.status, address).toBe(400);
    }
    const organisation = await buildOrganisation(t);
    const { agent, token } = await signedIn(t, { email: "remover@example.org", organisationId: organisation.id, role: "admin" });
    const listing = await buildResource(t, { ownerId: organisation.id });
    for (const part of ["1.5", "1e20", "1e400", "99999999999", "-1", "0x10", "Infinity"]) {
      for (const kind of ["editions", "sessions"]) {
        const res = await agent.post(`/workspace/listings/${listing.id}/${kind}/${part}/remove`).type("form").send({ _csrf: token });
        expect(res.status, `${kind}/${part}`).toBe(404);
      }
    }
  });

  it("reads queries without their control and private-use characters", async () => {
    await buildResource(t, { title: "Zanzibar maritime course" });
    const res = await request(t.app).get("/api/v1/resources?q=zanzi%00bar%EE%80%80").expect(200);
    expect(res.body.data.map((r: { title: string }) => r.title)).toContain("Zanzibar maritime course");
    await request(t.app).get("/catalogue?q=%00%01%EE%80%81").expect(200);
  });
});

describe("sessions and caching", () => {
  it("keeps sessions working after a query of the session store failed", async () => {
    const organisation = await buildOrganisation(t);
    const { agent } = await signedIn(t, { email: "survivor@example.org", organisationId: organisation.id, role: "editor" });
    await agent.get("/account").expect(200);
    await t.dataSource.query("ALTER TABLE http_sessions RENAME TO http_sessions_away");
    try {
      await agent.get("/account");
    } finally {
      await t.dataSource.query("ALTER TABLE http_sessions_away RENAME TO http_sessions");
    }
    await agent.get("/account").expect(200);
    const fresh = request.agent(t.app);
    const token = csrfTokenIn((await fresh.get("/sign-in").expect(200)).text);
    await fresh.post("/sign-in").type("form").send({ email: "survivor@example.org", password: "correct horse battery staple 42", _csrf: token }).expect(303);
  });

  it("tells browsers and proxies to keep no copy of a signed-in person's pages", async () => {
    const { agent } = await signedIn(t, { email: "private@example.org", siteRole: "curator" });
    expect((await agent.get("/workspace").expect(200)).headers["cache-control"]).toBe("no-store");
    expect((await request(t.app).get("/").expect(200)).headers["cache-control"]).not.toBe("no-store");
  });

  it("warns once in production when requests come through a proxy that TRUST_PROXY does not name", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
    const app = createApp({ config: { ...t.config, env: "production", trustProxy: false }, logger, dataSource: t.dataSource, services: t.services });
    await request(app).get("/healthz").set("X-Forwarded-Proto", "https").set("X-Forwarded-For", "203.0.113.1");
    await request(app).get("/healthz").set("X-Forwarded-Proto", "https");
    const warnings = lines.filter((line) => line.includes("TRUST_PROXY is not set"));
    expect(warnings).toHaveLength(1);
  });
});

describe("the local search server", () => {
  it("is not given its master key on its command line", () => {
    const server = inject("meilisearch"); // the test run's own server, started by the app's supervisor
    const address = new URL(server.url).host;
    const ours = readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .map((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
        } catch {
          return "";
        }
      })
      .filter((commandLine) => commandLine.includes("meilisearch") && commandLine.includes(`--http-addr ${address}`));
    expect(ours).toHaveLength(1);
    expect(ours[0]).not.toContain(server.key);
  });
});

describe("the import command", () => {
  it("imports into a new database, loading the reference data itself, and shows true progress when not on a terminal", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "rtc-import-fresh-"));
    try {
      const file = path.join(dataDir, "listings.jsonl");
      const rows = Array.from({ length: 12 }, (_, i) => ({ externalId: `FRESH-${i}`, kind: "course", title: `Fresh course ${i}`, topics: ["trafficking-in-persons"] }));
      writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
      const run = runEntry("src/cli/import.ts", { DATA_DIR: dataDir }, ["--org", "jclec", file]);
      expect(await run.exited, run.output()).toBe(0);
      expect(run.output()).toContain("12 to create");
      const progress = run
        .output()
        .split("\n")
        .filter((line) => /^(checking|writing):/.test(line));
      expect(progress.length).toBeGreaterThan(0);
      for (const line of progress) {
        const match = line.match(/^(checking|writing): (\d+)\/(\d+) rows \((\d+)%\), ([\d.]+) s$/);
        expect(match, line).not.toBeNull();
        const [, , done, total, , seconds] = match!;
        expect(Number(total), line).toBe(12);
        expect(Number(done), line).toBeLessThanOrEqual(12);
        expect(Number(seconds), line).toBeLessThan(600);
      }
      expect(progress).toContain(progress.find((line) => line.startsWith("checking: 12/12 rows (100%)")));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
