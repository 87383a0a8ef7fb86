import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import fc from "fast-check";
import { DomUtils, parseDocument } from "htmlparser2";
import type { TestApp } from "./app";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { HttpClient } from "./http-client";
import { csrfTokenIn, TEST_PASSWORD } from "./sessions";

/** Every route of an app, read from its router: method and path pattern. */
export function routesOf(app: Express): Array<{ method: "get" | "post"; path: string }> {
  interface Layer {
    route?: { path: string | string[]; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
    rawPath?: string;
  }
  const routes: Array<{ method: "get" | "post"; path: string }> = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const path of ([] as string[]).concat(layer.route.path)) {
          for (const method of Object.keys(layer.route.methods)) if (method === "get" || method === "post") routes.push({ method, path: prefix + path });
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (layer.rawPath && layer.rawPath !== "/" ? layer.rawPath : ""));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, "");
  const seen = new Set<string>();
  return routes.filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
}

/** Values that have broken web apps: controls, NUL, private use, lone surrogates, numbers out of range. */
const nasty = fc.constantFrom(
  "\u0000",
  "a\u0000b",
  "\u0007\u001b[31m",
  "\ue000mark\ue001",
  "\ud800",
  "\udfff",
  "\uffff",
  "1e400",
  "1e20",
  "99999999999",
  "1.5",
  "-1",
  "0",
  "NaN",
  "Infinity",
  "0x10",
  "9".repeat(400),
  "%",
  "%00",
  "raw:%ZZ",
  "raw:%C3%28",
  "raw:%ED%A0%80",
  "raw:%00",
  "raw:..%2F..",
  "../..",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "\u202e\u200b",
  "ការជួញដូរមនុស្ស".repeat(50),
  "x".repeat(5000),
  "",
  " ",
);
const value = fc.oneof(
  { arbitrary: nasty, weight: 3 },
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.integer().map(String),
  fc.double().map(String),
);

/** A path segment: percent-encoded (lone surrogates as U+FFFD), or as written after "raw:" (malformed escapes). */
const segment = (v: string) => (v.startsWith("raw:") ? v.slice(4) : encodeURIComponent(v.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd")));

/** Names of query parameters and form fields the app reads somewhere, and some it does not. */
const FIELD_NAMES = [
  "q",
  "topic",
  "language",
  "kind",
  "mode",
  "org",
  "country",
  "upcoming",
  "sort",
  "page",
  "pageSize",
  "section",
  "linked",
  "saved",
  "next",
  "format",
  "slug",
  "token",
  "title",
  "acronym",
  "summary",
  "description",
  "url",
  "deliveryMode",
  "duration",
  "isFree",
  "access",
  "ownershipStatement",
  "contactName",
  "contactEmail",
  "visibility",
  "topicSlugs",
  "audienceSlugs",
  "version",
  "action",
  "languageTag",
  "startDate",
  "endDate",
  "city",
  "countryCode",
  "online",
  "status",
  "timeZone",
  "name",
  "shortName",
  "website",
  "contactPoint",
  "verified",
  "email",
  "displayName",
  "role",
  "password",
  "currentPassword",
  "newPassword",
  "confirmPassword",
  "resource",
  "relation",
  "note",
  "organisation",
  "several",
  "dryRun",
  "itemNumber",
  "message",
  "consent",
  "__proto__",
  "constructor",
  "unknownField",
];
const fieldName = fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ unit: "binary", minLength: 1, maxLength: 10 }));

export interface FuzzOptions {
  /** Requests per route. */
  runs: number;
  seed?: number;
  /** Real values for path parameters, so that the fuzz reaches past the lookups. */
  known: Record<string, string[]>;
  /** Pages whose forms are each submitted with every field given each of the worst values. */
  formPages: string[];
  /** The file a multipart form at this action is sent with. */
  files: Record<string, { name: string; content: string }>;
}

/** The worst values for one field of an otherwise valid form. */
const WORST = ["a\u0000b", "\u0007\u001b[2J", "\ue000x\ue001", "\ud800", "1e400", "99999999999", "-1", "x".repeat(25_000)];

interface ScrapedForm {
  action: string;
  multipart: boolean;
  fields: Array<{ name: string; type: string; value: string }>;
}

/** The POST forms of a page, each field with the value the page gives it (a select: its chosen or first option). */
function formsIn(html: string): ScrapedForm[] {
  const document = parseDocument(html);
  return DomUtils.getElementsByTagName("form", document)
    .filter((form) => (form.attribs.method ?? "get").toLowerCase() === "post" && form.attribs.action)
    .map((form) => {
      const fields: ScrapedForm["fields"] = [];
      for (const element of DomUtils.findAll((e) => ["input", "textarea", "select"].includes(e.name) && Boolean(e.attribs.name), form.children)) {
        const type = element.name === "input" ? (element.attribs.type ?? "text").toLowerCase() : element.name;
        if (type === "submit" || type === "button") continue;
        if ((type === "checkbox" || type === "radio") && element.attribs.checked === undefined) continue;
        let value = element.attribs.value ?? "";
        if (element.name === "textarea") value = DomUtils.textContent(element);
        if (element.name === "select") {
          const options = DomUtils.getElementsByTagName("option", element);
          const chosen = options.find((o) => o.attribs.selected !== undefined) ?? options.find((o) => (o.attribs.value ?? "") !== "") ?? options[0];
          value = chosen ? (chosen.attribs.value ?? DomUtils.textContent(chosen)) : "";
        }
        fields.push({ name: element.attribs.name, type, value });
      }
      return { action: decodeEntities(form.attribs.action), multipart: (form.attribs.enctype ?? "").includes("multipart"), fields };
    });
}

const decodeEntities = (text: string) =>
  text
    .replace(/&amp;/g, "&")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');

/**
 * Sends every GET and POST route of the app `runs` requests with fuzzed path parameters, query
 * parameters and form fields, signed in as a curator (with a valid CSRF token) or as a visitor, over
 * real HTTP. Returns each request answered with a 5xx.
 */
export async function fuzzEveryRoute(t: TestApp, options: FuzzOptions): Promise<{ requests: number; formRequests: number; routes: number; failures: string[] }> {
  const email = `fuzz.curator.${Date.now()}@example.org`;
  await t.services.accounts.create({ email, displayName: "Fuzzing curator", password: TEST_PASSWORD, organisationId: null, organisationRole: null, siteRole: "curator" }, SYSTEM_ACTOR);
  const server: Server = createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const curator = new HttpClient(base, "127.0.0.1");
  if ((await curator.signIn(email, TEST_PASSWORD)) !== 303) throw new Error("the fuzzing curator could not sign in");
  const token = csrfTokenIn((await curator.request("GET", "/account")).text);
  // Signing out would end the fuzzing curator's session for the routes after it.
  const routes = routesOf(t.app).filter((r) => r.path !== "/sign-out");
  const failures: string[] = [];
  let requests = 0;
  let formRequests = 0;
  try {
    for (const route of routes) {
      const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
      const param = (name: string) => (options.known[name]?.length ? fc.oneof(fc.constantFrom(...options.known[name]), value) : value);
      const request = fc.record({
        params: fc.tuple(...names.map(param)),
        query: fc.array(fc.tuple(fieldName, value), { maxLength: 4 }),
        form: fc.array(fc.tuple(fieldName, value), { maxLength: 8 }),
        signedIn: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          let i = 0;
          const path = route.path.replace(/:(\w+)/g, () => segment(r.params[i++] ?? ""));
          const query = new URLSearchParams(r.query).toString();
          const address = `${path}${query ? `?${query}` : ""}`;
          const form: Array<[string, string]> | undefined = route.method === "post" ? [...r.form, ...(r.signedIn ? [["_csrf", token] as [string, string]] : [])] : undefined;
          const res = await curator.request(route.method === "post" ? "POST" : "GET", address, form, { anonymous: !r.signedIn });
          requests++;
          if (res.status >= 500) failures.push(`${route.method.toUpperCase()} ${address}${form ? ` ${new URLSearchParams(form).toString().slice(0, 300)}` : ""} → ${res.status}`);
        }),
        { numRuns: options.runs, seed: options.seed, endOnFailure: false },
      );
    }

    // Every form of the given pages, as the page fills it in, with each field in turn given each of
    // the worst values: the requests that reach the services and the database with a valid rest.
    for (const page of options.formPages) {
      const html = (await curator.request("GET", page)).text;
      for (const form of formsIn(html)) {
        if (form.action === "/sign-out") continue;
        const fresh = csrfTokenIn((await curator.request("GET", page)).text);
        for (const field of form.fields.filter((f) => f.name !== "_csrf" && f.type !== "file" && f.type !== "hidden")) {
          for (const worst of WORST) {
            const fields = form.fields.map((f): [string, string] => [f.name, f.name === "_csrf" ? fresh : f.name === field.name ? worst : f.value]);
            const res = form.multipart ? await curator.upload(form.action, fields, options.files[form.action]) : await curator.request("POST", form.action, fields);
            requests++;
            formRequests++;
            if (res.status >= 500) failures.push(`POST ${form.action} (${page}) ${field.name}=${JSON.stringify(worst).slice(0, 60)} → ${res.status}`);
          }
        }
      }
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  return { requests, formRequests, routes: routes.length, failures };
}
