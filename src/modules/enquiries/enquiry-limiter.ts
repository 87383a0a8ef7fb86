import type { DataSource } from "typeorm";
import { Throttle } from "../throttle/throttle";

export interface EnquiryLimits {
  /** Enquiries one address may send per hour. */
  perAddressPerHour: number;
  /** Enquiries one listing may receive per day. */
  perListingPerDay: number;
}

export const DEFAULT_ENQUIRY_LIMITS: EnquiryLimits = { perAddressPerHour: 5, perListingPerDay: 30 };

/**
 * Counts enquiries per sending address and per listing in the database (the throttle's table,
 * under prefixes of their own), so that the counts are shared by every app instance.
 */
export class EnquiryLimiter {
  private readonly throttle: Throttle;

  constructor(
    dataSource: DataSource,
    private readonly limits: EnquiryLimits = DEFAULT_ENQUIRY_LIMITS,
  ) {
    this.throttle = new Throttle(dataSource);
  }

  /**
   * Counts one enquiry from this address to this listing. Returns 0 when it may go, or the seconds
   * to wait when either limit is reached. The address's try counts even when the listing refuses
   * it (an address that keeps trying is held off); a refused address counts nothing against the listing.
   */
  async take(address: string, listingId: number): Promise<number> {
    const byAddress = await this.throttle.take([{ key: `enquiry-address:${address}`, limit: this.limits.perAddressPerHour, windowMs: 3600_000, after: "lock" }]);
    if (!byAddress.allowed) return byAddress.retryAfterSeconds;
    const byListing = await this.throttle.take([{ key: `enquiry-listing:${listingId}`, limit: this.limits.perListingPerDay, windowMs: 86_400_000, after: "lock" }]);
    return byListing.allowed ? 0 : byListing.retryAfterSeconds;
  }
}
