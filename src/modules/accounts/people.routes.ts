import { Router, type Request } from "express";
import { z } from "zod";
import type { Config } from "../../config";
import { NotFoundError, ValidationError } from "../../http/errors";
import { parseWith } from "../../http/validate";
import { translator } from "../../i18n/i18n";
import type { Services } from "../../services";
import { ORGANISATION_KINDS } from "../organisations/organisation.entity";
import type { Organisation } from "../organisations/organisation.entity";
import { countryField, kindField, nameField, websiteField } from "../organisations/organisation.schemas";
import { requireSignIn } from "./auth";
import type { Mailer } from "./mailer";
import { canCurate, isCurator } from "./policies";
import { message } from "../../i18n/message";
import { isEmail } from "../../http/field-rules";

const inviteSchema = z
  .object({
    _csrf: z.string().optional(),
    email: z.string().trim().max(254).refine(isEmail, message("validation.email")),
    displayName: z.string().trim().min(2).max(120),
    role: z.enum(["admin", "editor"], { error: message("accounts.errors.chooseRole") }),
  })
  .strict();

const organisationSchema = z
  .object({
    _csrf: z.string().optional(),
    name: nameField,
    shortName: z
      .string()
      .trim()
      .max(40)
      .transform((v) => v || null),
    kind: kindField,
    countryCode: countryField,
    website: websiteField(message("validation.httpStart")),
  })
  .strict();

const LABELS = { email: "Email", displayName: "Name", role: "Role", name: "Name", shortName: "Acronym", kind: "Kind", countryCode: "Country", website: "Website" };

/** People of an organisation and their invitations; new organisations, for curators. */
export function peoplePages(services: Pick<Services, "accounts" | "organisations" | "reference">, mailer: Mailer, config: Pick<Config, "publicUrl">): Router {
  const router = Router();
  const { accounts, organisations, reference } = services;
  const actor = (req: Request) => ({ id: req.user!.id, label: req.user!.email });

  /** The organisation whose people this request is about, if this person may manage them. */
  async function managedOrganisation(req: Request): Promise<Organisation> {
    const organisation = await organisations.managedBy(req.user ?? null, typeof req.query.org === "string" ? req.query.org : null);
    if (!organisation) throw new NotFoundError(message("errors.notFound.people"));
    return organisation;
  }

  async function render(req: Request, res: import("express").Response, organisation: Organisation, extra: Record<string, unknown> = {}, status = 200) {
    const [people, invitations] = await Promise.all([accounts.listForOrganisation(organisation.id), accounts.pendingInvitations(organisation.id)]);
    res.status(status).render("workspace/people", {
      title: `People of ${organisation.name}`,
      organisation,
      query: isCurator(req.user ?? null) ? `?org=${organisation.slug}` : "",
      people: people.map((p) => ({ name: p.displayName, email: p.email, role: p.organisationRole, disabled: p.disabled })),
      invitations: invitations.map((i) => ({ name: i.displayName, email: i.email, role: i.organisationRole, expires: i.expiresAt.toISOString().slice(0, 10) })),
      values: { email: "", displayName: "", role: "editor" },
      errors: {},
      message: null,
      link: null,
      sent: false,
      labels: LABELS,
      ...extra,
    });
  }

  router.get("/workspace/people", requireSignIn, async (req, res) => {
    await render(req, res, await managedOrganisation(req));
  });

  router.post("/workspace/people", requireSignIn, async (req, res) => {
    const organisation = await managedOrganisation(req);
    try {
      const input = parseWith(inviteSchema, req.body ?? {}, message("workspace.peoplePage.needsAttention"));
      const { token } = await accounts.invite({ email: input.email, displayName: input.displayName, organisationId: organisation.id, organisationRole: input.role }, actor(req));
      // The invitation is written in the inviter's language, and its link opens the page in it.
      const link = `${config.publicUrl}/invitations/${token}${req.language === "en" ? "" : `?lang=${req.language}`}`;
      const { t } = translator(req.language);
      const sent = await mailer.send({
        to: input.email,
        subject: t("mail.invitation.subject", { organisation: organisation.name }),
        text: t("mail.invitation.body", { inviter: req.user!.displayName, organisation: organisation.name, link }),
      });
      // Without mail the inviter passes the link on; it is shown once, here.
      await render(req, res, organisation, { link: sent ? null : link, sent, invitedEmail: input.email });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await render(req, res, organisation, { values: req.body ?? {}, errors: error.fieldKeys ?? {}, message: error.messageKey }, 400);
    }
  });

  router.get("/workspace/organisations/new", requireSignIn, async (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    res.render("workspace/organisation-form", {
      title: "New organisation",
      values: { kind: "member-state-agency" },
      errors: {},
      message: null,
      labels: LABELS,
      countries: await reference.listCountries(),
      kinds: ORGANISATION_KINDS,
    });
  });

  router.post("/workspace/organisations", requireSignIn, async (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    try {
      const input = parseWith(organisationSchema, req.body ?? {}, message("workspace.orgForm.needsAttention"));
      const { _csrf, ...fields } = input;
      const organisation = await organisations.create(fields, actor(req));
      res.redirect(303, `/workspace/people?org=${organisation.slug}`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(400).render("workspace/organisation-form", {
        title: "New organisation",
        values: req.body ?? {},
        errors: error.fieldKeys ?? {},
        message: error.messageKey,
        labels: LABELS,
        countries: await reference.listCountries(),
        kinds: ORGANISATION_KINDS,
      });
    }
  });

  return router;
}
