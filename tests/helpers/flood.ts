import { createServer, type Server } from "node:http";
import { expect } from "vitest";
import type { AddressInfo } from "node:net";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { FAILURES_PER_PAIR } from "../../src/modules/accounts/sign-in-limiter";
import type { TestApp } from "./app";
import { buildOrganisation, buildResource } from "./factories";
import { listingForm } from "./forms";
import { HttpClient } from "./http-client";
import { csrfTokenIn, TEST_PASSWORD } from "./sessions";

export interface FloodFigures {
  /** Answers of every request made, by status. */
  statuses: Record<number, number>;
  floodRequests: number;
  /** Password checks of the flooded account made while the flood ran (the app's own authenticate calls). */
  passwordChecks: number;
  saves: number;
  savesStored: boolean;
  visitorRequests: number;
  slowestVisitorMs: number;
  /** The flooded account's right password, from another address, after the flood. */
  victimFromElsewhere: number;
  /** Another account's right password, from the flooding address, after the flood. */
  otherFromFloodingAddress: number;
  /** /, /healthz, /readyz, a signed-in API call, after the flood. */
  afterwards: number[];
}

/**
 * The attack of a sign-in flood on a fresh instance: CONNECTIONS concurrent wrong passwords for one
 * account from one address for `seconds`, starting while the instance builds its search index and
 * drains its outbox, while a contributor saves a listing again and again and new visitors arrive.
 * The app must be made with TRUST_PROXY on, so that X-Forwarded-For stands for each client's address.
 */
export async function signInFlood(t: TestApp, options: { seconds: number; connections: number }): Promise<FloodFigures> {
  const organisation = await buildOrganisation(t);
  const victim = "flooded.editor@example.org";
  const contributor = "busy.contributor@example.org";
  const other = "other.person@example.org";
  for (const email of [victim, contributor, other]) {
    await t.services.accounts.create({ email, displayName: email, password: TEST_PASSWORD, organisationId: organisation.id, organisationRole: "editor", siteRole: "none" }, SYSTEM_ACTOR);
  }
  const listing = await buildResource(t, { ownerId: organisation.id, title: "Listing saved during the flood", topicSlugs: ["trafficking-in-persons"] });

  let checks = 0;
  const authenticate = t.services.accounts.authenticate.bind(t.services.accounts);
  t.services.accounts.authenticate = (email: string, password: string) => {
    if (email === victim) checks++;
    return authenticate(email, password);
  };

  const server: Server = createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const statuses: Record<number, number> = {};
  const count = (status: number) => (statuses[status] = (statuses[status] ?? 0) + 1);
  try {
    // As on a fresh start: the index is built while the first requests arrive.
    const rebuilding = t.services.indexer?.rebuild().catch(() => undefined);
    const deadline = Date.now() + options.seconds * 1000;
    const running = () => Date.now() < deadline;

    let floodRequests = 0;
    const attacker = async (n: number) => {
      const browser = new HttpClient(base, "203.0.113.66");
      const token = await browser.token();
      while (running()) {
        const res = await browser.request("POST", "/sign-in", { email: victim, password: `wrong password ${n}-${floodRequests}`, _csrf: token });
        count(res.status);
        floodRequests++;
      }
    };

    let saves = 0;
    let lastTitle = "";
    let savesStored = true;
    const saver = async () => {
      const browser = new HttpClient(base, "198.51.100.20");
      if ((await browser.signIn(contributor, TEST_PASSWORD)) !== 303) throw new Error("the contributor could not sign in");
      const token = csrfTokenIn((await browser.request("GET", `/workspace/listings/${listing.id}/edit`)).text);
      while (running()) {
        const [row] = (await t.dataSource.query(t.dataSource.options.type === "postgres" ? "SELECT version FROM resources WHERE id = $1" : "SELECT version FROM resources WHERE id = ?", [
          listing.id,
        ])) as Array<{ version: number }>;
        lastTitle = `Saved during the flood, number ${saves + 1}`;
        const res = await browser.request("POST", `/workspace/listings/${listing.id}`, {
          ...listingForm({ summary: "A listing saved again and again while the sign-in page is flooded.", topicSlugs: ["trafficking-in-persons"] }),
          title: lastTitle,
          version: String(row.version),
          _csrf: token,
        });
        count(res.status);
        if (res.status !== 303) savesStored = false;
        saves++;
      }
    };

    let visitorRequests = 0;
    let slowestVisitorMs = 0;
    const visitors = async () => {
      while (running()) {
        const browser = new HttpClient(base, `192.0.2.${1 + (visitorRequests % 200)}`);
        for (const path of ["/", "/catalogue?q=trafficking", "/sign-in", "/healthz"]) {
          const res = await browser.request("GET", path);
          count(res.status);
          visitorRequests++;
          slowestVisitorMs = Math.max(slowestVisitorMs, res.ms);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    await Promise.all([...Array.from({ length: options.connections }, (_, n) => attacker(n)), saver(), visitors()]);
    await rebuilding;
    const passwordChecks = checks;

    const [stored] = (await t.dataSource.query(t.dataSource.options.type === "postgres" ? "SELECT title FROM resources WHERE id = $1" : "SELECT title FROM resources WHERE id = ?", [
      listing.id,
    ])) as Array<{ title: string }>;
    if (stored.title !== lastTitle) savesStored = false;

    const victimFromElsewhere = await new HttpClient(base, "198.51.100.77").signIn(victim, TEST_PASSWORD);
    const otherFromFloodingAddress = await new HttpClient(base, "203.0.113.66").signIn(other, TEST_PASSWORD);
    const signedIn = new HttpClient(base, "198.51.100.78");
    await signedIn.signIn(other, TEST_PASSWORD);
    const afterwards: number[] = [];
    for (const path of ["/", "/healthz", "/readyz"]) afterwards.push((await new HttpClient(base, "192.0.2.250").request("GET", path)).status);
    afterwards.push((await signedIn.request("GET", "/api/v1/search?q=border")).status);
    return { statuses, floodRequests, passwordChecks, saves, savesStored, visitorRequests, slowestVisitorMs, victimFromElsewhere, otherFromFloodingAddress, afterwards };
  } finally {
    t.services.accounts.authenticate = authenticate;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The most password checks the flood may cause: one account from one address. */
export const FLOOD_CHECK_LIMIT = FAILURES_PER_PAIR;

/** What must hold after the flood, whatever the database. */
export function expectTheSiteHeld(f: FloodFigures): void {
  const failures = Object.entries(f.statuses).filter(([status]) => Number(status) >= 500);
  expect(failures, `answers: ${JSON.stringify(f.statuses)}`).toEqual([]);
  expect(f.floodRequests).toBeGreaterThan(100);
  expect(f.passwordChecks, "password checks during the flood").toBeLessThanOrEqual(FLOOD_CHECK_LIMIT);
  expect(f.saves).toBeGreaterThan(0);
  expect(f.savesStored, "every save answered 303 and the last one is what is stored").toBe(true);
  expect(f.visitorRequests).toBeGreaterThan(0);
  expect(f.slowestVisitorMs, "the slowest visitor's page").toBeLessThan(10_000);
  expect(f.victimFromElsewhere, "the flooded account's right password from another address").toBe(303);
  expect(f.otherFromFloodingAddress, "another account's right password from the flooding address").toBe(303);
  expect(f.afterwards).toEqual([200, 200, 200, 200]);
}
