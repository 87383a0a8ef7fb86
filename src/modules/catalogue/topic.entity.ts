import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn } from "typeorm";
import { JsonColumn } from "../../db/columns";

/** A node of the two-level topic taxonomy. */
@Entity("topics")
export class Topic {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index({ unique: true })
  @Column({ type: "varchar", length: 100 })
  slug: string;

  @Column({ type: "varchar", length: 160 })
  name: string;

  @Column({ type: "integer", nullable: true })
  parentId: number | null;

  @ManyToOne(() => Topic, (t) => t.children, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "parent_id" })
  parent?: Topic | null;

  @OneToMany(() => Topic, (t) => t.parent)
  children?: Topic[];

  /** Acronyms and other words people search with ("TIP", "human trafficking"). */
  @JsonColumn({ default: "[]" })
  synonyms: string[];

  @Column({ type: "integer", default: 0 })
  position: number;
}
