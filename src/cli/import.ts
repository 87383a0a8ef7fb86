import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { AppError } from "../http/errors";
import { SYSTEM_ACTOR } from "../modules/audit/audit.service";
import { detectFormat, MAX_UPLOAD_BYTES, readListingFile, TRANSFER_FORMATS, TransferFormat } from "../modules/transfer/listing-file";
import { describePlan, ImportDuplicatesError, ImportRejectedError, ImportScope } from "../modules/transfer/listing-importer.service";
import { buildServices } from "../services";
import { exitWithUsage, withDatabase } from "./run";
import { createProgress } from "./progress";

const USAGE = `Usage:
  npm run import -- --org ORGANISATION-SLUG FILE [--dry-run] [--distinct] [--format csv|jsonl] [--language TAG]
  npm run import -- --several FILE [--dry-run] [--distinct] [--format csv|jsonl] [--language TAG]
FILE is CSV or JSON Lines (see the README). Rows are matched to listings by externalId.
--dry-run    list what would be created, updated and rejected, and change nothing
--several    rows name their "organisation"; unknown organisations are created unverified
--distinct   import new rows that look like saved listings (same address, title, or title and start date): they are different ones
--language   the language of new listings whose row gives none and whose title's script suggests none (default en)`;

/** `npm run import`: a bulk import of listings from the command line, with a progress bar. */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      org: { type: "string" },
      several: { type: "boolean" },
      "dry-run": { type: "boolean" },
      distinct: { type: "boolean" },
      format: { type: "string" },
      language: { type: "string" },
      help: { type: "boolean" },
    },
    allowPositionals: true,
  });
  const file = positionals[0];
  const formatGiven = values.format as TransferFormat | undefined;
  if (values.help || !file || positionals.length > 1 || Boolean(values.org) === Boolean(values.several) || (formatGiven && !TRANSFER_FORMATS.includes(formatGiven))) {
    exitWithUsage(USAGE, values.help);
  }
  const size = statSync(file).size;
  if (size > MAX_UPLOAD_BYTES) throw new Error(`${file} is ${(size / 1e6).toFixed(1)} MB; the limit is ${MAX_UPLOAD_BYTES / 1e6} MB. Split it into several files.`);
  let content: string;
  try {
    content = new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(file));
  } catch {
    throw new Error(`${file} is not UTF-8 text; save the spreadsheet as "CSV UTF-8"`);
  }
  const format = formatGiven ?? detectFormat(content, path.basename(file));

  await withDatabase(async (dataSource) => {
    // Topics, languages and countries are what rows are checked against: a new database gets them first.
    const services = buildServices(dataSource);
    await services.referenceData.load();
    let scope: ImportScope = { kind: "several" };
    if (values.org) {
      const organisation = await services.organisations.findBySlug(values.org);
      if (!organisation) throw new Error(`No organisation has the slug "${values.org}". The slugs are listed at /organisations.`);
      scope = { kind: "organisation", organisation };
    }
    const rows = readListingFile(content, format);

    const bars = createProgress("rows");
    const onProgress = (stage: "checking" | "writing", done: number, total: number) => bars.update(stage, done, total);
    try {
      if (values["dry-run"]) {
        const plan = await services.importer.plan(rows, scope, { onProgress, byCurator: true, defaultLanguage: values.language });
        bars.stop();
        process.stdout.write(`Dry run of ${file} (${format}): nothing was changed.\n${describePlan(plan)}\n`);
        if (!plan.ok) process.exitCode = 1;
        return;
      }
      const result = await services.importer.commit(rows, scope, SYSTEM_ACTOR, { onProgress, byCurator: true, distinct: values.distinct ?? false, defaultLanguage: values.language });
      bars.stop();
      process.stdout.write(`Imported ${file} (${format}).\n${describePlan(result)}\n`);
      if (result.changedIds.length) process.stdout.write("The search index catches up as soon as the app's search worker runs.\n");
    } catch (error) {
      bars.stop();
      if (error instanceof ImportRejectedError) {
        process.stdout.write(`Nothing was imported: every row must be valid.\n${describePlan(error.plan)}\n`);
        process.exitCode = 1;
        return;
      }
      if (error instanceof ImportDuplicatesError) {
        process.stdout.write(`Nothing was imported: new rows look like saved listings. Check them; if they are different listings, import again with --distinct.\n${describePlan(error.plan)}\n`);
        process.exitCode = 1;
        return;
      }
      throw error;
    }
  });
}

main().catch((error: unknown) => {
  const detail = error instanceof AppError && error.fields ? Object.values(error.fields).join("; ") : error instanceof Error ? error.message : String(error);
  process.stderr.write(`\nImport failed: ${detail}\n`);
  process.exit(1);
});
