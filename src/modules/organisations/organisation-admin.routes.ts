import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { NotFoundError, ValidationError } from "../../http/errors";
import { parseWith } from "../../http/validate";
import type { Services } from "../../services";
import { requireSignIn } from "../accounts/auth";
import { canCurate, isCurator } from "../accounts/policies";
import { Organisation, ORGANISATION_KINDS } from "./organisation.entity";
import { countryField, kindField, nameField, websiteField } from "./organisation.schemas";
import { message } from "../../i18n/message";
import { isEmail } from "../../http/field-rules";

const optional = (max: number) =>
  z
    .string()
    .max(max * 4, `must be at most ${max} characters`)
    .transform((v) => v.trim())
    .pipe(z.string().max(max))
    .transform((v) => v || null);

/** What an organisation's admins may change about it. */
const profileFields = {
  _csrf: z.string().optional(),
  shortName: optional(40),
  countryCode: countryField,
  website: websiteField(),
  description: optional(4000),
  contactName: optional(200),
  contactEmail: z
    .string()
    .trim()
    .max(254)
    .refine((v) => v === "" || isEmail(v), message("validation.email"))
    .transform((v) => (v ? v.toLowerCase() : null)),
};
const adminProfileSchema = z.object(profileFields).strict();
/** Curators may also rename an organisation and change its kind. */
const curatorProfileSchema = z
  .object({
    ...profileFields,
    name: nameField,
    kind: kindField,
  })
  .strict();
const verificationSchema = z.object({ _csrf: z.string().optional(), verified: z.enum(["yes", "no"], { error: message("validation.yesNo") }) }).strict();

const LABELS = { name: "Name", shortName: "Acronym", kind: "Kind", countryCode: "Country", website: "Website", description: "About", contactName: "Contact name", contactEmail: "Contact email" };

/** An organisation's profile, for its admins and the curators; verification, for curators. */
export function organisationAdminPages(services: Pick<Services, "organisations" | "reference">): Router {
  const router = Router();
  const { organisations, reference } = services;
  const actor = (req: Request) => ({ id: req.user!.id, label: req.user!.email });

  async function managed(req: Request): Promise<Organisation> {
    const organisation = await organisations.managedBy(req.user ?? null, typeof req.query.org === "string" ? req.query.org : null);
    if (!organisation) throw new NotFoundError(message("errors.notFound.profile"));
    return organisation;
  }

  async function renderForm(
    req: Request,
    res: Response,
    organisation: Organisation,
    values: Record<string, unknown>,
    errors: Record<string, string> = {},
    message: string | null = null,
    status = 200,
  ) {
    res.status(status).render("workspace/organisation-profile", {
      title: `Profile of ${organisation.name}`,
      organisation,
      curator: isCurator(req.user ?? null),
      query: isCurator(req.user ?? null) ? `?org=${organisation.slug}` : "",
      values,
      errors,
      message,
      labels: LABELS,
      countries: await reference.listCountries(),
      kinds: ORGANISATION_KINDS,
      saved: req.query.saved === "1",
    });
  }

  router.get("/workspace/organisation", requireSignIn, async (req, res) => {
    const organisation = await managed(req);
    await renderForm(req, res, organisation, { ...organisation });
  });

  router.post("/workspace/organisation", requireSignIn, async (req, res) => {
    const organisation = await managed(req);
    try {
      const schema = isCurator(req.user ?? null) ? curatorProfileSchema : adminProfileSchema;
      const { _csrf, ...fields } = parseWith(schema, req.body ?? {}, message("workspace.profilePage.needsAttention"));
      await organisations.update(organisation.id, fields, actor(req));
      res.redirect(303, `/workspace/organisation?${isCurator(req.user ?? null) ? `org=${organisation.slug}&` : ""}saved=1`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await renderForm(req, res, organisation, req.body ?? {}, error.fieldKeys ?? {}, error.messageKey, 400);
    }
  });

  router.get("/workspace/organisations", requireSignIn, async (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    const rows = await organisations.listForCuration();
    res.render("workspace/organisations", {
      title: "Organisations",
      rows: rows.map(({ organisation, listings }) => ({
        slug: organisation.slug,
        name: organisation.name,
        shortName: organisation.shortName,
        verified: organisation.verified,
        kind: organisation.kind.replace(/-/g, " "),
        kindSlug: organisation.kind,
        listings,
      })),
      unverified: rows.filter((r) => !r.organisation.verified).length,
    });
  });

  router.post("/workspace/organisations/:slug/verification", requireSignIn, async (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    const organisation = await organisations.findBySlug(String(req.params.slug));
    if (!organisation) throw new NotFoundError(message("errors.notFound.organisationAddress"));
    const { verified } = parseWith(verificationSchema, req.body ?? {});
    await organisations.setVerified(organisation.id, verified === "yes", actor(req));
    res.redirect(303, "/workspace/organisations");
  });

  return router;
}
