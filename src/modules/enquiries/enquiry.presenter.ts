import { formatTimestamp } from "../../http/dates";
import type { ResourceDetail } from "../catalogue/resource.presenter";
import type { EnquiryMessage } from "./enquiry-message.entity";
import type { Enquiry, EnquiryStatus } from "./enquiry.entity";
import { ENQUIRY_LABELS, HONEYPOT_FIELD, MAX_MESSAGE_LENGTH } from "./enquiry.schemas";

/** What the "Ask the owner" form shows again after a refused enquiry. */
export interface EnquiryFormState {
  values: Record<string, unknown>;
  errors: Record<string, string>;
  message: string | null;
}

const text = (v: unknown) => (typeof v === "string" ? v : "");

/** The status as people read it: "open" is a new enquiry. */
export const STATUS_NAMES: Record<EnquiryStatus, string> = { open: "New", answered: "Answered", closed: "Closed" };

/** The "Ask the owner" form of a listing page. */
export function presentEnquiryForm(detail: ResourceDetail, form: EnquiryFormState, extra: { toCurators: boolean; retentionMonths: number; countries: Array<{ code: string; name: string }> }) {
  return {
    action: `${detail.path}/enquiries`,
    ownerName: detail.owner?.name ?? "the owner",
    toCurators: extra.toCurators,
    retentionMonths: extra.retentionMonths,
    countries: extra.countries.map((c) => ({ value: c.code, name: c.name })),
    values: {
      name: text(form.values.name),
      email: text(form.values.email),
      organisation: text(form.values.organisation),
      country: text(form.values.country),
      message: text(form.values.message),
      consent: form.values.consent === "yes",
    },
    errors: form.errors,
    message: form.message,
    labels: ENQUIRY_LABELS,
    maxLength: MAX_MESSAGE_LENGTH,
    honeypot: HONEYPOT_FIELD,
  };
}

/** One enquiry in the inbox list. */
export function presentInboxRow(enquiry: Enquiry) {
  return {
    id: enquiry.id,
    path: `/workspace/enquiries/${enquiry.id}`,
    reference: enquiry.reference ?? `#${enquiry.id}`,
    listing: enquiry.resourceTitle ?? "A listing no longer there",
    organisation: enquiry.organisation?.name ?? "",
    from: enquiry.senderName,
    received: formatTimestamp(enquiry.createdAt),
    receivedAt: enquiry.createdAt,
    status: enquiry.status,
    statusName: STATUS_NAMES[enquiry.status],
    routedToCurators: enquiry.routedToCurators,
    excerpt: enquiry.message.length > 140 ? `${enquiry.message.slice(0, 140)}…` : enquiry.message,
  };
}

function presentMessage(m: EnquiryMessage, enquiry: Enquiry) {
  return {
    incoming: m.direction === "in",
    author: m.direction === "in" ? enquiry.senderName : (m.authorName ?? null),
    at: formatTimestamp(m.createdAt),
    createdAt: m.createdAt,
    body: m.body,
    replyTo: m.replyTo,
  };
}

/** One enquiry with its thread, for the people who answer it. The sender's email shows only with their consent. */
export function presentEnquiry(enquiry: Enquiry, resourcePath: string | null) {
  return {
    ...presentInboxRow(enquiry),
    resourcePath,
    senderOrganisation: enquiry.senderOrganisation,
    senderCountry: enquiry.senderCountry,
    senderEmail: enquiry.shareEmail ? enquiry.senderEmail : null,
    answered: formatTimestamp(enquiry.answeredAt),
    closed: formatTimestamp(enquiry.closedAt),
    answeredAt: enquiry.answeredAt ?? null,
    closedAt: enquiry.closedAt ?? null,
    messages: (enquiry.messages ?? []).map((m) => presentMessage(m, enquiry)),
  };
}
