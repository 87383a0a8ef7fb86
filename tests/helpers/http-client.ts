import { csrfTokenIn } from "./sessions";

/** A client of one address (sent as X-Forwarded-For): its own cookie jar, over real HTTP. */
export class HttpClient {
  private cookies = new Map<string, string>();
  constructor(
    private readonly base: string,
    private readonly address: string,
  ) {}

  async request(
    method: "GET" | "POST",
    path: string,
    form?: Record<string, string | string[]> | Array<[string, string]>,
    options: { anonymous?: boolean } = {},
  ): Promise<{ status: number; text: string; ms: number }> {
    const started = performance.now();
    const pairs = Array.isArray(form) ? form : Object.entries(form ?? {}).flatMap(([k, v]): Array<[string, string]> => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]]));
    const body = form ? new URLSearchParams(pairs).toString() : undefined;
    const res = await fetch(`${this.base}${path}`, {
      method,
      redirect: "manual",
      body,
      headers: {
        "x-forwarded-for": this.address,
        ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        ...(this.cookies.size && !options.anonymous ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } : {}),
      },
      signal: AbortSignal.timeout(30_000),
    });
    if (!options.anonymous)
      for (const cookie of res.headers.getSetCookie()) {
        const [pair] = cookie.split(";");
        const at = pair.indexOf("=");
        this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
    return { status: res.status, text: await res.text(), ms: performance.now() - started };
  }

  /** Sends a multipart form (text fields, and a file if given), as a browser sends an upload. */
  async upload(path: string, fields: Array<[string, string]>, file?: { name: string; content: string }): Promise<{ status: number; text: string }> {
    const form = new FormData();
    for (const [name, value] of fields) form.append(name, value);
    if (file) form.append("file", new Blob([file.content], { type: "text/plain" }), file.name);
    const res = await fetch(`${this.base}${path}`, {
      method: "POST",
      redirect: "manual",
      body: form,
      headers: { "x-forwarded-for": this.address, ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } : {}) },
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, text: await res.text() };
  }

  /** Opens the sign-in page and returns its form's CSRF token. */
  async token(): Promise<string> {
    return csrfTokenIn((await this.request("GET", "/sign-in")).text);
  }

  async signIn(email: string, password: string): Promise<number> {
    return (await this.request("POST", "/sign-in", { email, password, _csrf: await this.token() })).status;
  }
}
