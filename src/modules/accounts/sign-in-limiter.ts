import type { DataSource } from "typeorm";
import { type Attempt, Throttle, type ThrottleRule } from "../throttle/throttle";

/** Failed sign-ins allowed in the window: for one account from one address, for one account, and from one address. */
export const FAILURES_PER_PAIR = 5;
export const FAILURES_PER_ACCOUNT = 5;
export const FAILURES_PER_ADDRESS = 30;
/** The window in which failures are counted. */
export const WINDOW_MS = 15 * 60 * 1000;

export type { Attempt };

/**
 * Sign-in tries, counted before the password is checked (so that a burst cannot get more checks
 * than the limits), and given back when the password was right:
 * - one account from one address: 5 failures, then locked for the rest of the 15 minutes;
 * - one account from anywhere: 5 failures, then an exponential pause between tries (at most a
 *   minute), so that a correct password from another address is never held off for long;
 * - one address for any account: 30 failures, then the same pause; one address can be a whole
 *   office behind a proxy, so it is never locked.
 */
export class SignInLimiter {
  private readonly throttle: Throttle;

  constructor(dataSource: DataSource) {
    this.throttle = new Throttle(dataSource);
  }

  /** Counts a try and says whether its password may be checked. */
  attempt(account: string, address: string, now = Date.now()): Promise<Attempt> {
    return this.throttle.take(rulesFor(account, address), now);
  }

  /** A correct password: the account's counts are cleared, and the address's try given back. */
  async succeeded(account: string, address: string): Promise<void> {
    const [pair, byAccount, byAddress] = rulesFor(account, address);
    await this.throttle.forget([pair.key, byAccount.key], [byAddress.key]);
  }
}

function rulesFor(account: string, address: string): [ThrottleRule, ThrottleRule, ThrottleRule] {
  const email = account.trim().toLowerCase();
  return [
    { key: `pair:${email}|${address}`, limit: FAILURES_PER_PAIR, windowMs: WINDOW_MS, after: "lock" },
    { key: `account:${email}`, limit: FAILURES_PER_ACCOUNT, windowMs: WINDOW_MS, after: "delay" },
    { key: `address:${address}`, limit: FAILURES_PER_ADDRESS, windowMs: WINDOW_MS, after: "delay" },
  ];
}
