import { MigrationInterface, QueryRunner, TableColumn, TableForeignKey, TableIndex } from "typeorm";

/** The language a listing's own text is written in (a BCP 47 tag of the reference data); null: not given. */
export class ListingLanguage1766000000000 implements MigrationInterface {
  name = "ListingLanguage1766000000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("resources", new TableColumn({ name: "language_tag", type: "varchar", length: "16", isNullable: true }));
    await queryRunner.createIndex("resources", new TableIndex({ name: "IDX_resources_language", columnNames: ["language_tag"] }));
    await queryRunner.createForeignKey(
      "resources",
      new TableForeignKey({ name: "FK_resources_language", columnNames: ["language_tag"], referencedTableName: "languages", referencedColumnNames: ["tag"], onDelete: "RESTRICT" }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropForeignKey("resources", "FK_resources_language");
    await queryRunner.dropIndex("resources", "IDX_resources_language");
    await queryRunner.dropColumn("resources", "language_tag");
  }
}
