import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

/** The interface language a signed-in person chose (a BCP 47 tag), null until they choose one. */
export class UserLanguage1765300000000 implements MigrationInterface {
  name = "UserLanguage1765300000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("users", new TableColumn({ name: "language", type: "varchar", length: "35", isNullable: true }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("users", "language");
  }
}
