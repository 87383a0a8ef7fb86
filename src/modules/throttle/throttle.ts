import type { DataSource, EntityManager } from "typeorm";

/** Longest pause a "delay" key is given between tries, once over its limit. */
export const MAX_DELAY_MS = 60 * 1000;

/**
 * How tries on one key are limited: `limit` tries per window of `windowMs`; once they are used,
 * "lock" refuses every try until the window ends, and "delay" allows one try, then waits 1 s, 2 s,
 * 4 s ... (at most `MAX_DELAY_MS`) before the next.
 */
export interface ThrottleRule {
  key: string;
  limit: number;
  windowMs: number;
  after: "lock" | "delay";
}

/** The answer to a request to try. */
export type Attempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

class Refused extends Error {
  constructor(readonly rule: ThrottleRule) {
    super("refused");
  }
}

/**
 * Counts tries per key in the database (table `sign_in_limits`), shared by every app instance and
 * kept across restarts. A try is counted on all its keys in one transaction, in one statement per
 * key, before the work it guards is done: no burst of concurrent requests gets more tries through
 * than the limits, and when any key refuses, none is counted. Works on SQLite and PostgreSQL alike,
 * through the app's own connections.
 */
export class Throttle {
  constructor(private readonly dataSource: DataSource) {}

  /** Counts a try on every rule's key, or on none if one of them refuses it. */
  async take(rules: ThrottleRule[], now = Date.now()): Promise<Attempt> {
    const ordered = [...rules].sort((a, b) => (a.key < b.key ? -1 : 1)); // one order: no deadlock between tries
    try {
      await this.dataSource.transaction(async (manager) => {
        for (const rule of ordered) {
          const rows = (await manager.query(this.statement(TAKE), [rule.key, now, now + rule.windowMs, rule.limit, MAX_DELAY_MS, rule.after === "delay" ? 1 : 0])) as unknown[];
          if (rows.length === 0) throw new Refused(rule);
        }
      });
      return { allowed: true };
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      return { allowed: false, retryAfterSeconds: await this.waitFor(error.rule, now) };
    }
  }

  /** Forgets the counts of these keys, and gives one try back to those. */
  async forget(keys: string[], giveBack: string[] = []): Promise<void> {
    await this.dataSource.transaction(async (manager: EntityManager) => {
      for (const key of keys) await manager.query(this.statement("DELETE FROM sign_in_limits WHERE key = $1"), [key]);
      for (const key of giveBack) await manager.query(this.statement("UPDATE sign_in_limits SET points = points - 1 WHERE key = $1 AND points > 0"), [key]);
    });
  }

  private async waitFor(rule: ThrottleRule, now: number): Promise<number> {
    const [row] = (await this.dataSource.query(this.statement("SELECT expire, next_at FROM sign_in_limits WHERE key = $1"), [rule.key])) as Array<{
      expire: string | number | null;
      next_at: string | number | null;
    }>;
    const until = rule.after === "lock" ? Number(row?.expire ?? now) : Number(row?.next_at ?? now);
    return Math.max(1, Math.ceil((until - now) / 1000));
  }

  /** `$n` placeholders, as PostgreSQL writes them; SQLite numbers them `?n`. */
  private statement(sql: string): string {
    return this.dataSource.options.type === "postgres" ? sql : sql.replace(/\$(\d+)/g, "?$1");
  }
}

/**
 * One try on one key, in one statement: a new window starts when the last has ended; under the
 * limit the try is counted; over it, a "delay" key takes it only once its pause is over and then
 * doubles the pause. When the try is refused, nothing is written and no row comes back.
 * Parameters: key, now (ms), end of a new window (ms), limit, longest pause (ms), delay (1) or lock (0).
 * (It starts with a comment so that TypeORM's SQLite runner reads its RETURNING rows, which it
 * does only for statements that do not start with INSERT.)
 */
const TAKE = `/* sign-in try */ INSERT INTO sign_in_limits (key, points, expire, next_at) VALUES ($1, 1, CAST($3 AS BIGINT), 0)
ON CONFLICT (key) DO UPDATE SET
  points = CASE WHEN COALESCE(sign_in_limits.expire, 0) <= CAST($2 AS BIGINT) THEN 1 ELSE sign_in_limits.points + 1 END,
  expire = CASE WHEN COALESCE(sign_in_limits.expire, 0) <= CAST($2 AS BIGINT) THEN CAST($3 AS BIGINT) ELSE sign_in_limits.expire END,
  next_at = CASE
    WHEN COALESCE(sign_in_limits.expire, 0) <= CAST($2 AS BIGINT) OR sign_in_limits.points + 1 <= $4 THEN 0
    ELSE CAST($2 AS BIGINT) + CASE
      WHEN sign_in_limits.points - $4 >= 16 THEN $5
      WHEN 1000 * (1 << (sign_in_limits.points - $4)) > $5 THEN $5
      ELSE 1000 * (1 << (sign_in_limits.points - $4))
    END
  END
WHERE COALESCE(sign_in_limits.expire, 0) <= CAST($2 AS BIGINT)
   OR sign_in_limits.points < $4
   OR ($6 = 1 AND COALESCE(sign_in_limits.next_at, 0) <= CAST($2 AS BIGINT))
RETURNING points`;
