import { MigrationInterface, QueryRunner, Table } from "typeorm";

/**
 * Scheduled jobs: one row per job with the slot (scheduled time) it last ran for, a claim that one
 * app instance takes with a conditional update, and the last run's outcome.
 */
export class JobRuns1765600000000 implements MigrationInterface {
  name = "JobRuns1765600000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === "postgres";
    const timestamp = postgres ? "timestamptz" : "datetime";
    await queryRunner.createTable(
      new Table({
        name: "job_runs",
        columns: [
          { name: "name", type: "varchar", length: "60", isPrimary: true },
          { name: "last_slot", type: timestamp, isNullable: true },
          { name: "claimed_until", type: timestamp, isNullable: true },
          { name: "claimed_by", type: "varchar", length: "120", isNullable: true },
          { name: "last_started_at", type: timestamp, isNullable: true },
          { name: "last_finished_at", type: timestamp, isNullable: true },
          { name: "last_outcome", type: "varchar", length: "10", isNullable: true },
          { name: "last_error", type: "text", isNullable: true },
          { name: "last_summary", type: "varchar", length: "500", isNullable: true },
          { name: "runs", type: "integer", default: 0 },
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("job_runs");
  }
}
