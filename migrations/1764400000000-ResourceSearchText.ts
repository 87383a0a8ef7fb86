import { MigrationInterface, QueryRunner, Table } from "typeorm";

/**
 * The text of each listing for searching the database when the search engine is unavailable.
 * On SQLite this is an FTS5 table (its rowid is the resource id), which has no equivalent in
 * TypeORM's Table API, hence the one statement of SQL; on Postgres a plain table searched with ILIKE.
 */
export class ResourceSearchText1764400000000 implements MigrationInterface {
  name = "ResourceSearchText1764400000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === "postgres") {
      await queryRunner.createTable(
        new Table({
          name: "resource_search",
          columns: [
            { name: "resource_id", type: "integer", isPrimary: true },
            { name: "body", type: "text" },
          ],
          foreignKeys: [{ columnNames: ["resource_id"], referencedTableName: "resources", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
        }),
      );
    } else {
      await queryRunner.query(`CREATE VIRTUAL TABLE resource_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === "postgres") await queryRunner.dropTable("resource_search");
    else await queryRunner.query("DROP TABLE resource_search");
  }
}
