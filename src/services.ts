import type { DataSource } from "typeorm";
import pino, { Logger } from "pino";
import { AccountService } from "./modules/accounts/account.service";
import { SignInLimiter } from "./modules/accounts/sign-in-limiter";
import { AuditService } from "./modules/audit/audit.service";
import { CatalogueService } from "./modules/catalogue/catalogue.service";
import { ListingEditor } from "./modules/catalogue/listing-editor.service";
import { ListingRepository } from "./modules/catalogue/listing.repository";
import { ListingWriter } from "./modules/catalogue/listing-writer.service";
import { DuplicateFinder } from "./modules/catalogue/duplicates";
import { TopicService } from "./modules/catalogue/topic.service";
import { OrganisationService } from "./modules/organisations/organisation.service";
import { ReferenceDataLoader } from "./modules/reference/reference-data";
import { ReferenceService } from "./modules/reference/reference.service";
import type { Config } from "./config";
import { Mailer } from "./modules/accounts/mailer";
import { EnquiryLimiter, type EnquiryLimits } from "./modules/enquiries/enquiry-limiter";
import { EnquiryService } from "./modules/enquiries/enquiry.service";
import { ReviewService } from "./modules/curation/review.service";
import { randomBytes } from "node:crypto";
import { ConfirmLinks } from "./modules/confirmation/confirm-links";
import { ConfirmationService } from "./modules/confirmation/confirmation.service";
import { LinkCheckService } from "./modules/links/link-check.service";
import { JobRuns } from "./modules/jobs/job-runs.service";
import { MailOutbox } from "./modules/mail/mail-outbox.service";
import { MailWorker, type MailWorkerOptions } from "./modules/mail/mail-worker";
import { ReportService } from "./modules/reports/report.service";
import type { SearchEngine } from "./modules/search/search-engine";
import { DocumentContextLoader } from "./modules/search/search-document";
import { SearchIndexer } from "./modules/search/search-indexer";
import { SearchOutbox } from "./modules/search/search-outbox.service";
import { DatabaseSearchText } from "./modules/search/search-text";
import { SearchWorker } from "./modules/search/search-worker";
import { IndexCatchUp } from "./modules/search/index-catch-up";
import { SearchService } from "./modules/search/search.service";
import { ListingExporter } from "./modules/transfer/listing-exporter.service";
import { ListingImporter } from "./modules/transfer/listing-importer.service";
import { ImportBatches } from "./modules/transfer/import-batch.service";
import { CoverageService } from "./modules/coverage/coverage.service";
import { DatabaseCheck } from "./modules/health/database-check";

export interface ServiceOptions {
  /** The search engine; null when none can be had (search then answers from the database). */
  engine?: SearchEngine | null;
  /** Index that answers searches. */
  indexUid?: string;
  logger?: Logger;
  /** What mail and enquiries need of the configuration; without it mail goes to the log only. */
  config?: Pick<Config, "env" | "mail" | "publicUrl" | "enquiries"> & Partial<Pick<Config, "confirmLinkSecret" | "linkCheck">>;
  /** The mailer; built from `config` when not given. */
  mailer?: Mailer;
  /** Enquiry rate limits (the defaults when not given). */
  enquiryLimits?: EnquiryLimits;
  /** Mail worker tuning, and the first retry delay of a failed mail. */
  mail?: MailWorkerOptions & { backoffMs?: number };
}

/** Every service of the app, wired by hand: each gets what it needs through its constructor. */
export function buildServices(dataSource: DataSource, options: ServiceOptions = {}) {
  const logger = options.logger ?? pino({ level: "silent" });
  const engine = options.engine ?? null;
  const indexUid = options.indexUid ?? "resources";
  const audit = new AuditService(dataSource);
  const reference = new ReferenceService(dataSource);
  const topics = new TopicService(dataSource);
  const searchText = new DatabaseSearchText(dataSource.options.type === "postgres" ? "postgres" : "sqlite");
  const documentContext = new DocumentContextLoader(topics, reference);
  const listings = new ListingRepository(dataSource);
  const outbox = new SearchOutbox(dataSource, searchText, documentContext, listings);
  const writer = new ListingWriter(dataSource, listings, audit, outbox);
  const duplicates = new DuplicateFinder(listings);
  const organisations = new OrganisationService(dataSource, listings, audit, outbox);
  const referenceData = new ReferenceDataLoader(dataSource, organisations);
  const catalogue = new CatalogueService(topics, organisations, reference, searchText, listings, writer);
  const searchLogger = logger.child({ module: "search" });
  const indexer = engine ? new SearchIndexer(engine, indexUid, listings, topics, organisations, reference, documentContext, searchLogger, outbox) : null;
  const search = new SearchService(engine, indexUid, catalogue, listings, topics, organisations, reference, searchLogger);
  const worker = indexer ? new SearchWorker(outbox, indexer, listings, searchLogger) : null;
  const indexCatchUp = new IndexCatchUp(worker, outbox);
  search.waitForIndex(indexCatchUp);
  const accounts = new AccountService(dataSource, audit);
  const editor = new ListingEditor(listings, writer);
  const signInLimiter = new SignInLimiter(dataSource);
  const importer = new ListingImporter(dataSource, audit, listings, writer, organisations, duplicates);
  const exporter = new ListingExporter(listings);
  const reports = new ReportService(dataSource, listings, audit);
  const config = options.config ?? {
    env: "development" as const,
    mail: { smtpUrl: null, from: "Regional Training Catalogue <no-reply@localhost>" },
    publicUrl: "http://localhost:3000",
    enquiries: { retentionMonths: 24 },
  };
  const mailLogger = logger.child({ module: "mail" });
  const mailer = options.mailer ?? new Mailer(config, mailLogger);
  const mailOutbox = new MailOutbox(dataSource, { backoffMs: options.mail?.backoffMs });
  const mailWorker = new MailWorker(mailOutbox, mailer, mailLogger, options.mail);
  const enquiries = new EnquiryService(dataSource, accounts, audit, mailOutbox, { publicUrl: config.publicUrl, retentionMonths: config.enquiries.retentionMonths });
  const enquiryLimiter = new EnquiryLimiter(dataSource, options.enquiryLimits);
  const jobRuns = new JobRuns(dataSource);
  const review = new ReviewService(dataSource, listings, accounts, writer, mailOutbox, { publicUrl: config.publicUrl });
  // Without a configuration (scripts, some tests) the links are signed with a key of this process only.
  const confirmLinks = new ConfirmLinks(config.confirmLinkSecret ?? randomBytes(32).toString("base64url"));
  const confirmation = new ConfirmationService(dataSource, listings, accounts, editor, mailOutbox, confirmLinks, { publicUrl: config.publicUrl });
  const coverage = new CoverageService(dataSource, listings);
  const importBatches = new ImportBatches(dataSource);
  const database = new DatabaseCheck(dataSource);
  const links = new LinkCheckService(dataSource, listings, config.linkCheck ?? { timeoutMs: 10_000, pauseMs: 1000, allowLoopback: false });
  return {
    database,
    listings,
    writer,
    referenceData,
    coverage,
    importBatches,
    duplicates,
    review,
    jobRuns,
    confirmLinks,
    confirmation,
    links,
    mailer,
    mailOutbox,
    mailWorker,
    enquiries,
    enquiryLimiter,
    reports,
    accounts,
    signInLimiter,
    editor,
    importer,
    exporter,
    audit,
    outbox,
    reference,
    topics,
    organisations,
    catalogue,
    searchText,
    documentContext,
    indexer,
    search,
    worker,
    indexCatchUp,
    engine,
  };
}

export type Services = ReturnType<typeof buildServices>;
