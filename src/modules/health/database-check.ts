import type { DataSource } from "typeorm";

/** Whether the database answers, for readiness. */
export class DatabaseCheck {
  constructor(private readonly dataSource: DataSource) {}

  async answers(): Promise<boolean> {
    try {
      if (!this.dataSource.isInitialized) return false;
      await this.dataSource.query("SELECT 1");
      return true;
    } catch {
      return false;
    }
  }
}
