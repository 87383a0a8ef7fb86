import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

/** The interface language the sender asked in, so that the confirmation and the owner's reply reach them in it. */
export class EnquiryLanguage1765700000000 implements MigrationInterface {
  name = "EnquiryLanguage1765700000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("enquiries", new TableColumn({ name: "sender_language", type: "varchar", length: "35", default: "'en'" }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("enquiries", "sender_language");
  }
}
