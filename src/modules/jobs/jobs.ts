import type { Config } from "../../config";
import type { Services } from "../../services";
import type { JobDefinition } from "./scheduler";

const HOUR = 3600_000;

/** The catalogue's scheduled jobs, on the schedules of the configuration. */
export function scheduledJobs(services: Services, config: Pick<Config, "jobs">): JobDefinition[] {
  return [
    {
      name: "confirmation-digest",
      schedule: config.jobs.confirmationDigest,
      leaseMs: HOUR,
      run: async () => {
        const sent = await services.confirmation.sendDigests();
        return `${sent.listings} listings due; ${sent.mails} digests to ${sent.organisations} organisations; ${sent.unreached} organisations with nobody signed up`;
      },
    },
    {
      name: "link-check",
      schedule: config.jobs.linkCheck,
      leaseMs: 6 * HOUR,
      run: async () => {
        const run = await services.links.checkAll();
        return `${run.addresses} addresses of ${run.targets} listings, editions and organisations checked; ${run.failed} failed; ${Math.round(run.seconds)} s`;
      },
    },
    {
      name: "enquiry-retention",
      schedule: config.jobs.enquiryRetention,
      leaseMs: HOUR,
      // As before the scheduler: a new installation applies the retention period at once.
      runOnFirstStart: true,
      run: async () => `${await services.enquiries.purgeExpired()} enquiries past their retention period deleted`,
    },
  ];
}
