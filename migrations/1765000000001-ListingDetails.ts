import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

/**
 * What an official weighs before applying or nominating: a listing's learning outcomes,
 * prerequisites, who may take part, how to apply, and the certificate; a session's seats per
 * country, when applications open, and its interpretation languages (JSON text).
 */
export class ListingDetails1765000000001 implements MigrationInterface {
  name = "ListingDetails1765000000001";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("resources", [
      new TableColumn({ name: "learning_outcomes", type: "text", isNullable: true }),
      new TableColumn({ name: "prerequisites", type: "text", isNullable: true }),
      new TableColumn({ name: "eligibility", type: "text", isNullable: true }),
      new TableColumn({ name: "how_to_apply", type: "text", isNullable: true }),
      new TableColumn({ name: "certificate", type: "varchar", length: "300", isNullable: true }),
    ]);
    await queryRunner.addColumns("course_sessions", [
      new TableColumn({ name: "seats_per_country", type: "integer", isNullable: true }),
      new TableColumn({ name: "application_opens", type: "date", isNullable: true }),
      new TableColumn({ name: "interpretation_languages", type: "text", isNullable: true }),
    ]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ["interpretation_languages", "application_opens", "seats_per_country"]) await queryRunner.dropColumn("course_sessions", column);
    for (const column of ["certificate", "how_to_apply", "eligibility", "prerequisites", "learning_outcomes"]) await queryRunner.dropColumn("resources", column);
  }
}
