import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, RateLimiterSQLite, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { DataSource } from "typeorm";

/** Failed sign-ins allowed per account, and per address, in the window before a pause is imposed. */
export const FAILURES_PER_ACCOUNT = 5;
export const FAILURES_PER_ADDRESS = 30;
const WINDOW_SECONDS = 15 * 60;

/**
 * Counts failed sign-ins per account and per address in the database, so that the counts survive
 * restarts and are shared by every app instance (rate-limiter-flexible's SQLite or Postgres store).
 */
export class SignInLimiter {
  private readonly byAccount: RateLimiterAbstract;
  private readonly byAddress: RateLimiterAbstract;

  constructor(dataSource: DataSource) {
    const make = (keyPrefix: string, points: number): RateLimiterAbstract => {
      // The table comes from the migrations (tableCreated), not from the library.
      const options = { keyPrefix, points, duration: WINDOW_SECONDS, blockDuration: WINDOW_SECONDS, tableName: "sign_in_limits" };
      if (dataSource.options.type === "postgres") {
        const pool = (dataSource.driver as unknown as { master: unknown }).master;
        return new RateLimiterPostgres({ ...options, storeClient: pool, storeType: "pool", tableCreated: true });
      }
      if (dataSource.options.type === "sqlite") {
        const database = (dataSource.driver as unknown as { databaseConnection: unknown }).databaseConnection;
        return new RateLimiterSQLite({ ...options, storeClient: database, storeType: "sqlite3", tableCreated: true });
      }
      return new RateLimiterMemory(options);
    };
    this.byAccount = make("account", FAILURES_PER_ACCOUNT);
    this.byAddress = make("address", FAILURES_PER_ADDRESS);
  }

  /** Seconds to wait before another try is allowed, or 0. */
  async retryAfter(account: string, address: string): Promise<number> {
    const [a, b] = await Promise.all([this.byAccount.get(account.toLowerCase()), this.byAddress.get(address)]);
    const blocked = (res: RateLimiterRes | null, points: number) => (res && res.consumedPoints >= points ? Math.ceil(res.msBeforeNext / 1000) : 0);
    return Math.max(blocked(a, FAILURES_PER_ACCOUNT), blocked(b, FAILURES_PER_ADDRESS));
  }

  async failed(account: string, address: string): Promise<void> {
    const consume = (limiter: RateLimiterAbstract, key: string) => limiter.consume(key).catch((result: unknown) => {
      // Being over the limit is the expected rejection here; anything else is a real error.
      if (!(result instanceof RateLimiterRes)) throw result;
    });
    await Promise.all([consume(this.byAccount, account.toLowerCase()), consume(this.byAddress, address)]);
  }

  /** A successful sign-in clears the account's count (not the address's). */
  async succeeded(account: string): Promise<void> {
    await this.byAccount.delete(account.toLowerCase());
  }
}
