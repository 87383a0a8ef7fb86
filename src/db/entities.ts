import { HttpSession } from "../modules/accounts/http-session.entity";
import { Invitation } from "../modules/accounts/invitation.entity";
import { User } from "../modules/accounts/user.entity";
import { AuditEvent } from "../modules/audit/audit-event.entity";
import { CourseSession } from "../modules/catalogue/course-session.entity";
import { Edition } from "../modules/catalogue/edition.entity";
import { Resource } from "../modules/catalogue/resource.entity";
import { Topic } from "../modules/catalogue/topic.entity";
import { Enquiry } from "../modules/enquiries/enquiry.entity";
import { EnquiryMessage } from "../modules/enquiries/enquiry-message.entity";
import { JobRun } from "../modules/jobs/job-run.entity";
import { LinkCheck } from "../modules/links/link-check.entity";
import { MailOutboxEntry } from "../modules/mail/mail-outbox.entity";
import { Organisation } from "../modules/organisations/organisation.entity";
import { Audience, Country, Language } from "../modules/reference/reference.entities";
import { Report, ReportItem, ReportItemLink, ReportItemParty, ReportSection } from "../modules/reports/report.entities";
import { SearchIndexVersion } from "../modules/search/search-index-version.entity";
import { SearchOutboxEntry } from "../modules/search/search-outbox.entity";
import { ImportBatch } from "../modules/transfer/import-batch.entity";

/** Every entity the data source knows. */
export const entities = [
  Country,
  Language,
  Audience,
  Topic,
  Organisation,
  User,
  Resource,
  Edition,
  CourseSession,
  Report,
  ReportSection,
  ReportItem,
  ReportItemLink,
  ReportItemParty,
  Enquiry,
  EnquiryMessage,
  MailOutboxEntry,
  JobRun,
  LinkCheck,
  AuditEvent,
  SearchOutboxEntry,
  SearchIndexVersion,
  HttpSession,
  Invitation,
  ImportBatch,
];
