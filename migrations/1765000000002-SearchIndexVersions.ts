import { MigrationInterface, QueryRunner, Table } from "typeorm";

/** The document shape each search index was last built with, so that a start after a change rebuilds it. */
export class SearchIndexVersions1765000000002 implements MigrationInterface {
  name = "SearchIndexVersions1765000000002";

  public async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === "postgres";
    await queryRunner.createTable(
      new Table({
        name: "search_index_versions",
        columns: [
          { name: "index_uid", type: "varchar", length: "120", isPrimary: true },
          { name: "shape", type: "varchar", length: "200" },
          { name: "built_at", type: postgres ? "timestamptz" : "datetime" },
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("search_index_versions");
  }
}
