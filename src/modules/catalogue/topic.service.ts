import type { DataSource, Repository } from "typeorm";
import { Topic } from "./topic.entity";

export interface TopicNode {
  topic: Topic;
  children: Topic[];
}

/** The two-level topic taxonomy. */
export class TopicService {
  private readonly topics: Repository<Topic>;

  constructor(dataSource: DataSource) {
    this.topics = dataSource.getRepository(Topic);
  }

  findBySlug(slug: string): Promise<Topic | null> {
    return this.topics.findOneBy({ slug });
  }

  /** Top-level topics in order, each with its children in order. */
  async tree(): Promise<TopicNode[]> {
    const all = await this.topics.find({ order: { position: "ASC", name: "ASC" } });
    const roots = all.filter((t) => t.parentId === null);
    return roots.map((topic) => ({ topic, children: all.filter((t) => t.parentId === topic.id) }));
  }

  /** The topic and, for a top-level topic, its children: a listing under any of them is "about" it. */
  async withDescendants(topic: Topic): Promise<Topic[]> {
    const children = await this.topics.find({ where: { parentId: topic.id }, order: { position: "ASC" } });
    return [topic, ...children];
  }

  async parentOf(topic: Topic): Promise<Topic | null> {
    return topic.parentId === null ? null : this.topics.findOneBy({ id: topic.parentId });
  }
}
