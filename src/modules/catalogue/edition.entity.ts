import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAtColumn, UpdatedAtColumn } from "../../db/columns";
import { Language } from "../reference/reference.entities";
import { Resource } from "./resource.entity";

/** One language version of a resource. */
@Entity("editions")
export class Edition {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index()
  @Column({ type: "integer" })
  resourceId: number;

  @ManyToOne(() => Resource, (r) => r.editions, { onDelete: "CASCADE" })
  @JoinColumn({ name: "resource_id" })
  resource?: Resource;

  @Index()
  @Column({ type: "varchar", length: 16 })
  languageTag: string;

  @ManyToOne(() => Language, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "language_tag", referencedColumnName: "tag" })
  language?: Language;

  /** Title in that language; the resource's title applies when empty. */
  @Column({ type: "varchar", length: 300, nullable: true })
  title: string | null;

  @Column({ type: "varchar", length: 500, nullable: true })
  url: string | null;

  /** "print", "PDF", "video", ... */
  @Column({ type: "varchar", length: 40, nullable: true })
  format: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
