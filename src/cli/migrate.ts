import { loadConfig } from "../config";
import { createDataSource } from "../db/data-source";

/**
 * `npm run migrate` applies pending migrations; `npm run migrate -- down` reverts the last one;
 * `npm run migrate -- status` lists them.
 */
async function main(): Promise<void> {
  const command = process.argv[2] ?? "up";
  if (!["up", "down", "status"].includes(command)) {
    process.stderr.write(`Unknown command "${command}". Use up, down or status.\n`);
    process.exit(2);
  }
  const config = loadConfig();
  const dataSource = createDataSource(config.database);
  await dataSource.initialize();
  try {
    if (command === "up") {
      const applied = await dataSource.runMigrations({ transaction: "each" });
      process.stdout.write(applied.length ? applied.map((m) => `applied ${m.name}\n`).join("") : "nothing to apply\n");
    } else if (command === "down") {
      await dataSource.undoLastMigration({ transaction: "each" });
      process.stdout.write("reverted the last migration\n");
    } else {
      const done = new Set<string>((await dataSource.query("SELECT name FROM migrations").catch(() => [])).map((r: { name: string }) => r.name));
      for (const m of dataSource.migrations) process.stdout.write(`${done.has(m.name ?? "") ? "[x]" : "[ ]"} ${m.name}\n`);
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
