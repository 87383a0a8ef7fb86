import { z } from "zod";
import { isHttpUrl } from "../../http/field-rules";
import { message } from "../../i18n/message";
import { ORGANISATION_KINDS } from "./organisation.entity";

// An organisation's fields as its forms read them: the curators' form for a new organisation, and
// the profile form of the organisation's admins and the curators.

export const nameField = z.string().trim().min(3).max(200);

export const kindField = z.enum(ORGANISATION_KINDS, { error: message("listing.errors.chooseKind") });

/** A country of the list (its three-letter code), or none. */
export const countryField = z
  .string()
  .regex(/^([A-Z]{3})?$/, message("listing.errors.chooseCountry"))
  .transform((v) => v || null);

/** An http(s) address, or none; `invalid` is the form's message for anything else. */
export const websiteField = (invalid = message("validation.url")) =>
  z
    .string()
    .trim()
    .max(500)
    .refine((v) => v === "" || isHttpUrl(v), invalid)
    .transform((v) => v || null);
