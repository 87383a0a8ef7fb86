import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import type { LinkError } from "./link-check.entity";

export interface LinkCheckOptions {
  /** Longest one request may take, from connecting to the end of what is read. */
  timeoutMs: number;
  /** Let loopback addresses be fetched (tests against a local server only; never private or link-local ones). */
  allowLoopback: boolean;
  /** Redirects followed, each hop checked again. */
  maxRedirects?: number;
  /** Most of a body that is read before the connection is closed. */
  bodyCapBytes?: number;
}

export interface LinkCheckResult {
  ok: boolean;
  statusCode: number | null;
  error: LinkError | null;
  /** Where the redirects ended, when they led elsewhere. */
  finalUrl: string | null;
  ms: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = "RegionalTrainingCatalogue-LinkCheck/1.0 (+checks that listed addresses answer)";

type Hop = { status: number; location: string | null } | { error: LinkError };

/**
 * Whether an address may be fetched: a public unicast address, or loopback when allowed. Private,
 * link-local, carrier-grade NAT, multicast, reserved and the like never are (ipaddr.js names them).
 */
export function fetchableAddress(address: string, allowLoopback: boolean): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range === "loopback") return allowLoopback;
  return range === "unicast" && !SPECIAL.some((cidr) => cidr[0].kind() === parsed.kind() && (parsed as { match(cidr: [typeof parsed, number]): boolean }).match(cidr as [typeof parsed, number]));
}

/**
 * Special-purpose ranges never fetched, named here as well as by ipaddr.js, whose older releases
 * call some of them unicast: benchmarking, site-local, NAT64 local use, discard-only, ORCHIDv2.
 */
const SPECIAL = ["198.18.0.0/15", "fec0::/10", "64:ff9b:1::/48", "100::/64", "2001:10::/28", "2001:20::/28"].map((cidr) => ipaddr.parseCIDR(cidr));

/** The address to connect to for a host name: all it resolves to must be fetchable, or none is used. */
async function resolveHost(hostname: string, allowLoopback: boolean): Promise<{ address: string; family: 4 | 6 } | LinkError> {
  const bare = hostname.replace(/^\[|\]$/g, "");
  if (ipaddr.isValid(bare)) return fetchableAddress(bare, allowLoopback) ? { address: bare, family: bare.includes(":") ? 6 : 4 } : "private-address";
  let answers: Array<{ address: string; family: number }>;
  try {
    answers = await lookup(bare, { all: true, verbatim: true });
  } catch {
    return "dns";
  }
  if (answers.length === 0) return "dns";
  if (!answers.every((a) => fetchableAddress(a.address, allowLoopback))) return "private-address";
  return { address: answers[0].address, family: answers[0].family === 6 ? 6 : 4 };
}

function errorCode(error: unknown): LinkError {
  const code = (error as NodeJS.ErrnoException)?.code ?? "";
  const text = error instanceof Error ? error.message : "";
  if (text === "timeout") return "timeout";
  if (code === "ECONNRESET" || code === "EPIPE" || text === "socket hang up") return "reset";
  if (code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ENETUNREACH") return "refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "dns";
  if (/^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_SSL)/.test(code)) return "tls";
  return "other";
}

/** One request to an address already checked; reads at most `cap` bytes of the body. */
function hop(url: URL, method: "HEAD" | "GET", target: { address: string; family: 4 | 6 }, timeoutMs: number, cap: number): Promise<Hop> {
  return new Promise((resolve) => {
    let settled = false;
    let answer: { status: number; location: string | null } | null = null;
    const finish = (result: Hop) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    // Connects to the address that was checked, whatever a second lookup would say now.
    const pinned: LookupFunction = (_host, options, callback) => {
      if (options.all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const lib = url.protocol === "https:" ? https : http;
    const request = lib.request(url, { method, lookup: pinned, headers: { "user-agent": USER_AGENT, accept: "text/html,application/xhtml+xml,*/*;q=0.8" }, agent: false });
    // The whole exchange, body included, within the time; a server that answered and then trickles counts as having answered.
    const timer = setTimeout(() => finish(answer ?? { error: "timeout" }), timeoutMs);
    request.on("response", (response) => {
      answer = { status: response.statusCode ?? 0, location: typeof response.headers.location === "string" ? response.headers.location : null };
      if (method === "HEAD") return finish(answer);
      let read = 0;
      response.on("data", (chunk: Buffer) => {
        read += chunk.length;
        if (read >= cap) finish(answer!);
      });
      response.on("end", () => finish(answer!));
      response.on("error", () => finish(answer!));
    });
    request.on("error", (error) => finish(answer ?? { error: errorCode(error) }));
    request.end();
  });
}

/**
 * Checks that an address answers: HEAD, then GET when HEAD fails or is refused; redirects followed
 * up to `maxRedirects`, each hop's host resolved and checked again; private and non-http(s) targets
 * never fetched. Never throws: every way of failing is a result.
 */
export async function checkLink(address: string, options: LinkCheckOptions): Promise<LinkCheckResult> {
  const started = Date.now();
  const maxRedirects = options.maxRedirects ?? 5;
  const cap = options.bodyCapBytes ?? 8 * 1024;
  const done = (result: Omit<LinkCheckResult, "ms">): LinkCheckResult => ({ ...result, ms: Date.now() - started });
  let current: URL;
  try {
    current = new URL(address);
  } catch {
    return done({ ok: false, statusCode: null, error: "bad-url", finalUrl: null });
  }
  const seen = new Set<string>();
  for (let redirects = 0; ; redirects++) {
    if (current.protocol !== "http:" && current.protocol !== "https:") return done({ ok: false, statusCode: null, error: "not-http", finalUrl: redirects ? current.href : null });
    if (current.username || current.password) return done({ ok: false, statusCode: null, error: "bad-url", finalUrl: redirects ? current.href : null });
    seen.add(current.href);
    const target = await resolveHost(current.hostname, options.allowLoopback);
    if (typeof target === "string") return done({ ok: false, statusCode: null, error: target, finalUrl: redirects ? current.href : null });
    let answer = await hop(current, "HEAD", target, options.timeoutMs, cap);
    // Some servers refuse or mishandle HEAD: GET, reading only the start of the body. A HEAD that
    // timed out is not asked again, so that a hanging server costs one timeout.
    if (("error" in answer && answer.error !== "timeout") || ("status" in answer && answer.status >= 400)) answer = await hop(current, "GET", target, options.timeoutMs, cap);
    if ("error" in answer) return done({ ok: false, statusCode: null, error: answer.error, finalUrl: redirects ? current.href : null });
    if (REDIRECTS.has(answer.status) && answer.location) {
      let next: URL;
      try {
        next = new URL(answer.location, current);
      } catch {
        return done({ ok: false, statusCode: answer.status, error: "bad-url", finalUrl: current.href });
      }
      if (seen.has(next.href)) return done({ ok: false, statusCode: answer.status, error: "redirect-loop", finalUrl: next.href });
      if (redirects >= maxRedirects) return done({ ok: false, statusCode: answer.status, error: "too-many-redirects", finalUrl: next.href });
      current = next;
      continue;
    }
    const ok = answer.status >= 200 && answer.status < 300;
    return done({ ok, statusCode: answer.status, error: ok ? null : "http-status", finalUrl: redirects ? current.href : null });
  }
}
