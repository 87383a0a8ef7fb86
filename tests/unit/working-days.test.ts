import { describe, expect, it } from "vitest";
import { answerTimeText } from "../../src/modules/coverage/coverage.routes";
import { median, workingDaysBetween } from "../../src/modules/enquiries/working-days";

describe("working days", () => {
  it("count weekdays passed and leave weekends out", () => {
    const friday = new Date("2026-11-27T17:00:00Z");
    expect(workingDaysBetween(friday, new Date("2026-11-28T17:00:00Z"))).toBe(0);
    expect(workingDaysBetween(friday, new Date("2026-11-30T17:00:00Z"))).toBe(1);
    expect(workingDaysBetween(friday, new Date("2026-12-11T17:00:00Z"))).toBe(10);
    expect(workingDaysBetween(friday, new Date("2026-12-14T17:00:00Z"))).toBe(11);
    expect(workingDaysBetween(friday, friday)).toBe(0);
  });

  it("give the median of odd and even counts, and none of nothing", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it("read answer times in hours, then days", () => {
    expect(answerTimeText(null)).toBeNull();
    expect(answerTimeText(0.2)).toBe("under an hour");
    expect(answerTimeText(1)).toBe("1 hour");
    expect(answerTimeText(30)).toBe("30 hours");
    expect(answerTimeText(72)).toBe("3 days");
  });
});
