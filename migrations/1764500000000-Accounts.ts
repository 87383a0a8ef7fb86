import { MigrationInterface, QueryRunner, Table, TableColumn } from "typeorm";

/**
 * Sign-in: the session store's table (the shape connect-typeorm expects), invitations, failed
 * sign-in counts, and a session version on users that ends every other session when a password
 * changes.
 */
export class Accounts1764500000000 implements MigrationInterface {
  name = "Accounts1764500000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === "postgres";
    const timestamp = postgres ? "timestamptz" : "datetime";
    const now = postgres ? "now()" : "datetime('now')";

    await queryRunner.addColumn("users", new TableColumn({ name: "session_version", type: "integer", default: 0 }));
    await queryRunner.addColumn("users", new TableColumn({ name: "last_sign_in_at", type: timestamp, isNullable: true }));

    await queryRunner.createTable(
      new Table({
        name: "http_sessions",
        columns: [
          { name: "id", type: "varchar", length: "255", isPrimary: true },
          { name: "expired_at", type: "bigint" },
          { name: "json", type: "text" },
          { name: "destroyed_at", type: timestamp, isNullable: true },
        ],
        indices: [{ name: "IDX_http_sessions_expired_at", columnNames: ["expired_at"] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "invitations",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "token_hash", type: "varchar", length: "64" },
          { name: "email", type: "varchar", length: "254" },
          { name: "display_name", type: "varchar", length: "120" },
          { name: "organisation_id", type: "integer", isNullable: true },
          { name: "organisation_role", type: "varchar", length: "20", isNullable: true },
          { name: "site_role", type: "varchar", length: "20", default: "'none'" },
          { name: "created_by_id", type: "integer", isNullable: true },
          { name: "expires_at", type: timestamp },
          { name: "used_at", type: timestamp, isNullable: true },
          { name: "created_at", type: timestamp, default: now },
        ],
        indices: [
          { name: "IDX_invitations_token_hash", columnNames: ["token_hash"], isUnique: true },
          { name: "IDX_invitations_organisation", columnNames: ["organisation_id"] },
        ],
        foreignKeys: [
          { columnNames: ["organisation_id"], referencedTableName: "organisations", referencedColumnNames: ["id"], onDelete: "CASCADE" },
          { columnNames: ["created_by_id"], referencedTableName: "users", referencedColumnNames: ["id"], onDelete: "SET NULL" },
        ],
      }),
    );

    // Failed sign-in counts, in the shape rate-limiter-flexible's SQL stores read and write.
    await queryRunner.createTable(
      new Table({
        name: "sign_in_limits",
        columns: [
          { name: "key", type: "varchar", length: "255", isPrimary: true },
          { name: "points", type: "integer", default: 0 },
          { name: "expire", type: "bigint", isNullable: true },
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("sign_in_limits");
    await queryRunner.dropTable("invitations");
    await queryRunner.dropTable("http_sessions");
    await queryRunner.dropColumn("users", "last_sign_in_at");
    await queryRunner.dropColumn("users", "session_version");
  }
}
