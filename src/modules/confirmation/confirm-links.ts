import { createHmac, timingSafeEqual } from "node:crypto";

/** How long a one-click confirm link works. */
export const CONFIRM_LINK_DAYS = 14;

/** What a confirm link carries: the listing, the person it was mailed to, and when it was made and ends. */
export interface ConfirmLink {
  resourceId: number;
  userId: number;
  issuedAt: Date;
  expiresAt: Date;
}

export type ReadLink = { ok: true; link: ConfirmLink } | { ok: false; reason: "invalid" | "expired" };

/**
 * Signed confirm links: `<listing>.<person>.<issued>.<expires>.<signature>` (numbers in base 36, the
 * signature an HMAC-SHA256 of the rest). Nothing is stored: a link is used once because it works
 * only while the listing's last confirmation is older than the link.
 */
export class ConfirmLinks {
  constructor(private readonly secret: string) {}

  make(resourceId: number, userId: number, now = new Date()): string {
    const issued = Math.floor(now.getTime() / 1000);
    const expires = issued + CONFIRM_LINK_DAYS * 86_400;
    const payload = [resourceId, userId, issued, expires].map((n) => n.toString(36)).join(".");
    return `${payload}.${this.sign(payload)}`;
  }

  read(token: string, now = new Date()): ReadLink {
    const match = /^([0-9a-z]{1,12})\.([0-9a-z]{1,12})\.([0-9a-z]{1,12})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return { ok: false, reason: "invalid" };
    const payload = match.slice(1, 5).join(".");
    const given = Buffer.from(match[5]);
    const expected = Buffer.from(this.sign(payload));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "invalid" };
    const [resourceId, userId, issued, expires] = match.slice(1, 5).map((n) => parseInt(n, 36));
    if (![resourceId, userId, issued, expires].every(Number.isSafeInteger)) return { ok: false, reason: "invalid" };
    if (expires * 1000 <= now.getTime()) return { ok: false, reason: "expired" };
    return { ok: true, link: { resourceId, userId, issuedAt: new Date(issued * 1000), expiresAt: new Date(expires * 1000) } };
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.secret).update(`confirm-link:${payload}`).digest("base64url");
  }
}
