import { describe, expect, it } from "vitest";
import { AnswerCache } from "../../src/modules/search/answer-cache";

/** The cache against a version source and a clock of the test's own (the engine's side is tested in integration). */
function setup(options: { maxBytes?: number; checkMs?: number } = {}) {
  const clock = { now: 0 };
  const source = { version: "v1", reads: 0, fail: false, gate: null as Promise<void> | null };
  const cache = new AnswerCache(
    async () => {
      source.reads++;
      if (source.gate) await source.gate;
      if (source.fail) throw new Error("engine unreachable");
      return source.version;
    },
    { maxBytes: options.maxBytes ?? 1_000_000, checkMs: options.checkMs ?? 250, now: () => clock.now },
  );
  const computed = { count: 0 };
  /** A search whose fresh answer would be `answer`: returns what it gives and whether that came from the cache. */
  const search = async (key: string, answer: string, index = "resources") => {
    let fresh = false;
    const value = await cache.get(index, key, async () => {
      fresh = true;
      computed.count++;
      return { answer };
    });
    return { answer: value.answer, cached: !fresh };
  };
  return { clock, source, cache, search, computed };
}

/** A promise and the function that settles it. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe("answer cache", () => {
  it("gives a kept answer again while the index keeps its version", async () => {
    const { search, source, cache } = setup();
    expect(await search("q=guide", "first")).toEqual({ answer: "first", cached: false });
    expect(await search("q=guide", "second")).toEqual({ answer: "first", cached: true });
    expect(await search("q=other", "other")).toEqual({ answer: "other", cached: false });
    expect(source.reads).toBe(1);
    expect(cache.stats()).toMatchObject({ entries: 2, hits: 1, misses: 2 });
  });

  it("keeps answers apart per index", async () => {
    const { search } = setup();
    await search("q=guide", "a");
    expect(await search("q=guide", "b", "other")).toEqual({ answer: "b", cached: false });
    expect(await search("q=guide", "c")).toEqual({ answer: "a", cached: true });
  });

  it("reads the version again after checkMs, and a new version means a fresh answer", async () => {
    const { search, source, clock } = setup({ checkMs: 250 });
    await search("q=guide", "before");
    source.version = "v2";
    clock.now = 249;
    // Within checkMs a change made elsewhere is not yet known: that is the documented bound.
    expect(await search("q=guide", "after")).toEqual({ answer: "before", cached: true });
    clock.now = 250;
    expect(await search("q=guide", "after")).toEqual({ answer: "after", cached: false });
    expect(await search("q=guide", "later")).toEqual({ answer: "after", cached: true });
    expect(source.reads).toBe(2);
  });

  it("gives nothing kept when the version cannot be read, and tries again only after checkMs", async () => {
    const { search, source, clock } = setup();
    await search("q=guide", "kept");
    clock.now = 300;
    source.fail = true;
    expect(await search("q=guide", "engine")).toEqual({ answer: "engine", cached: false });
    expect(await search("q=guide", "engine again")).toEqual({ answer: "engine again", cached: false });
    expect(source.reads).toBe(2);
    clock.now = 600;
    source.fail = false;
    // Back with the same version: the index did not change, so what was kept still holds.
    expect(await search("q=guide", "back")).toEqual({ answer: "kept", cached: true });
    clock.now = 900;
    source.version = "v2";
    expect(await search("q=guide", "changed")).toEqual({ answer: "changed", cached: false });
  });

  it("gives nothing kept while a write of this process is waited for, and forgets everything after it", async () => {
    const { search, cache, source } = setup();
    await search("q=guide", "before");
    cache.writeStarted();
    expect(await search("q=guide", "during")).toEqual({ answer: "during", cached: false });
    expect(await search("q=guide", "during again")).toEqual({ answer: "during again", cached: false });
    cache.writeFinished();
    expect(cache.stats().entries).toBe(0);
    const readsBefore = source.reads;
    expect(await search("q=guide", "after")).toEqual({ answer: "after", cached: false });
    expect(source.reads).toBe(readsBefore + 1);
    expect(await search("q=guide", "after again")).toEqual({ answer: "after", cached: true });
  });

  it("does not keep an answer when a write ended while it was being computed", async () => {
    const { cache, search } = setup();
    const slow = gate();
    const pending = cache.get("resources", "q=guide", async () => {
      await slow.promise;
      return { answer: "maybe stale" };
    });
    await new Promise((r) => setTimeout(r, 0));
    cache.writeStarted();
    cache.writeFinished();
    slow.open();
    expect(await pending).toEqual({ answer: "maybe stale" });
    expect(cache.stats().entries).toBe(0);
    expect(await search("q=guide", "fresh")).toEqual({ answer: "fresh", cached: false });
  });

  it("does not trust a version read that a write overtook", async () => {
    const { cache, source, search } = setup();
    const reading = gate();
    source.gate = reading.promise;
    const pending = search("q=guide", "from before the write");
    cache.writeStarted();
    cache.writeFinished();
    reading.open();
    source.gate = null;
    expect(await pending).toEqual({ answer: "from before the write", cached: false });
    expect(cache.stats().entries).toBe(0);
    // The next search reads the version afresh.
    const reads = source.reads;
    await search("q=guide", "after");
    expect(source.reads).toBe(reads + 1);
  });

  it("reads the version once, and computes an answer once, for the same searches arriving together", async () => {
    const { cache, source, computed } = setup();
    const reading = gate();
    source.gate = reading.promise;
    const slow = gate();
    const compute = async () => {
      computed.count++;
      await slow.promise;
      return { answer: "shared" };
    };
    const searches = Promise.all(Array.from({ length: 10 }, () => cache.get("resources", "q=guide", compute)));
    reading.open();
    await new Promise((r) => setTimeout(r, 0));
    slow.open();
    const answers = await searches;
    expect(answers.every((a) => a.answer === "shared")).toBe(true);
    expect(source.reads).toBe(1);
    expect(computed.count).toBe(1);
  });

  it("lets every waiting search see the error when the shared answer fails, and keeps nothing", async () => {
    const { cache, search } = setup();
    const compute = async (): Promise<{ answer: string }> => {
      await new Promise((r) => setTimeout(r, 5));
      throw new Error("engine timed out");
    };
    const results = await Promise.allSettled([cache.get("resources", "q=guide", compute), cache.get("resources", "q=guide", compute)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(cache.stats().entries).toBe(0);
    expect(await search("q=guide", "later")).toEqual({ answer: "later", cached: false });
  });

  it("freezes kept answers, so that no reader changes what the next one gets", async () => {
    const { cache } = setup();
    await cache.get("resources", "q=guide", async () => ({ answer: "a", list: ["x"] }));
    const kept = await cache.get("resources", "q=guide", async () => ({ answer: "b", list: [] as string[] }));
    expect(kept.answer).toBe("a");
    expect(() => kept.list.push("y")).toThrow(TypeError);
    expect(() => Object.assign(kept, { answer: "b" })).toThrow(TypeError);
  });

  it("stays within its memory, dropping the least recently used answers", async () => {
    const { search, cache } = setup({ maxBytes: 2000 });
    const big = "x".repeat(300);
    for (let i = 0; i < 10; i++) await search(`q=${i}`, big);
    expect(cache.stats().bytes).toBeLessThanOrEqual(2000);
    expect(cache.stats().entries).toBeLessThan(10);
    expect((await search("q=9", "new")).cached).toBe(true);
    expect((await search("q=0", "new")).cached).toBe(false);
  });
});
