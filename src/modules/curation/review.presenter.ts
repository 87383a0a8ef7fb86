import type { User } from "../accounts/user.entity";
import type { Resource } from "../catalogue/resource.entity";
import { kindName } from "../catalogue/vocabulary";

/** The review queue as its page shows it. */
export function presentQueue(queue: Array<{ resource: Resource; submittedBy: User | null }>) {
  return queue.map(({ resource, submittedBy }) => ({
    id: resource.id,
    version: resource.version,
    title: resource.title,
    summary: resource.summary,
    url: resource.url,
    kind: resource.kind,
    kindName: kindName(resource.kind),
    visibility: resource.visibility,
    topics: (resource.topics ?? []).map((t) => ({ slug: t.slug, name: t.name })),
    owner: resource.owner ? { name: resource.owner.name, slug: resource.owner.slug } : null,
    submittedBy: submittedBy ? submittedBy.displayName : null,
    changedAt: resource.updatedAt,
  }));
}
