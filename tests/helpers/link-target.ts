import http from "node:http";
import type { AddressInfo } from "node:net";

/** A request the server saw: when it came and when its connection was done with. */
export interface SeenRequest {
  method: string;
  path: string;
  start: number;
  end: number | null;
  /** Bytes of body written before the client went away. */
  written: number;
}

/**
 * A local HTTP server with one path per way an address can answer: 200, 301 → 200, 404, 500, a
 * slow answer, a reset connection, a redirect loop, an endless body, HEAD refused, a redirect to a
 * private address and a chain of six redirects.
 */
export async function startLinkTarget(): Promise<{ origin: string; seen: SeenRequest[]; close(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const entry: SeenRequest = { method: req.method ?? "", path: req.url ?? "", start: Date.now(), end: null, written: 0 };
    seen.push(entry);
    res.on("close", () => (entry.end = Date.now()));
    const path = (req.url ?? "").split("?")[0];
    switch (path) {
      case "/ok":
        res.writeHead(200, { "content-type": "text/html" }).end("<p>fine</p>");
        return;
      case "/moved":
        res.writeHead(301, { location: "/ok" }).end();
        return;
      case "/missing":
        res.writeHead(404).end("not here");
        return;
      case "/broken":
        res.writeHead(500).end("oops");
        return;
      case "/slow":
        // Answers nothing, ever: the checker must give up.
        return;
      case "/reset":
        req.socket.destroy();
        return;
      case "/loop-a":
        res.writeHead(302, { location: "/loop-b" }).end();
        return;
      case "/loop-b":
        res.writeHead(302, { location: "/loop-a" }).end();
        return;
      case "/head-refused":
        if (req.method === "HEAD") res.writeHead(405).end();
        else res.writeHead(200).end("only GET");
        return;
      case "/endless": {
        if (req.method === "HEAD") {
          res.writeHead(405).end();
          return;
        }
        res.writeHead(200, { "content-type": "application/octet-stream" });
        const chunk = Buffer.alloc(64 * 1024, 120);
        const pump = () => {
          while (!res.destroyed && entry.written < 10 * 1024 ** 3) {
            entry.written += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
        };
        pump();
        return;
      }
      case "/to-private":
        res.writeHead(302, { location: "http://10.1.2.3/inside" }).end();
        return;
      default: {
        const hop = /^\/chain-(\d+)$/.exec(path);
        if (hop) {
          const n = Number(hop[1]);
          res.writeHead(302, { location: n > 0 ? `/chain-${n - 1}` : "/ok" }).end();
          return;
        }
        res.writeHead(404).end();
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
