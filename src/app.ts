import path from "node:path";
import express, { Express } from "express";
import helmet from "helmet";
import ejs from "ejs";
import { pinoHttp } from "pino-http";
import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import type { Config } from "./config";
import { errorHandler, notFoundHandler } from "./http/error-handler";
import { normaliseInput, parseCleanQuery } from "./http/input";
import { noStoreWhenSignedIn, warnAboutUntrustedProxy } from "./http/proxy";
import { csrfSynchronisedProtection, viewLocals } from "./http/view-locals";
import { accountLanguage, keepLanguageInLinks, negotiateLanguage } from "./i18n/middleware";
import { fontFiles } from "./i18n/fonts";
import { installAuth } from "./modules/accounts/auth";
import { accountPages } from "./modules/accounts/accounts.routes";
import { peoplePages } from "./modules/accounts/people.routes";
import type { Logger } from "./logger";
import { catalogueApi, cataloguePages } from "./modules/catalogue/catalogue.routes";
import { workspacePages } from "./modules/catalogue/workspace.routes";
import { reviewPages } from "./modules/curation/review.routes";
import { confirmationPages } from "./modules/confirmation/confirmation.routes";
import { linkPages } from "./modules/links/links.routes";
import { developmentMailbox, enquiryPages } from "./modules/enquiries/enquiries.routes";
import { healthRoutes } from "./modules/health/health.routes";
import { organisationAdminPages } from "./modules/organisations/organisation-admin.routes";
import { organisationApi, organisationPages } from "./modules/organisations/organisations.routes";
import { coveragePages } from "./modules/coverage/coverage.routes";
import { reportApi, reportPages } from "./modules/reports/reports.routes";
import { searchApi, searchPages } from "./modules/search/search.routes";
import { importUpload, transferPages } from "./modules/transfer/transfer.routes";
import { buildServices, Services } from "./services";

export interface AppDeps {
  config: Config;
  logger: Logger;
  dataSource: DataSource;
  /** Built from the data source when not given. */
  services?: Services;
}

const ROOT = path.resolve(__dirname, "..");

/** Builds the Express app. Never listens: `server.ts` does, and tests use Supertest. */
export function createApp(deps: AppDeps): Express {
  const { config, logger, dataSource } = deps;
  const services = deps.services ?? buildServices(dataSource, { config, logger });
  const app = express();

  app.set("trust proxy", config.trustProxy);
  // EJS, plus one step on the finished page: a `?lang=` in the address is kept in its links.
  app.engine("ejs", (file: string, options: object, callback: (error: unknown, html?: string) => void) => {
    ejs.renderFile(file, options as ejs.Data, (error, html) => {
      const keep = (options as { keepLang?: string | null }).keepLang;
      if (error) callback(error);
      else callback(null, keep ? keepLanguageInLinks(html, keep) : html);
    });
  });
  if (config.env === "production" && config.trustProxy === false) app.use(warnAboutUntrustedProxy(logger.child({ module: "http" })));
  app.set("view engine", "ejs");
  app.set("views", path.join(ROOT, "views"));
  // Express's "simple" parser, with control and private-use characters taken out of every value.
  app.set("query parser", parseCleanQuery);
  app.disable("x-powered-by");
  app.locals.section = "";
  app.locals.currentUser = null;
  app.locals.csrfToken = "";
  if (config.env === "production") app.enable("view cache");

  app.use(
    pinoHttp({
      logger: logger.child({ module: "http" }),
      genReqId: (req, res) => {
        const given = req.headers["x-request-id"];
        const id = typeof given === "string" && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
        res.setHeader("x-request-id", id);
        return id;
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info"),
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          "default-src": ["'self'"],
          "script-src": ["'self'"],
          "style-src": ["'self'"],
          "img-src": ["'self'", "data:"],
          "form-action": ["'self'"],
          "frame-ancestors": ["'none'"],
          "upgrade-insecure-requests": config.env === "production" ? [] : null,
        },
      },
      strictTransportSecurity: config.env === "production",
    }),
  );
  // The language first, so that even an error raised by the body parser is answered in it.
  app.use(negotiateLanguage({ publicUrl: config.publicUrl, secureCookie: config.env === "production" }));
  app.use(express.urlencoded({ extended: false, limit: "1mb", parameterLimit: 200 }));
  app.use(normaliseInput);
  installAuth(app, config, dataSource, services.accounts, logger.child({ module: "sessions" }));
  app.use(accountLanguage(services.accounts, config.publicUrl));
  // Import uploads are multipart: their body (and CSRF token) is parsed before the check below.
  app.post(["/workspace/import", "/reports/import"], importUpload, normaliseInput);
  // Every state-changing form carries the session's token (synchroniser token pattern).
  app.use((req, res, next) => (req.path.startsWith("/api/") ? next() : csrfSynchronisedProtection(req, res, next)));
  app.use(noStoreWhenSignedIn);
  app.use(viewLocals(config));

  app.use(healthRoutes(services));
  app.use("/api/v1", searchApi(services));
  app.use("/api/v1", catalogueApi(services));
  app.use("/api/v1", organisationApi(services));
  app.use("/api/v1", reportApi(services));
  app.use(accountPages(services, services.signInLimiter));
  app.use(workspacePages(services, services.editor));
  app.use(peoplePages(services, services.mailer, config));
  app.use(developmentMailbox(config, services.mailer));
  // The pages made from the services alone, tried in this order.
  const pages = [reviewPages, transferPages, organisationAdminPages, enquiryPages, confirmationPages, linkPages, searchPages, cataloguePages, organisationPages, reportPages, coveragePages];
  for (const router of pages) app.use(router(services));

  // After the routes, so that no page or API request costs a look at the disk first.
  app.use("/fonts", fontFiles(config.env === "production"));
  app.use(express.static(path.join(ROOT, "public"), { maxAge: config.env === "production" ? "1d" : 0, index: false }));
  app.use(notFoundHandler);
  app.use(errorHandler(logger, config.env === "development"));
  return app;
}
