import pino, { Logger } from "pino";
import type { Config } from "./config";

/** The one logger of the process; modules take a child (`logger.child({ module: "search" })`). */
export function createLogger(config: Pick<Config, "logLevel" | "env">): Logger {
  return pino({
    level: config.logLevel,
    base: { service: "training-catalogue" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["req.headers.cookie", "req.headers.authorization", "res.headers['set-cookie']"], remove: true },
  });
}

export type { Logger };
