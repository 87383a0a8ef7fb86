/**
 * `npm run bench:import`: the bulk import benchmark. Not a test: it prints figures.
 *
 * 1. Writes a deterministic JSON Lines file of LISTINGS listings (default 10,000) for one
 *    organisation, naming topics, languages and countries the way people do (codes and names).
 * 2. On a fresh SQLite database with the reference data, with a Meilisearch server of its own and
 *    the app's search worker running, imports the file through the same code as `npm run import`
 *    (read, dry-run check inside the transaction, all-or-nothing write) and prints the time.
 * 3. Prints how long the search index then takes to hold every imported listing.
 * 4. Imports the same file again and prints the time of that no-op.
 */
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config";
import { openDatabase } from "../../src/db/data-source";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { SearchEngine } from "../../src/modules/search/search-engine";
import { readListingFile } from "../../src/modules/transfer/listing-file";
import { buildServices } from "../../src/services";
import { benchSearchServer } from "./bench-helpers";
import { random } from "./synthetic-catalogue";

const LISTINGS = Number(process.env.LISTINGS ?? 10_000);

function line(label: string, value: string): void {
  process.stdout.write(`${label.padEnd(44)} ${value}\n`);
}

const SUBJECTS = [
  "victim identification",
  "travel document examination",
  "people smuggling investigations",
  "border management",
  "maritime search and rescue",
  "financial investigation",
  "interviewing techniques",
  "refugee protection",
  "intelligence sharing",
  "returns and reintegration",
];
const FORMS = ["Introduction to", "Advanced", "Regional workshop on", "Handbook on", "Quick reference guide to", "E-learning course on"];
const TOPICS = [
  "trafficking-in-persons",
  "People smuggling",
  "TIP",
  "financial-investigation",
  "Document examination",
  "victim-identification-and-protection",
  "border-management",
  "Irregular maritime movements",
];
const LANGUAGES = ["en", "Thai", "km", "Vietnamese", "id", "Malay", "lo", "Burmese"];
const COUNTRIES = ["THA", "Indonesia", "PHL", "Cambodia", "LKA", "MYS", "Viet Nam", "BGD"];
const KINDS = ["course", "Workshop", "quick-reference-guide", "Handbook", "e-learning", "Curriculum"];

function writeFile(file: string, count: number, topicNames: Set<string>): void {
  const rand = random(20171001);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const rows: string[] = [];
  for (let i = 1; i <= count; i++) {
    const subject = pick(SUBJECTS);
    const year = 2027 + Math.floor(rand() * 2);
    const month = String(1 + Math.floor(rand() * 12)).padStart(2, "0");
    const topics = [...new Set([pick(TOPICS), pick(TOPICS)])].filter((t) => topicNames.has(t.toLowerCase()));
    rows.push(
      JSON.stringify({
        externalId: `BENCH-${String(i).padStart(6, "0")}`,
        kind: pick(KINDS),
        title: `${pick(FORMS)} ${subject} ${i}`,
        summary: `A ${subject} offer for officials of the region, number ${i}.`,
        description: `Participants practise ${subject} with case studies from the region.\n\n- Module one\n- Module two`,
        url: `https://training.example.org/offers/${i}`,
        topics: topics.length ? topics : ["trafficking-in-persons"],
        deliveryMode: pick(["in-person", "Online, live", "blended"]),
        languages: [...new Set([pick(LANGUAGES), pick(LANGUAGES)])],
        sessions: rand() < 0.6 ? [{ start: `${year}-${month}-0${1 + Math.floor(rand() * 8)}`, end: `${year}-${month}-1${Math.floor(rand() * 9)}`, city: "Bangkok", country: pick(COUNTRIES) }] : [],
        status: "published",
        visibility: rand() < 0.9 ? "public" : "members",
      }),
    );
  }
  writeFileSync(file, rows.join("\n") + "\n");
}

async function main(): Promise<void> {
  const { dir, logger, key, meili } = benchSearchServer("rtc-bench-import-");
  try {
    line("machine", `${cpus().length} cores, Node ${process.version}`);
    const config = loadConfig({ NODE_ENV: "test", DATA_DIR: dir, SESSION_SECRET: "x".repeat(40), LOG_LEVEL: "warn" });
    const dataSource = await openDatabase(config.database);
    await meili.start();
    const engine = new SearchEngine({ host: meili.url, apiKey: key, timeoutMs: 5000, taskTimeoutMs: 120_000 });
    const services = buildServices(dataSource, { engine, indexUid: "resources", logger });
    await services.referenceData.load();
    const organisation = await services.organisations.findBySlug("jclec");
    if (!organisation) throw new Error("the reference data has no JCLEC");

    const topicNames = new Set((await services.topics.tree()).flatMap((n) => [n.topic, ...n.children]).flatMap((t) => [t.slug, t.name, ...t.synonyms].map((s) => s.toLowerCase())));
    const file = path.join(dir, "listings.jsonl");
    writeFile(file, LISTINGS, topicNames);
    line("file", `${LISTINGS} listings, ${(statSync(file).size / 1e6).toFixed(1)} MB of JSON Lines`);

    // The worker makes the index and its settings first, as in the running app.
    services.worker!.start();
    for (let i = 0; !(await engine.indexExists("resources")); i++) {
      if (i > 300) throw new Error("the search worker did not create the index");
      await new Promise((r) => setTimeout(r, 100));
    }

    let started = performance.now();
    const result = await services.importer.commit(readListingFile(readFileSync(file, "utf8"), "jsonl"), { kind: "organisation", organisation }, SYSTEM_ACTOR);
    const importSeconds = (performance.now() - started) / 1000;
    if (!result.ok || result.counts.create !== LISTINGS) throw new Error(`import did not create every listing: ${JSON.stringify(result.counts)}`);
    line("import (read, check, write, one transaction)", `${importSeconds.toFixed(1)} s (target under 30 s)`);

    started = performance.now();
    for (;;) {
      const stats = await services.outbox.stats();
      if (stats.pending === 0 && (await engine.count("resources")) >= LISTINGS) break;
      if (performance.now() - started > 300_000) throw new Error(`index not caught up after 300 s: ${JSON.stringify(stats)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const indexSeconds = (performance.now() - started) / 1000;
    line("search index caught up after the import", `${indexSeconds.toFixed(1)} s (target within 30 s), ${await engine.count("resources")} documents`);

    started = performance.now();
    const again = await services.importer.commit(readListingFile(readFileSync(file, "utf8"), "jsonl"), { kind: "organisation", organisation }, SYSTEM_ACTOR);
    line("same file again (no-op)", `${((performance.now() - started) / 1000).toFixed(1)} s, ${again.counts.unchanged} unchanged, ${again.changedIds.length} written`);

    await services.worker!.stop();
    await dataSource.destroy();
  } finally {
    await meili.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
