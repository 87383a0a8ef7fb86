import { MigrationInterface, QueryRunner, TableIndex } from "typeorm";

/** Indexes for the catalogue's language and country filters, which look up sessions and owners. */
export class FilterIndexes1764800000000 implements MigrationInterface {
  name = "FilterIndexes1764800000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex("course_sessions", new TableIndex({ name: "IDX_course_sessions_language", columnNames: ["language_tag"] }));
    await queryRunner.createIndex("course_sessions", new TableIndex({ name: "IDX_course_sessions_country", columnNames: ["country_code"] }));
    await queryRunner.createIndex("organisations", new TableIndex({ name: "IDX_organisations_country", columnNames: ["country_code"] }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("organisations", "IDX_organisations_country");
    await queryRunner.dropIndex("course_sessions", "IDX_course_sessions_country");
    await queryRunner.dropIndex("course_sessions", "IDX_course_sessions_language");
  }
}
