import type { DataSource } from "typeorm";
import { CourseSession } from "../../src/modules/catalogue/course-session.entity";
import { Edition } from "../../src/modules/catalogue/edition.entity";
import { Resource } from "../../src/modules/catalogue/resource.entity";
import { Topic } from "../../src/modules/catalogue/topic.entity";
import { DELIVERY_MODES, RESOURCE_KINDS } from "../../src/modules/catalogue/vocabulary";
import { Organisation } from "../../src/modules/organisations/organisation.entity";

/** A small, fast, seeded random generator (mulberry32): the same seed gives the same catalogue. */
export function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBJECTS = [
  "victim identification",
  "travel document examination",
  "people smuggling investigations",
  "trafficking in persons",
  "border management",
  "maritime search and rescue",
  "financial investigation",
  "interviewing techniques",
  "biometric data exchange",
  "refugee protection",
  "civil registration",
  "information campaigns",
  "intelligence sharing",
  "immigration liaison",
  "returns and reintegration",
  "child protection",
  "online exploitation",
  "labour migration",
  "frontline induction",
  "training of trainers",
];
const FORMS = [
  "Introduction to",
  "Advanced",
  "Regional workshop on",
  "Handbook on",
  "Quick reference guide to",
  "E-learning course on",
  "Curriculum for",
  "Toolkit for",
  "Practitioners' course on",
  "Seminar on",
];
const PLACES = ["Bangkok", "Jakarta", "Manila", "Phnom Penh", "Colombo", "Kuala Lumpur", "Hanoi", "Dhaka", "Suva", "Jeju", "Semarang", "Vientiane"];
const COUNTRIES = ["THA", "IDN", "PHL", "KHM", "LKA", "MYS", "VNM", "BGD", "FJI", "KOR", "IDN", "LAO"];
const LANGUAGES = ["en", "id", "th", "km", "vi", "ms", "lo", "my", "tet", "si", "bn", "fil"];
const THAI = ["การค้ามนุษย์", "เจ้าหน้าที่ตรวจคนเข้าเมือง", "การคุ้มครองผู้เสียหาย"];
const KHMER = ["ការជួញដូរមនុស្ស", "មន្ត្រីអន្តោប្រវេសន៍", "ការការពារជនរងគ្រោះ"];

/** Fills the database with `count` published listings of 200 organisations, with topics, editions and sessions. */
export async function generateCatalogue(dataSource: DataSource, count: number, seed = 20171001): Promise<void> {
  const rand = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const topics = (await dataSource.getRepository(Topic).find()).filter((t) => t.parentId !== null);

  const organisations = dataSource.getRepository(Organisation);
  const orgIds: number[] = [];
  for (let i = 0; i < 200; i++) {
    const saved = await organisations.insert({
      slug: `synthetic-organisation-${i}`,
      name: `${pick(["National", "Regional", "Provincial", "Central"])} ${pick(["Police", "Immigration", "Border", "Coast Guard", "Justice", "Social Welfare"])} Training Institute ${i}`,
      shortName: `STI${i}`,
      kind: pick(["member-state-agency", "international-organisation", "training-institution", "other"] as const),
      countryCode: pick(COUNTRIES),
      verified: true,
    });
    orgIds.push(saved.identifiers[0].id as number);
  }

  const now = Date.now();
  const batch = 500;
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    await dataSource.transaction(async (manager) => {
      const rows = Array.from({ length: size }, (_, j) => {
        const n = start + j;
        const subject = pick(SUBJECTS);
        const form = pick(FORMS);
        const title = `${form} ${subject} ${n}`;
        return {
          slug: `synthetic-${n}`,
          externalId: `SYN-${n}`,
          kind: pick(RESOURCE_KINDS),
          title,
          acronym: rand() < 0.2 ? `SY${n % 997}` : null,
          summary: `${form} ${subject} for officials of the region, with practical exercises on ${pick(SUBJECTS)}.`,
          description: `This ${form.toLowerCase()} ${subject} covers ${pick(SUBJECTS)} and ${pick(SUBJECTS)}. ${rand() < 0.1 ? pick(THAI) : ""} ${rand() < 0.1 ? pick(KHMER) : ""}`,
          ownerId: pick(orgIds),
          deliveryMode: pick(DELIVERY_MODES),
          visibility: rand() < 0.05 ? "members" : "public",
          status: "published",
          publishedAt: new Date(now - Math.floor(rand() * 3 * 365 * 86_400_000)),
          version: 1,
        } as Partial<Resource>;
      });
      const inserted = await manager.getRepository(Resource).insert(rows);
      const ids = inserted.identifiers.map((i) => i.id as number);
      const links: Array<{ resource_id: number; topic_id: number }> = [];
      const editions: Array<Partial<Edition>> = [];
      const sessions: Array<Partial<CourseSession>> = [];
      for (const id of ids) {
        const chosen = new Set<number>();
        const topicCount = 1 + Math.floor(rand() * 3);
        while (chosen.size < topicCount) chosen.add(pick(topics).id);
        for (const topicId of chosen) links.push({ resource_id: id, topic_id: topicId });
        const languages = new Set<string>();
        const editionCount = Math.floor(rand() * 4);
        while (languages.size < editionCount) languages.add(pick(LANGUAGES));
        for (const tag of languages) editions.push({ resourceId: id, languageTag: tag, title: tag === "th" ? pick(THAI) : tag === "km" ? pick(KHMER) : null });
        const sessionCount = rand() < 0.4 ? 1 + Math.floor(rand() * 3) : 0;
        for (let s = 0; s < sessionCount; s++) {
          const startDay = new Date(now + Math.floor((rand() * 900 - 300) * 86_400_000)).toISOString().slice(0, 10);
          const place = Math.floor(rand() * PLACES.length);
          sessions.push({
            resourceId: id,
            startDate: startDay,
            endDate: startDay,
            city: PLACES[place],
            countryCode: COUNTRIES[place],
            online: false,
            status: pick(["planned", "open", "completed"] as const),
          });
        }
      }
      await manager.createQueryBuilder().insert().into("resource_topics").values(links).execute();
      for (let i = 0; i < editions.length; i += 500) await manager.getRepository(Edition).insert(editions.slice(i, i + 500));
      for (let i = 0; i < sessions.length; i += 500) await manager.getRepository(CourseSession).insert(sessions.slice(i, i + 500));
    });
    if ((start / batch) % 40 === 0) process.stdout.write(`  generated ${Math.min(start + batch, count)} / ${count}\r`);
  }
  process.stdout.write("\n");
}
