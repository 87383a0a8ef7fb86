import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { TRANSFER_FORMATS, TransferFormat, writeListingFile } from "../modules/transfer/listing-file";
import { buildServices } from "../services";
import { exitWithUsage, withDatabase } from "./run";

const USAGE = `Usage:
  npm run export -- --org ORGANISATION-SLUG [--format csv|jsonl] [--out FILE]
  npm run export -- --all [--format csv|jsonl] [--out FILE]
Writes the listings in the import format (JSON Lines unless --format csv), to FILE or to standard output.`;

/** `npm run export`: an organisation's listings (or everyone's) in the format `npm run import` reads. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { org: { type: "string" }, all: { type: "boolean" }, format: { type: "string" }, out: { type: "string" }, help: { type: "boolean" } } });
  const format = (values.format ?? "jsonl") as TransferFormat;
  if (values.help || Boolean(values.org) === Boolean(values.all) || !TRANSFER_FORMATS.includes(format)) {
    exitWithUsage(USAGE, values.help);
  }
  await withDatabase(async (dataSource) => {
    const services = buildServices(dataSource);
    let ownerId: number | null = null;
    if (values.org) {
      const organisation = await services.organisations.findBySlug(values.org);
      if (!organisation) throw new Error(`No organisation has the slug "${values.org}". The slugs are listed at /organisations.`);
      ownerId = organisation.id;
    }
    const rows = await services.exporter.rows(ownerId);
    const text = writeListingFile(rows, format);
    if (values.out) {
      writeFileSync(values.out, text);
      process.stderr.write(`${rows.length} listings written to ${values.out}\n`);
    } else {
      process.stdout.write(text);
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`\nExport failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
