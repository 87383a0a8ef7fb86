import { Column, Entity, PrimaryColumn } from "typeorm";

/** A country or territory by ISO 3166-1 alpha-3 code. */
@Entity("countries")
export class Country {
  @PrimaryColumn({ type: "varchar", length: 3 })
  code: string;

  @Column({ type: "varchar", length: 120 })
  name: string;

  /** A Bali Process member (or participant) state. */
  @Column({ type: "boolean", default: false })
  isMember: boolean;
}

/** A language by BCP 47 tag. */
@Entity("languages")
export class Language {
  @PrimaryColumn({ type: "varchar", length: 16 })
  tag: string;

  /** English name. */
  @Column({ type: "varchar", length: 80 })
  name: string;

  /** Name in the language itself. */
  @Column({ type: "varchar", length: 80 })
  nativeName: string;

  /** ISO 15924 script code. */
  @Column({ type: "varchar", length: 4 })
  script: string;

  /** Written without spaces between words (needs word segmentation for search). */
  @Column({ type: "boolean", default: false })
  noSpaces: boolean;
}

/** Who a listing is meant for ("frontline border officials", ...). */
@Entity("audiences")
export class Audience {
  @PrimaryColumn({ type: "varchar", length: 80 })
  slug: string;

  @Column({ type: "varchar", length: 120 })
  name: string;

  @Column({ type: "integer", default: 0 })
  position: number;
}
