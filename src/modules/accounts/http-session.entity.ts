import { Column, DeleteDateColumn, Entity, Index, PrimaryColumn } from "typeorm";
import { processDatabaseKind } from "../../config";

/** A signed-in browser session, in the shape the connect-typeorm store reads and writes. */
@Entity("http_sessions")
export class HttpSession {
  @PrimaryColumn({ type: "varchar", length: 255 })
  id = "";

  /** Milliseconds since the epoch. */
  @Index()
  @Column({ type: "bigint", transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  expiredAt = Date.now();

  @Column({ type: "text" })
  json = "";

  @DeleteDateColumn({ type: processDatabaseKind() === "postgres" ? "timestamptz" : "datetime", nullable: true })
  destroyedAt?: Date;
}
