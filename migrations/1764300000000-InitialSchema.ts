import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from "typeorm";

/**
 * The catalogue's first schema. Written with TypeORM's Table API only, so that it runs unchanged on
 * SQLite and on Postgres. Self-contained on purpose: it must not change when application code does.
 */
export class InitialSchema1764300000000 implements MigrationInterface {
  name = "InitialSchema1764300000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === "postgres";
    const timestamp = postgres ? "timestamptz" : "datetime";
    const now = postgres ? "now()" : "datetime('now')";

    const id: TableColumnOptions = { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" };
    const created: TableColumnOptions = { name: "created_at", type: timestamp, default: now };
    const updated: TableColumnOptions = { name: "updated_at", type: timestamp, default: now };
    const str = (name: string, length: number, nullable = true): TableColumnOptions => ({ name, type: "varchar", length: String(length), isNullable: nullable });
    const text = (name: string, nullable = true): TableColumnOptions => ({ name, type: "text", isNullable: nullable });
    const int = (name: string, nullable = false): TableColumnOptions => ({ name, type: "integer", isNullable: nullable });
    const bool = (name: string, def: boolean | null): TableColumnOptions =>
      def === null ? { name, type: "boolean", isNullable: true } : { name, type: "boolean", default: postgres ? String(def) : def ? 1 : 0 };
    const fk = (columnNames: string[], referencedTableName: string, referencedColumnNames: string[], onDelete: string) => ({
      columnNames,
      referencedTableName,
      referencedColumnNames,
      onDelete,
    });

    await queryRunner.createTable(
      new Table({
        name: "countries",
        columns: [{ name: "code", type: "varchar", length: "3", isPrimary: true }, str("name", 120, false), bool("is_member", false)],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "languages",
        columns: [{ name: "tag", type: "varchar", length: "16", isPrimary: true }, str("name", 80, false), str("native_name", 80, false), str("script", 4, false), bool("no_spaces", false)],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "audiences",
        columns: [{ name: "slug", type: "varchar", length: "80", isPrimary: true }, str("name", 120, false), { ...int("position"), default: 0 }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "topics",
        columns: [id, str("slug", 100, false), str("name", 160, false), int("parent_id", true), { ...text("synonyms", false), default: "'[]'" }, { ...int("position"), default: 0 }],
        indices: [
          { name: "IDX_topics_slug", columnNames: ["slug"], isUnique: true },
          { name: "IDX_topics_parent", columnNames: ["parent_id"] },
        ],
        foreignKeys: [fk(["parent_id"], "topics", ["id"], "RESTRICT")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "organisations",
        columns: [
          id,
          str("slug", 100, false),
          str("name", 200, false),
          str("short_name", 40),
          str("kind", 40, false),
          str("country_code", 3),
          str("website", 500),
          text("description"),
          str("contact_name", 200),
          str("contact_email", 254),
          bool("verified", false),
          created,
          updated,
        ],
        indices: [{ name: "IDX_organisations_slug", columnNames: ["slug"], isUnique: true }],
        foreignKeys: [fk(["country_code"], "countries", ["code"], "RESTRICT")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "users",
        columns: [
          id,
          str("email", 254, false),
          str("display_name", 120, false),
          str("password_hash", 255),
          int("organisation_id", true),
          str("organisation_role", 20),
          { ...str("site_role", 20, false), default: "'none'" },
          bool("disabled", false),
          created,
          updated,
        ],
        indices: [
          { name: "IDX_users_email", columnNames: ["email"], isUnique: true },
          { name: "IDX_users_organisation", columnNames: ["organisation_id"] },
        ],
        foreignKeys: [fk(["organisation_id"], "organisations", ["id"], "SET NULL")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "resources",
        columns: [
          id,
          str("slug", 120, false),
          str("external_id", 120),
          str("kind", 40, false),
          str("title", 300, false),
          str("acronym", 40),
          str("summary", 600),
          text("description"),
          int("owner_id"),
          str("contact_name", 200),
          str("contact_email", 254),
          str("delivery_mode", 30),
          str("duration", 100),
          bool("is_free", null),
          str("access", 500),
          str("ownership_statement", 500),
          str("url", 500),
          { ...str("visibility", 20, false), default: "'public'" },
          { ...str("status", 20, false), default: "'draft'" },
          { name: "published_at", type: timestamp, isNullable: true },
          { name: "last_confirmed_at", type: timestamp, isNullable: true },
          int("version"),
          created,
          updated,
        ],
        indices: [
          { name: "IDX_resources_slug", columnNames: ["slug"], isUnique: true },
          { name: "IDX_resources_owner_external_id", columnNames: ["owner_id", "external_id"], isUnique: true },
          { name: "IDX_resources_status_visibility", columnNames: ["status", "visibility"] },
          { name: "IDX_resources_kind", columnNames: ["kind"] },
        ],
        foreignKeys: [fk(["owner_id"], "organisations", ["id"], "RESTRICT")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "resource_topics",
        columns: [
          { name: "resource_id", type: "integer", isPrimary: true },
          { name: "topic_id", type: "integer", isPrimary: true },
        ],
        indices: [{ name: "IDX_resource_topics_topic", columnNames: ["topic_id"] }],
        foreignKeys: [fk(["resource_id"], "resources", ["id"], "CASCADE"), fk(["topic_id"], "topics", ["id"], "CASCADE")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "resource_audiences",
        columns: [
          { name: "resource_id", type: "integer", isPrimary: true },
          { name: "audience_slug", type: "varchar", length: "80", isPrimary: true },
        ],
        indices: [{ name: "IDX_resource_audiences_audience", columnNames: ["audience_slug"] }],
        foreignKeys: [fk(["resource_id"], "resources", ["id"], "CASCADE"), fk(["audience_slug"], "audiences", ["slug"], "CASCADE")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "editions",
        columns: [id, int("resource_id"), str("language_tag", 16, false), str("title", 300), str("url", 500), str("format", 40), created, updated],
        indices: [
          { name: "IDX_editions_resource", columnNames: ["resource_id"] },
          { name: "IDX_editions_language", columnNames: ["language_tag"] },
        ],
        foreignKeys: [fk(["resource_id"], "resources", ["id"], "CASCADE"), fk(["language_tag"], "languages", ["tag"], "RESTRICT")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "course_sessions",
        columns: [
          id,
          int("resource_id"),
          { name: "start_date", type: "date" },
          { name: "end_date", type: "date", isNullable: true },
          str("time_zone", 64),
          str("venue", 200),
          str("city", 120),
          str("country_code", 3),
          bool("online", false),
          str("language_tag", 16),
          int("capacity", true),
          { name: "application_deadline", type: "date", isNullable: true },
          { ...str("status", 20, false), default: "'planned'" },
          created,
          updated,
        ],
        indices: [
          { name: "IDX_course_sessions_resource", columnNames: ["resource_id"] },
          { name: "IDX_course_sessions_start", columnNames: ["start_date"] },
        ],
        foreignKeys: [fk(["resource_id"], "resources", ["id"], "CASCADE"), fk(["country_code"], "countries", ["code"], "RESTRICT"), fk(["language_tag"], "languages", ["tag"], "RESTRICT")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "reports",
        columns: [id, str("slug", 120, false), str("title", 300, false), { name: "published_on", type: "date", isNullable: true }, text("introduction"), created, updated],
        indices: [{ name: "IDX_reports_slug", columnNames: ["slug"], isUnique: true }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "report_sections",
        columns: [id, int("report_id"), int("position"), str("title", 300, false)],
        indices: [{ name: "IDX_report_sections_report", columnNames: ["report_id"] }],
        foreignKeys: [fk(["report_id"], "reports", ["id"], "CASCADE")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "report_items",
        columns: [id, int("report_id"), int("section_id"), str("number", 20, false), int("position"), text("action", false), str("who", 300), text("details")],
        indices: [
          { name: "IDX_report_items_report_number", columnNames: ["report_id", "number"], isUnique: true },
          { name: "IDX_report_items_section", columnNames: ["section_id"] },
        ],
        foreignKeys: [fk(["report_id"], "reports", ["id"], "CASCADE"), fk(["section_id"], "report_sections", ["id"], "CASCADE")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "report_item_links",
        columns: [id, int("item_id"), int("resource_id"), str("relation", 20, false), text("note"), int("created_by_id", true), created],
        indices: [
          { name: "IDX_report_item_links_item_resource", columnNames: ["item_id", "resource_id"], isUnique: true },
          { name: "IDX_report_item_links_resource", columnNames: ["resource_id"] },
        ],
        foreignKeys: [fk(["item_id"], "report_items", ["id"], "CASCADE"), fk(["resource_id"], "resources", ["id"], "CASCADE"), fk(["created_by_id"], "users", ["id"], "SET NULL")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "enquiries",
        columns: [
          id,
          int("resource_id", true),
          int("organisation_id"),
          str("sender_name", 120, false),
          str("sender_email", 254, false),
          str("sender_organisation", 200),
          text("message", false),
          { ...str("status", 20, false), default: "'open'" },
          { name: "answered_at", type: timestamp, isNullable: true },
          created,
          updated,
        ],
        indices: [{ name: "IDX_enquiries_organisation", columnNames: ["organisation_id"] }],
        foreignKeys: [fk(["resource_id"], "resources", ["id"], "SET NULL"), fk(["organisation_id"], "organisations", ["id"], "CASCADE")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "audit_events",
        columns: [
          id,
          created,
          int("actor_id", true),
          str("actor_label", 254, false),
          str("action", 60, false),
          str("entity_type", 40, false),
          str("entity_id", 64, false),
          int("organisation_id", true),
          text("changes"),
        ],
        indices: [
          { name: "IDX_audit_events_entity", columnNames: ["entity_type", "entity_id"] },
          { name: "IDX_audit_events_organisation", columnNames: ["organisation_id"] },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "search_outbox",
        columns: [id, str("entity_type", 40, false), int("entity_id"), created, { ...int("attempts"), default: 0 }, { name: "next_attempt_at", type: timestamp, isNullable: true }, text("last_error")],
        indices: [
          { name: "IDX_search_outbox_entity", columnNames: ["entity_id"] },
          { name: "IDX_search_outbox_next_attempt", columnNames: ["next_attempt_at"] },
        ],
      }),
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      "search_outbox",
      "audit_events",
      "enquiries",
      "report_item_links",
      "report_items",
      "report_sections",
      "reports",
      "course_sessions",
      "editions",
      "resource_audiences",
      "resource_topics",
      "resources",
      "users",
      "organisations",
      "topics",
      "audiences",
      "languages",
      "countries",
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
