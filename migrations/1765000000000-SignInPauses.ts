import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

/** When the next sign-in try on a key is allowed, once its failures are over the limit (ms since the epoch). */
export class SignInPauses1765000000000 implements MigrationInterface {
  name = "SignInPauses1765000000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("sign_in_limits", new TableColumn({ name: "next_at", type: "bigint", isNullable: true }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("sign_in_limits", "next_at");
  }
}
