import { InitialSchema1764300000000 } from "./1764300000000-InitialSchema";
import { ResourceSearchText1764400000000 } from "./1764400000000-ResourceSearchText";
import { Accounts1764500000000 } from "./1764500000000-Accounts";
import { ImportBatches1764600000000 } from "./1764600000000-ImportBatches";
import { ReportDetails1764700000000 } from "./1764700000000-ReportDetails";
import { FilterIndexes1764800000000 } from "./1764800000000-FilterIndexes";
import { SignInPauses1765000000000 } from "./1765000000000-SignInPauses";
import { ListingDetails1765000000001 } from "./1765000000001-ListingDetails";
import { SearchIndexVersions1765000000002 } from "./1765000000002-SearchIndexVersions";
import { Enquiries1765100000000 } from "./1765100000000-Enquiries";
import { UserLanguage1765300000000 } from "./1765300000000-UserLanguage";
import { JobRuns1765600000000 } from "./1765600000000-JobRuns";
import { EnquiryLanguage1765700000000 } from "./1765700000000-EnquiryLanguage";
import { ListingReview1765800000000 } from "./1765800000000-ListingReview";
import { LinkChecks1765900000000 } from "./1765900000000-LinkChecks";
import { ReportArchive1765950000000 } from "./1765950000000-ReportArchive";
import { ListingLanguage1766000000000 } from "./1766000000000-ListingLanguage";

/** Every migration, oldest first. Listed by hand so that the same list works from TypeScript sources and tests. */
export const migrations = [
  InitialSchema1764300000000,
  ResourceSearchText1764400000000,
  Accounts1764500000000,
  ImportBatches1764600000000,
  ReportDetails1764700000000,
  FilterIndexes1764800000000,
  SignInPauses1765000000000,
  ListingDetails1765000000001,
  SearchIndexVersions1765000000002,
  Enquiries1765100000000,
  UserLanguage1765300000000,
  JobRuns1765600000000,
  EnquiryLanguage1765700000000,
  ListingReview1765800000000,
  LinkChecks1765900000000,
  ReportArchive1765950000000,
  ListingLanguage1766000000000,
];
