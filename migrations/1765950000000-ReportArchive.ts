import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

/** When a curator archived a progress report (kept, out of the list and coverage); null while it is current. */
export class ReportArchive1765950000000 implements MigrationInterface {
  name = "ReportArchive1765950000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.options.type === "postgres" ? "timestamptz" : "datetime";
    await queryRunner.addColumn("reports", new TableColumn({ name: "archived_at", type, isNullable: true }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("reports", "archived_at");
  }
}
