import { createHmac, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { validSchedule } from "./modules/jobs/scheduler";

/** Which database engine a `DATABASE_URL` points at. */
export type DatabaseKind = "sqlite" | "postgres";

/** The parsed, validated configuration. Built once by `loadConfig`; nothing else reads the environment. */
export interface Config {
  /** `development` (default), `production` or `test`. */
  env: "development" | "production" | "test";
  /** TCP port the HTTP server listens on. */
  port: number;
  /** Interface the HTTP server binds to. */
  host: string;
  /** Folder for everything the app writes: SQLite file, generated secrets, local search data. */
  dataDir: string;
  database: {
    kind: DatabaseKind;
    /** The URL as given (postgres) or normalised (`sqlite:<absolute path>`). */
    url: string;
    /** SQLite only: absolute file path, or `:memory:`. */
    sqlitePath?: string;
  };
  /** Secret that signs session cookies. Generated and kept under `dataDir` outside production. */
  sessionSecret: string;
  /** Load the demo catalogue into an empty database at start-up. */
  demoData: boolean;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Express `trust proxy` setting: false, true, a hop count or a list of addresses. */
  trustProxy: boolean | number | string;
  /** Base address of the site, for links in emails ("http://localhost:3000" by default). */
  publicUrl: string;
  mail: {
    /** SMTP server for invitations and enquiries, as a URL (smtp://user:pass@host:587); without it mails are logged (and, in development, shown at /dev/mailbox). */
    smtpUrl: string | null;
    from: string;
  };
  enquiries: {
    /** Enquiries older than this many months are deleted, with their threads. */
    retentionMonths: number;
  };
  linkCheck: {
    /** Longest one request of the link check may take. */
    timeoutMs: number;
    /** Pause between two requests to the same host. */
    pauseMs: number;
    /** Fetch loopback addresses too (tests against a local server; refused in production). */
    allowLoopback: boolean;
  };
  /** Signs the one-click confirm links of the re-confirmation digest; derived from the session secret unless set. */
  confirmLinkSecret: string;
  jobs: {
    /** Run the scheduled jobs in this process (each slot still runs once across instances). */
    enabled: boolean;
    /** Cron patterns (UTC) of each job. */
    confirmationDigest: string;
    linkCheck: string;
    enquiryRetention: string;
  };
  search: {
    /** An external Meilisearch server; when absent the app starts and supervises a local one. */
    url: string | null;
    /** API key for `url`; for the local server, generated and kept under `dataDir`. */
    masterKey: string | null;
    /** Name (uid) of the index that answers searches. */
    index: string;
    /** Longest a search may take before the database answers instead, in milliseconds. */
    timeoutMs: number;
    /** Start a local server when no `url` is given. */
    local: boolean;
    /** Keep the engine's answers while the index does not change; null: ask the engine every time. */
    cache: { maxBytes: number; checkMs: number } | null;
  };
}

/** Start-up stops with this error; its message names each bad variable and what is allowed. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const booleanText = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], {
    error: "must be one of true, false, 1, 0, yes, no, on, off",
  })
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

const cronPattern = z.string().refine(validSchedule, { error: 'must be a cron pattern such as "0 3 * * *" (minute hour day month weekday, UTC; a sixth field first for seconds)' });

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"], { error: "must be development, production or test" }).default("development"),
  PORT: z.coerce
    .number({ error: "must be a whole number from 1 to 65535" })
    .int("must be a whole number from 1 to 65535")
    .min(1, "must be a whole number from 1 to 65535")
    .max(65535, "must be a whole number from 1 to 65535")
    .default(3000),
  HOST: z.string().min(1, "must not be empty").default("0.0.0.0"),
  DATA_DIR: z.string().min(1, "must not be empty").default("data"),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, "must be sqlite:<file path>, sqlite::memory: or postgres://user:password@host:port/database")
    .optional(),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  DEMO_DATA: booleanText.optional(),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .optional(),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: "must be the site's address, such as https://catalogue.example.org" }).optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: "must be an SMTP URL such as smtp://user:password@mail.example.org:587" }).optional(),
  MAIL_FROM: z.string().min(3, 'must be a sender such as "Regional Training Catalogue <catalogue@example.org>"').optional(),
  MEILI_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://127.0.0.1:7700" }).optional(),
  MEILI_MASTER_KEY: z.string().min(16, "must be at least 16 bytes").optional(),
  MEILI_INDEX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, "must be letters, digits, - or _ (at most 100)")
    .default("resources"),
  MEILI_TIMEOUT_MS: z.coerce
    .number({ error: "must be a whole number of milliseconds from 50 to 60000" })
    .int("must be a whole number of milliseconds from 50 to 60000")
    .min(50, "must be a whole number of milliseconds from 50 to 60000")
    .max(60000, "must be a whole number of milliseconds from 50 to 60000")
    .default(1000),
  MEILI_LOCAL: booleanText.optional(),
  SEARCH_CACHE_MB: z.coerce
    .number({ error: "must be a whole number of megabytes from 0 (no cache) to 4096" })
    .int("must be a whole number of megabytes from 0 (no cache) to 4096")
    .min(0, "must be a whole number of megabytes from 0 (no cache) to 4096")
    .max(4096, "must be a whole number of megabytes from 0 (no cache) to 4096")
    .default(32),
  SEARCH_CACHE_CHECK_MS: z.coerce
    .number({ error: "must be a whole number of milliseconds from 10 to 60000" })
    .int("must be a whole number of milliseconds from 10 to 60000")
    .min(10, "must be a whole number of milliseconds from 10 to 60000")
    .max(60000, "must be a whole number of milliseconds from 10 to 60000")
    .default(250),
  ENQUIRY_RETENTION_MONTHS: z.coerce
    .number({ error: "must be a whole number of months from 1 to 120" })
    .int("must be a whole number of months from 1 to 120")
    .min(1, "must be a whole number of months from 1 to 120")
    .max(120, "must be a whole number of months from 1 to 120")
    .default(24),
  LINK_CHECK_TIMEOUT_MS: z.coerce
    .number({ error: "must be a whole number of milliseconds from 100 to 120000" })
    .int("must be a whole number of milliseconds from 100 to 120000")
    .min(100, "must be a whole number of milliseconds from 100 to 120000")
    .max(120000, "must be a whole number of milliseconds from 100 to 120000")
    .default(10000),
  LINK_CHECK_PAUSE_MS: z.coerce
    .number({ error: "must be a whole number of milliseconds from 0 to 60000" })
    .int("must be a whole number of milliseconds from 0 to 60000")
    .min(0, "must be a whole number of milliseconds from 0 to 60000")
    .max(60000, "must be a whole number of milliseconds from 0 to 60000")
    .default(1000),
  LINK_CHECK_ALLOW_LOOPBACK: booleanText.optional(),
  CONFIRM_LINK_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  JOBS: booleanText.optional(),
  JOB_CONFIRMATION_DIGEST: cronPattern.default("0 6 * * 1"),
  JOB_LINK_CHECK: cronPattern.default("0 3 * * *"),
  JOB_ENQUIRY_RETENTION: cronPattern.default("30 2 * * *"),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d+|[0-9a-fA-F.:/, ]+|loopback|linklocal|uniquelocal)$/, "must be true, false, a hop count, or a comma-separated list of addresses")
    .optional(),
});

/** Reads the kind of database from a URL without any other parsing. */
export function databaseKindOf(url: string | undefined): DatabaseKind {
  return url && /^postgres(ql)?:\/\//.test(url) ? "postgres" : "sqlite";
}

/**
 * The database kind the process was started for. Entity column types differ per engine and are fixed
 * when entity files are imported, before `loadConfig` runs, so they ask here.
 */
export function processDatabaseKind(): DatabaseKind {
  return databaseKindOf(process.env.DATABASE_URL);
}

/**
 * Parses and validates the environment. Throws `ConfigError` naming every bad variable.
 * Outside production, a missing `SESSION_SECRET` is generated once and kept in `<DATA_DIR>/session-secret`.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const production = e.NODE_ENV === "production";
  const dataDir = path.resolve(cwd, e.DATA_DIR);

  const databaseUrl = e.DATABASE_URL ?? `sqlite:${path.join(dataDir, "catalogue.sqlite")}`;
  const kind = databaseKindOf(databaseUrl);
  let sqlitePath: string | undefined;
  if (kind === "sqlite") {
    const file = databaseUrl.slice("sqlite:".length);
    sqlitePath = file === ":memory:" ? file : path.resolve(cwd, file);
  }

  let sessionSecret = e.SESSION_SECRET;
  if (!sessionSecret) {
    if (production) problems.push("SESSION_SECRET is required in production (at least 32 characters)");
    else sessionSecret = persistedSecret(dataDir, "session-secret");
  }
  if (production && e.LINK_CHECK_ALLOW_LOOPBACK) problems.push("LINK_CHECK_ALLOW_LOOPBACK is for tests against a local server and is refused in production");
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database: {
      kind,
      url: kind === "sqlite" ? `sqlite:${sqlitePath}` : databaseUrl,
      sqlitePath,
    },
    sessionSecret: sessionSecret as string,
    demoData: e.DEMO_DATA ?? !production,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === "test" ? "silent" : "info"),
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    mail: { smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM ?? "Regional Training Catalogue <no-reply@localhost>" },
    enquiries: { retentionMonths: e.ENQUIRY_RETENTION_MONTHS },
    linkCheck: { timeoutMs: e.LINK_CHECK_TIMEOUT_MS, pauseMs: e.LINK_CHECK_PAUSE_MS, allowLoopback: e.LINK_CHECK_ALLOW_LOOPBACK ?? false },
    confirmLinkSecret:
      e.CONFIRM_LINK_SECRET ??
      createHmac("sha256", sessionSecret as string)
        .update("confirm-links")
        .digest("base64url"),
    jobs: { enabled: e.JOBS ?? e.NODE_ENV !== "test", confirmationDigest: e.JOB_CONFIRMATION_DIGEST, linkCheck: e.JOB_LINK_CHECK, enquiryRetention: e.JOB_ENQUIRY_RETENTION },
    search: {
      url: e.MEILI_URL ?? null,
      masterKey: e.MEILI_MASTER_KEY ?? null,
      index: e.MEILI_INDEX,
      timeoutMs: e.MEILI_TIMEOUT_MS,
      local: e.MEILI_URL ? false : (e.MEILI_LOCAL ?? true),
      cache: e.SEARCH_CACHE_MB > 0 ? { maxBytes: e.SEARCH_CACHE_MB * 1024 * 1024, checkMs: e.SEARCH_CACHE_CHECK_MS } : null,
    },
  };
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/** Reads a secret kept in the data folder, creating it (mode 0600) on first use. */
export function persistedSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** `npm run user:create` reads the new account's password from `USER_PASSWORD` when set (CI, scripts). */
export function passwordFromEnvironment(source: NodeJS.ProcessEnv = process.env): string | undefined {
  return source.USER_PASSWORD;
}
