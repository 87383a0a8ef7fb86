import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SearchEngine } from "../../src/modules/search/search-engine";

/**
 * The searches' transport against a stand-in HTTP server that behaves badly on purpose: one that
 * never answers, and one that answers with an error. (The engine's real behaviour is tested
 * against a real Meilisearch in the integration tests.)
 */
let server: Server | null = null;

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = null;
});

describe("search transport", () => {
  it("gives up after the search timeout when the server does not answer", async () => {
    const host = await serve(() => undefined);
    const engine = new SearchEngine({ host, apiKey: "key", timeoutMs: 300 });
    const started = Date.now();
    await expect(engine.search("resources", { q: "guide", filter: [] })).rejects.toThrow();
    // The timeout is 300 ms; never answering would hang the test. Room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await engine.healthy()).toBe(false);
  });

  it("treats an error answer as an error, and sends the key and the query", async () => {
    let seen: { auth?: string; body?: string } = {};
    const host = await serve((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        seen = { auth: req.headers.authorization, body };
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ message: "Attribute `x` is not filterable", code: "invalid_search_filter" }));
      });
    });
    const engine = new SearchEngine({ host, apiKey: "secret-key", timeoutMs: 2000 });
    const error = await engine.search("resources", { q: "ការជួញដូរ", filter: ['x = "y"'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).cause)).toMatch(/answered 400: Attribute `x` is not filterable/);
    expect(seen.auth).toBe("Bearer secret-key");
    expect(JSON.parse(seen.body!)).toMatchObject({ q: "ការជួញដូរ", filter: ['x = "y"'] });
  });

  it("sends a search again, once, when the engine has just closed a kept-alive connection", async () => {
    const perSocket = new WeakMap<object, number>();
    let answered = 0;
    const host = await serve((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      // The second request on a connection finds it closed, as after the engine's keep-alive timeout.
      if (n === 2) return req.socket.destroy();
      answered++;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ hits: [], totalHits: 0, facetDistribution: {}, processingTimeMs: 0 }));
    });
    const engine = new SearchEngine({ host, apiKey: null, timeoutMs: 2000 });
    await engine.search("resources", { q: "one", filter: [] });
    await expect(engine.search("resources", { q: "two", filter: [] })).resolves.toMatchObject({ totalHits: 0 });
    expect(answered).toBe(2);
  });

  it("reads a successful answer", async () => {
    const host = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ hits: [{ id: 1, slug: "a" }], totalHits: 1, facetDistribution: { kind: { course: 1 } }, processingTimeMs: 1 }));
    });
    const engine = new SearchEngine({ host, apiKey: null, timeoutMs: 2000 });
    expect(await engine.search("resources", { q: "", filter: [] })).toEqual({ hits: [{ id: 1, slug: "a" }], totalHits: 1, facetDistribution: { kind: { course: 1 } }, processingTimeMs: 1 });
  });
});
