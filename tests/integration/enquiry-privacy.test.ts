import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoAccounts } from "../../src/modules/demo/demo-data";
import { Enquiry } from "../../src/modules/enquiries/enquiry.entity";
import { createTestApp, TestApp } from "../helpers/app";
import { ask } from "../helpers/enquiries";
import { csrfTokenIn } from "../helpers/sessions";

describe("the demo catalogue", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("shows no person's email address on any public page or API response, after enquiries were made and answered", async () => {
    const demo = await seedDemoAccounts(t.services, t.dataDir);
    const secret = [...demo.map((d) => d.email), "scan.sender@example.net"];
    // CIFAL Jeju has a demo editor; the RSO's listings go to the demo curator.
    expect((await ask(t, "enhancing-victim-centred-approach-workshops", { email: "scan.sender@example.net" })).status).toBe(303);
    expect((await ask(t, "immlo-training-program", { email: "scan.sender@example.net", consent: "yes" })).status).toBe(303);
    const enquiries = await t.dataSource.getRepository(Enquiry).find();
    expect(enquiries.map((e) => e.routedToCurators).sort()).toEqual([false, true]);
    const editor = request.agent(t.app);
    const form = await editor.get("/sign-in");
    await editor
      .post("/sign-in")
      .type("form")
      .send({ email: "editor@demo.cifal-jeju.example", password: demo.find((d) => d.email === "editor@demo.cifal-jeju.example")!.password, _csrf: csrfTokenIn(form.text) })
      .expect(303);
    const mine = enquiries.find((e) => !e.routedToCurators)!;
    const page = await editor.get(`/workspace/enquiries/${mine.id}`).expect(200);
    await editor
      .post(`/workspace/enquiries/${mine.id}/reply`)
      .type("form")
      .send({ _csrf: csrfTokenIn(page.text), body: "Thank you; yes.", replyTo: "editor@demo.cifal-jeju.example" })
      .expect(303);

    // Every page a visitor can reach by following links from the home page, and the API.
    const seen = new Set<string>();
    const queue = ["/", "/catalogue", "/organisations", "/reports", "/coverage", "/topics", "/languages"];
    const api = ["/api/v1/resources?pageSize=100", "/api/v1/organisations", "/api/v1/topics", "/api/v1/reports", "/api/v1/search?q=trafficking", "/readyz"];
    const offenders: string[] = [];
    const check = (url: string, body: string) => {
      for (const s of secret) if (body.toLowerCase().includes(s)) offenders.push(`${url}: ${s}`);
    };
    while (queue.length && seen.size < 400) {
      const url = queue.shift()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const res = await request(t.app).get(url);
      // Icons and other binary answers have no text to hold an address.
      if (res.status !== 200 || typeof res.text !== "string") continue;
      check(url, res.text);
      if (!String(res.headers["content-type"]).includes("html")) continue;
      for (const match of res.text.matchAll(/href="(\/[^"#]*)"/g)) {
        const next = match[1].replace(/&amp;/g, "&");
        if (next.startsWith("/workspace") || next.startsWith("/account") || next.startsWith("/dev/") || next.endsWith(".css") || next.endsWith(".svg") || next.endsWith(".ico")) continue;
        if (!seen.has(next)) queue.push(next);
      }
    }
    for (const r of (await request(t.app).get("/api/v1/resources?pageSize=100")).body.data as Array<{ slug: string }>) api.push(`/api/v1/resources/${r.slug}`);
    for (const url of api) {
      const res = await request(t.app).get(url);
      check(url, res.text);
    }
    expect(seen.size).toBeGreaterThan(40);
    expect([...seen].filter((u) => u.startsWith("/resources/")).length).toBeGreaterThanOrEqual(22);
    expect(offenders).toEqual([]);
  });
});
