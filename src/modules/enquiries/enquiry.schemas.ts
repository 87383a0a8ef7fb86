import { z } from "zod";
import { message } from "../../i18n/message";

/** The longest question the form takes. */
export const MAX_MESSAGE_LENGTH = 5000;

/** The hidden field that people leave empty and form-filling robots do not. */
export const HONEYPOT_FIELD = "fax";

// Control characters (CR and LF above all) would let a name or an address add mail headers.
const oneLine = (max: number, label: string) =>
  z
    .string({ error: message("validation.required") })
    .trim()
    .max(max, message("validation.tooLong", { maximum: max }))
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), label || message("enquiries.errors.oneLine"));

const emailAddress = oneLine(254, "")
  .refine((v) => /^[^\s@"<>,;()\\]+@[^\s@"<>,;()\\]+\.[^\s@"<>,;()\\]+$/.test(v), message("enquiries.errors.email"))
  .transform((v) => v.toLowerCase());

/** The "Ask the owner" form. */
export const enquiryFormSchema = z
  .object({
    _csrf: z.string().optional(),
    [HONEYPOT_FIELD]: z.string().optional(),
    name: oneLine(120, "").pipe(z.string().min(2, message("validation.tooShort", { minimum: 2 }))),
    email: emailAddress,
    organisation: oneLine(200, "")
      .optional()
      .transform((v) => v || null),
    country: z
      .string()
      .regex(/^([A-Z]{3})?$/, message("enquiries.errors.country"))
      .optional()
      .transform((v) => v || null),
    message: z
      .string({ error: message("validation.required") })
      .transform((v) => v.replace(/\r\n?/g, "\n").trim())
      .pipe(
        z
          .string()
          .min(10, message("validation.tooShort", { minimum: 10 }))
          .max(MAX_MESSAGE_LENGTH, message("validation.tooLong", { maximum: MAX_MESSAGE_LENGTH })),
      )
      .refine((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v), message("enquiries.errors.control")),
    consent: z.literal("yes", { error: message("enquiries.errors.consent") }).optional(),
  })
  .strict();

/** A reply from the inbox. */
export const replyFormSchema = z
  .object({
    _csrf: z.string().optional(),
    body: z
      .string({ error: message("validation.required") })
      .transform((v) => v.replace(/\r\n?/g, "\n").trim())
      .pipe(
        z
          .string()
          .min(2, message("enquiries.errors.writeAnswer"))
          .max(20_000, message("validation.tooLong", { maximum: 20_000 })),
      ),
    replyTo: emailAddress.optional().or(z.literal("").transform(() => undefined)),
  })
  .strict();

export const emptyFormSchema = z.object({ _csrf: z.string().optional() }).strict();

export const eraseFormSchema = z.object({ _csrf: z.string().optional(), email: emailAddress }).strict();

export const inboxQuerySchema = z
  .object({
    status: z.enum(["open", "answered", "closed"], { error: message("validation.choice") }).default("open"),
    org: z
      .string()
      .regex(/^[a-z0-9-]{1,100}$/, message("validation.organisationSlug"))
      .optional(),
  })
  .strict();

export const ENQUIRY_LABELS: Record<string, string> = {
  name: "Your name",
  email: "Your email address",
  organisation: "Your organisation",
  country: "Your country",
  message: "Your question",
  consent: "Consent",
  body: "Answer",
  replyTo: "Replies go to",
};
