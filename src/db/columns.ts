import { Column, ColumnOptions, CreateDateColumn, UpdateDateColumn } from "typeorm";
import { processDatabaseKind } from "../config";

/**
 * Column helpers that pick the right type per database engine, so that the same entities serve
 * SQLite and Postgres. Every timestamp is stored in UTC.
 */
const dateTimeType = () => (processDatabaseKind() === "postgres" ? "timestamptz" : "datetime");

/** A UTC timestamp (`timestamptz` on Postgres, `datetime` on SQLite). */
export function DateTimeColumn(options: Omit<ColumnOptions, "type"> = {}) {
  return Column({ ...options, type: dateTimeType() });
}

/** Creation time, set by the database. */
export function CreatedAtColumn() {
  return CreateDateColumn({ name: "created_at", type: dateTimeType() });
}

/** Last change time, set by TypeORM on every save. */
export function UpdatedAtColumn() {
  return UpdateDateColumn({ name: "updated_at", type: dateTimeType() });
}

/** JSON kept as text on both engines (`simple-json`), so that both read it the same way. */
export function JsonColumn(options: Omit<ColumnOptions, "type"> = {}) {
  return Column({ ...options, type: "simple-json" });
}
