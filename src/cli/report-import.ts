import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { AppError } from "../http/errors";
import { SYSTEM_ACTOR } from "../modules/audit/audit.service";
import { detectReportFormat, ReportFormat } from "../modules/reports/report-parser";
import { ReportExistsError } from "../modules/reports/report.service";
import { buildServices } from "../services";
import { exitWithUsage, withDatabase } from "./run";
import { isCalendarDay } from "../http/field-rules";

const USAGE = `Usage:
  npm run report:import -- FILE [--slug SLUG] [--title "Title"] [--published YYYY-MM-DD] [--format text|html|csv]
FILE is the report's table: the RSO's tab-separated text, an HTML table, or CSV (number, action, who, status).
Importing a revised report with the same --slug updates its items by number and keeps their links.`;

/** `npm run report:import`: imports (or updates) a progress report from its table. */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { slug: { type: "string" }, title: { type: "string" }, published: { type: "string" }, format: { type: "string" }, help: { type: "boolean" } },
    allowPositionals: true,
  });
  const file = positionals[0];
  const format = values.format as ReportFormat | undefined;
  if (values.help || !file || positionals.length > 1 || (format && !["text", "html", "csv"].includes(format)) || (values.published && !isCalendarDay(values.published))) {
    exitWithUsage(USAGE, values.help);
  }
  const content = new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(file));
  await withDatabase(async (dataSource) => {
    const services = buildServices(dataSource);
    const result = await services.reports.importReport(
      content,
      { format: format ?? detectReportFormat(content, path.basename(file)), slug: values.slug, title: values.title, publishedOn: values.published },
      SYSTEM_ACTOR,
    );
    process.stdout.write(
      `${result.report.title} (/reports/${result.report.slug}): ${result.sections} sections; ${result.created.length} items added, ${result.updated.length} updated, ${result.unchanged.length} unchanged, ${result.removed.length} removed\n`,
    );
  });
}

main().catch((error: unknown) => {
  if (error instanceof ReportExistsError) {
    const { plan, existing } = error;
    process.stderr.write(
      `\nNothing was imported: "${existing.title}" is at /reports/${existing.slug} already. Give --slug ${existing.slug} to update it (${plan.created.length} items added, ${plan.updated.length} changed, ${plan.removed.length} removed), or another --slug to import the file as a new report.\n`,
    );
    process.exit(2);
  }
  if (error instanceof AppError && error.fields?.title) {
    process.stderr.write(`\nReport import failed: the file carries no title for the report (a CSV never does): give one with --title "Title". Nothing was imported.\n`);
    process.exit(2);
  }
  const detail = error instanceof AppError ? `${error.message}${error.fields ? ` (${Object.values(error.fields).join("; ")})` : ""}` : error instanceof Error ? error.message : String(error);
  process.stderr.write(`\nReport import failed: ${detail}\n`);
  process.exit(1);
});
