import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, RateLimiterSQLite, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { DataSource } from "typeorm";

export interface EnquiryLimits {
  /** Enquiries one address may send per hour. */
  perAddressPerHour: number;
  /** Enquiries one listing may receive per day. */
  perListingPerDay: number;
}

export const DEFAULT_ENQUIRY_LIMITS: EnquiryLimits = { perAddressPerHour: 5, perListingPerDay: 30 };

/**
 * Counts enquiries per sending address and per listing in the database (the sign-in limits' table,
 * under prefixes of their own), so that the counts are shared by every app instance.
 */
export class EnquiryLimiter {
  private readonly byAddress: RateLimiterAbstract;
  private readonly byListing: RateLimiterAbstract;

  constructor(dataSource: DataSource, limits: EnquiryLimits = DEFAULT_ENQUIRY_LIMITS) {
    const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract => {
      const options = { keyPrefix, points, duration, tableName: "sign_in_limits" };
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
    this.byAddress = make("enquiry-address", limits.perAddressPerHour, 3600);
    this.byListing = make("enquiry-listing", limits.perListingPerDay, 86_400);
  }

  /**
   * Counts one enquiry from this address to this listing. Returns 0 when it may go, or the seconds
   * to wait when either limit is reached (nothing is then counted against the listing).
   */
  async take(address: string, listingId: number): Promise<number> {
    const consume = async (limiter: RateLimiterAbstract, key: string): Promise<number> => {
      try {
        await limiter.consume(key);
        return 0;
      } catch (result) {
        if (!(result instanceof RateLimiterRes)) throw result;
        return Math.max(1, Math.ceil(result.msBeforeNext / 1000));
      }
    };
    const wait = await consume(this.byAddress, address);
    if (wait) return wait;
    return consume(this.byListing, String(listingId));
  }
}
