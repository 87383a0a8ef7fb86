import { Column, Entity, PrimaryColumn } from "typeorm";
import { DateTimeColumn } from "../../db/columns";

/** The document shape an index was last built with (`documentShape()`): another shape means a rebuild. */
@Entity("search_index_versions")
export class SearchIndexVersion {
  @PrimaryColumn({ type: "varchar", length: 120 })
  indexUid: string;

  @Column({ type: "varchar", length: 200 })
  shape: string;

  @DateTimeColumn()
  builtAt: Date;
}
