import { MigrationInterface, QueryRunner, Table, TableColumn } from "typeorm";

/**
 * What a report import keeps beyond the table's cells: section numbers as written, footnotes of an
 * item, the format a report was read from, and the organisations and countries its "who" names.
 */
export class ReportDetails1764700000000 implements MigrationInterface {
  name = "ReportDetails1764700000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === "postgres";
    const timestamp = postgres ? "timestamptz" : "datetime";
    await queryRunner.addColumn("reports", new TableColumn({ name: "source_format", type: "varchar", length: "10", isNullable: true }));
    await queryRunner.addColumn("reports", new TableColumn({ name: "imported_at", type: timestamp, isNullable: true }));
    await queryRunner.addColumn("report_sections", new TableColumn({ name: "number", type: "varchar", length: "10", isNullable: true }));
    await queryRunner.addColumn("report_items", new TableColumn({ name: "footnotes", type: "text", isNullable: true }));
    await queryRunner.createTable(
      new Table({
        name: "report_item_parties",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "item_id", type: "integer" },
          { name: "organisation_id", type: "integer", isNullable: true },
          { name: "country_code", type: "varchar", length: "3", isNullable: true },
          { name: "matched", type: "varchar", length: "200" },
        ],
        indices: [
          { name: "IDX_report_item_parties_item", columnNames: ["item_id"] },
          { name: "IDX_report_item_parties_organisation", columnNames: ["organisation_id"] },
          { name: "IDX_report_item_parties_country", columnNames: ["country_code"] },
        ],
        foreignKeys: [
          { columnNames: ["item_id"], referencedTableName: "report_items", referencedColumnNames: ["id"], onDelete: "CASCADE" },
          { columnNames: ["organisation_id"], referencedTableName: "organisations", referencedColumnNames: ["id"], onDelete: "CASCADE" },
          { columnNames: ["country_code"], referencedTableName: "countries", referencedColumnNames: ["code"], onDelete: "CASCADE" },
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("report_item_parties");
    await queryRunner.dropColumn("report_items", "footnotes");
    await queryRunner.dropColumn("report_sections", "number");
    await queryRunner.dropColumn("reports", "imported_at");
    await queryRunner.dropColumn("reports", "source_format");
  }
}
