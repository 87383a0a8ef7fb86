import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { conceptVocabulary } from "../../src/modules/search/concepts";

/**
 * The interface's glossary (seeds/reference/glossary.json) and the search's vocabulary
 * (seeds/reference/concepts.json) must speak with the same words: a term the interface uses for a
 * concept is recognised by search as that concept, in every language the glossary gives it.
 */
interface Glossary {
  languages: string[];
  concepts: Record<string, Record<string, string | undefined> & { source?: string }>;
}

const glossary = JSON.parse(readFileSync(path.resolve(__dirname, "../../seeds/reference/glossary.json"), "utf8")) as Glossary;
const vocabulary = conceptVocabulary();

/** The search concepts a glossary entry stands for: its own id, or those of the topic or kind it points to. */
function conceptsFor(id: string, source: string | undefined): string[] {
  if (vocabulary.byId.has(id)) return [id];
  const [, section, slug] = /#\/(topics|kinds)\/(.+)$/.exec(source ?? "") ?? [];
  if (section === "topics") return vocabulary.ofTopic(slug);
  if (section === "kinds") return vocabulary.ofKind(slug);
  return [];
}

const cases = Object.entries(glossary.concepts).flatMap(([id, entry]) => {
  const expected = conceptsFor(id, entry.source);
  if (expected.length === 0) return [];
  return glossary.languages.filter((language) => entry[language]).map((language) => ({ id, language, term: entry[language] as string, expected }));
});

describe("glossary and search vocabulary", () => {
  it("covers the domain's searchable concepts", () => {
    expect(new Set(cases.map((c) => c.id)).size).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)("$language term for $id ($term) is recognised by search as that concept", ({ term, expected }) => {
    const found = vocabulary.conceptsOf(term);
    expect(
      found.some((concept) => expected.includes(concept)),
      `recognised as [${found.join(", ")}], expected one of [${expected.join(", ")}]`,
    ).toBe(true);
  });
});
