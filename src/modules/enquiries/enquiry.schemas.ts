import { z } from "zod";

/** The longest question the form takes. */
export const MAX_MESSAGE_LENGTH = 5000;

/** The hidden field that people leave empty and form-filling robots do not. */
export const HONEYPOT_FIELD = "fax";

// Control characters (CR and LF above all) would let a name or an address add mail headers.
const oneLine = (max: number, label: string) =>
  z
    .string({ error: "is required" })
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), `must be on one line, without line breaks or control characters${label}`);

const emailAddress = oneLine(254, "")
  .refine((v) => /^[^\s@"<>,;()\\]+@[^\s@"<>,;()\\]+\.[^\s@"<>,;()\\]+$/.test(v), "must be an email address such as name@example.org")
  .transform((v) => v.toLowerCase());

/** The "Ask the owner" form. */
export const enquiryFormSchema = z
  .object({
    _csrf: z.string().optional(),
    [HONEYPOT_FIELD]: z.string().optional(),
    name: oneLine(120, "").pipe(z.string().min(2, "must be at least 2 characters")),
    email: emailAddress,
    organisation: oneLine(200, "").optional().transform((v) => v || null),
    country: z
      .string()
      .regex(/^([A-Z]{3})?$/, "choose a country from the list")
      .optional()
      .transform((v) => v || null),
    message: z
      .string({ error: "is required" })
      .transform((v) => v.replace(/\r\n?/g, "\n").trim())
      .pipe(z.string().min(10, "must be at least 10 characters").max(MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH.toLocaleString("en")} characters`))
      .refine((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v), "must not contain control characters"),
    consent: z.literal("yes", { error: "tick the box if the owner may see your email address" }).optional(),
  })
  .strict();

/** A reply from the inbox. */
export const replyFormSchema = z
  .object({
    _csrf: z.string().optional(),
    body: z
      .string({ error: "is required" })
      .transform((v) => v.replace(/\r\n?/g, "\n").trim())
      .pipe(z.string().min(2, "write the answer").max(20_000, "must be at most 20,000 characters")),
    replyTo: emailAddress.optional().or(z.literal("").transform(() => undefined)),
  })
  .strict();

export const emptyFormSchema = z.object({ _csrf: z.string().optional() }).strict();

export const eraseFormSchema = z.object({ _csrf: z.string().optional(), email: emailAddress }).strict();

export const inboxQuerySchema = z
  .object({
    status: z.enum(["open", "answered", "closed"], { error: "must be open, answered or closed" }).default("open"),
    org: z.string().regex(/^[a-z0-9-]{1,100}$/, "must be an organisation's address name").optional(),
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
