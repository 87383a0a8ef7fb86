import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { passwordFromEnvironment } from "../config";
import { ValidationError } from "../http/errors";
import { SYSTEM_ACTOR } from "../modules/audit/audit.service";
import { buildServices } from "../services";
import { exitWithUsage, withDatabase } from "./run";

const USAGE = `Usage:
  npm run user:create -- --curator EMAIL [--name "Display Name"]
  npm run user:create -- --org ORGANISATION-SLUG --role admin|editor EMAIL [--name "Display Name"]
The password is read from USER_PASSWORD when set, or asked for (not echoed).`;

/** Asks for a password on the terminal without echoing it. */
function askPassword(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput.bind(rl);
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => write(s.startsWith(prompt) ? s : "");
    rl.question(prompt, (answer) => {
      rl.close();
      process.stdout.write("\n");
      resolve(answer);
    });
  });
}

/** `npm run user:create`: the first curator, or a person of an organisation, from the command line. */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { curator: { type: "boolean" }, org: { type: "string" }, role: { type: "string" }, name: { type: "string" }, help: { type: "boolean" } },
    allowPositionals: true,
  });
  const email = positionals[0];
  if (values.help || !email || (!values.curator && !values.org) || (values.org && values.role !== "admin" && values.role !== "editor")) {
    exitWithUsage(USAGE, values.help);
  }
  try {
    await withDatabase(async (dataSource) => {
      const services = buildServices(dataSource);
      await services.referenceData.load();
      let organisationId: number | null = null;
      if (values.org) {
        const organisation = await services.organisations.findBySlug(values.org);
        if (!organisation) throw new ValidationError({ org: `no organisation is called "${values.org}"` });
        organisationId = organisation.id;
      }
      const password = passwordFromEnvironment() ?? (process.stdin.isTTY ? await askPassword("Password (at least 12 characters): ") : "");
      const user = await services.accounts.create(
        {
          email,
          displayName: values.name ?? email.split("@")[0],
          password,
          organisationId,
          organisationRole: values.org ? (values.role as "admin" | "editor") : null,
          siteRole: values.curator ? "curator" : "none",
        },
        SYSTEM_ACTOR,
      );
      process.stdout.write(`created ${user.siteRole === "curator" ? "curator" : `${user.organisationRole} of ${values.org}`} ${user.email}\n`);
    });
  } catch (error) {
    if (error instanceof ValidationError) {
      process.stderr.write(
        `Not created:\n${Object.entries(error.fields ?? {})
          .map(([field, message]) => `  ${field} ${message}`)
          .join("\n")}\n`,
      );
      process.exitCode = 1;
    } else throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`user:create failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
