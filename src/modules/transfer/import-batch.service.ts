import { randomBytes } from "node:crypto";
import { In, IsNull, LessThan, type DataSource } from "typeorm";
import { ImportBatch } from "./import-batch.entity";
import type { ImportPlan } from "./listing-importer.service";

/** How long an uploaded file waits for its commit. */
export const BATCH_TTL_MS = 24 * 60 * 60 * 1000;

/** Uploads a person may have waiting for their commit; older ones are dropped. */
const OPEN_BATCHES = 5;

/** A batch's address: 32 hexadecimal digits. */
const TOKEN = /^[0-9a-f]{32}$/;

/** Uploaded import files between their dry run and their commit. */
export class ImportBatches {
  constructor(private readonly dataSource: DataSource) {}

  private get batches() {
    return this.dataSource.getRepository(ImportBatch);
  }

  /** The batch at this address, or null (a malformed address names none). */
  find(token: string): Promise<ImportBatch | null> {
    return TOKEN.test(token) ? this.batches.findOneBy({ token }) : Promise.resolve(null);
  }

  /**
   * Keeps an upload whose dry run passed, and returns its address. Uploads that were never committed
   * are kept a week, then dropped; each person keeps a few at most.
   */
  async keep(upload: Pick<ImportBatch, "userId" | "organisationId" | "fileName" | "format" | "content"> & { plan: ImportPlan }): Promise<string> {
    await this.batches.delete({ createdAt: LessThan(new Date(Date.now() - 7 * BATCH_TTL_MS)) });
    const open = await this.batches.find({ select: { id: true }, where: { userId: upload.userId, committedAt: IsNull() }, order: { id: "DESC" } });
    if (open.length >= OPEN_BATCHES) await this.batches.delete({ id: In(open.slice(OPEN_BATCHES - 1).map((b) => b.id)) });
    const token = randomBytes(16).toString("hex");
    await this.batches.insert({ ...upload, token, committedAt: null });
    return token;
  }

  /** The batch was imported: its file is let go, what it did is kept. */
  async committed(id: number, plan: ImportPlan): Promise<void> {
    await this.batches.update({ id }, { committedAt: new Date(), content: "", plan });
  }

  /** The catalogue changed since the dry run: what is wrong now. */
  async replanned(id: number, plan: ImportPlan): Promise<void> {
    await this.batches.update({ id }, { plan });
  }
}
