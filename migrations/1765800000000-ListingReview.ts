import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

/**
 * Review of listings by the curators: a listing of an unverified organisation waits as `pending`
 * (the status column takes the new value as it is); why it was sent back, when it was reviewed,
 * and who sent it for review.
 */
export class ListingReview1765800000000 implements MigrationInterface {
  name = "ListingReview1765800000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === "postgres";
    await queryRunner.addColumns("resources", [
      new TableColumn({ name: "review_note", type: "text", isNullable: true }),
      new TableColumn({ name: "reviewed_at", type: postgres ? "timestamptz" : "datetime", isNullable: true }),
      new TableColumn({ name: "submitted_by_id", type: "integer", isNullable: true }),
    ]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("resources", "submitted_by_id");
    await queryRunner.dropColumn("resources", "reviewed_at");
    await queryRunner.dropColumn("resources", "review_note");
  }
}
