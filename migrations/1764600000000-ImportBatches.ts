import { MigrationInterface, QueryRunner, Table } from "typeorm";

/**
 * Uploaded import files waiting between their dry run and their commit: the file as sent, who sent
 * it, for which organisation, and what the dry run found.
 */
export class ImportBatches1764600000000 implements MigrationInterface {
  name = "ImportBatches1764600000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === "postgres";
    const timestamp = postgres ? "timestamptz" : "datetime";
    const now = postgres ? "now()" : "datetime('now')";
    await queryRunner.createTable(
      new Table({
        name: "import_batches",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "token", type: "varchar", length: "64" },
          { name: "user_id", type: "integer" },
          { name: "organisation_id", type: "integer", isNullable: true },
          { name: "file_name", type: "varchar", length: "255" },
          { name: "format", type: "varchar", length: "10" },
          { name: "content", type: "text" },
          { name: "plan", type: "text", isNullable: true },
          { name: "created_at", type: timestamp, default: now },
          { name: "committed_at", type: timestamp, isNullable: true },
        ],
        indices: [
          { name: "IDX_import_batches_token", columnNames: ["token"], isUnique: true },
          { name: "IDX_import_batches_user", columnNames: ["user_id"] },
        ],
        foreignKeys: [
          { columnNames: ["user_id"], referencedTableName: "users", referencedColumnNames: ["id"], onDelete: "CASCADE" },
          { columnNames: ["organisation_id"], referencedTableName: "organisations", referencedColumnNames: ["id"], onDelete: "CASCADE" },
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("import_batches");
  }
}
