import { MigrationInterface, QueryRunner, Table } from "typeorm";

/** Every check of a listing's, edition's or organisation's address, kept as history. */
export class LinkChecks1765900000000 implements MigrationInterface {
  name = "LinkChecks1765900000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === "postgres";
    const timestamp = postgres ? "timestamptz" : "datetime";
    await queryRunner.createTable(
      new Table({
        name: "link_checks",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "target_type", type: "varchar", length: "20" },
          { name: "target_id", type: "integer" },
          { name: "url", type: "varchar", length: "500" },
          { name: "checked_at", type: timestamp },
          { name: "ok", type: "boolean" },
          { name: "status_code", type: "integer", isNullable: true },
          { name: "error", type: "varchar", length: "40", isNullable: true },
          { name: "final_url", type: "varchar", length: "2000", isNullable: true },
          { name: "ms", type: "integer", default: 0 },
        ],
        indices: [
          { name: "IDX_link_checks_target", columnNames: ["target_type", "target_id", "checked_at"] },
          { name: "IDX_link_checks_checked_at", columnNames: ["checked_at"] },
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("link_checks");
  }
}
