import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from "typeorm";

/**
 * Enquiries in use: each has a reference, the sender's country and consent, whether it went to the
 * curators, and a thread of messages. Mails leave through a mail outbox written in the same
 * transaction as the change that causes them.
 */
export class Enquiries1765100000000 implements MigrationInterface {
  name = "Enquiries1765100000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === "postgres";
    const timestamp = postgres ? "timestamptz" : "datetime";
    const now = postgres ? "now()" : "datetime('now')";
    const falseValue = postgres ? "false" : "0";

    await queryRunner.addColumns("enquiries", [
      new TableColumn({ name: "reference", type: "varchar", length: "20", isNullable: true }),
      new TableColumn({ name: "resource_title", type: "varchar", length: "300", isNullable: true }),
      new TableColumn({ name: "sender_country", type: "varchar", length: "3", isNullable: true }),
      new TableColumn({ name: "share_email", type: "boolean", default: falseValue }),
      new TableColumn({ name: "routed_to_curators", type: "boolean", default: falseValue }),
      new TableColumn({ name: "closed_at", type: timestamp, isNullable: true }),
    ]);
    await queryRunner.createIndices("enquiries", [
      new TableIndex({ name: "IDX_enquiries_reference", columnNames: ["reference"], isUnique: true }),
      new TableIndex({ name: "IDX_enquiries_sender_email", columnNames: ["sender_email"] }),
      new TableIndex({ name: "IDX_enquiries_created_at", columnNames: ["created_at"] }),
    ]);

    await queryRunner.createTable(
      new Table({
        name: "enquiry_messages",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "enquiry_id", type: "integer" },
          { name: "direction", type: "varchar", length: "10" },
          { name: "author_id", type: "integer", isNullable: true },
          { name: "author_name", type: "varchar", length: "120", isNullable: true },
          { name: "body", type: "text" },
          { name: "reply_to", type: "varchar", length: "254", isNullable: true },
          { name: "created_at", type: timestamp, default: now },
        ],
        indices: [{ name: "IDX_enquiry_messages_enquiry", columnNames: ["enquiry_id"] }],
        foreignKeys: [
          { columnNames: ["enquiry_id"], referencedTableName: "enquiries", referencedColumnNames: ["id"], onDelete: "CASCADE" },
          { columnNames: ["author_id"], referencedTableName: "users", referencedColumnNames: ["id"], onDelete: "SET NULL" },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "mail_outbox",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "kind", type: "varchar", length: "40" },
          { name: "to_address", type: "varchar", length: "254" },
          { name: "reply_to", type: "varchar", length: "254", isNullable: true },
          { name: "subject", type: "varchar", length: "300" },
          { name: "body", type: "text" },
          { name: "enquiry_id", type: "integer", isNullable: true },
          { name: "created_at", type: timestamp, default: now },
          { name: "attempts", type: "integer", default: 0 },
          { name: "next_attempt_at", type: timestamp, isNullable: true },
          { name: "last_error", type: "text", isNullable: true },
        ],
        indices: [
          { name: "IDX_mail_outbox_next_attempt", columnNames: ["next_attempt_at"] },
          { name: "IDX_mail_outbox_enquiry", columnNames: ["enquiry_id"] },
        ],
        foreignKeys: [{ columnNames: ["enquiry_id"], referencedTableName: "enquiries", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("mail_outbox");
    await queryRunner.dropTable("enquiry_messages");
    await queryRunner.dropIndex("enquiries", "IDX_enquiries_created_at");
    await queryRunner.dropIndex("enquiries", "IDX_enquiries_sender_email");
    await queryRunner.dropIndex("enquiries", "IDX_enquiries_reference");
    for (const column of ["closed_at", "routed_to_curators", "share_email", "sender_country", "resource_title", "reference"]) await queryRunner.dropColumn("enquiries", column);
  }
}
