import { describe, expect, it } from "vitest";
import { type BarChartOptions, type BarDatum, escapeXml, horizontalBarChart } from "../../src/modules/coverage/svg-chart";

/** A chart for a case in which its title and description do not matter. */
const chart = (id: string, data: BarDatum[], options: Partial<BarChartOptions> = {}) => horizontalBarChart({ id, title: "t", description: "d", data, ...options });
const bars = (svg: string) => [...svg.matchAll(/<rect class="bar" [^>]*width="([^"]+)"/g)].map((m) => Number(m[1]));

describe("horizontal bar chart", () => {
  it("is an image labelled by its title and description", () => {
    const svg = horizontalBarChart({ id: "orgs", title: "Listings per organisation", description: "Most first.", data: [{ label: "IOM", value: 3 }] });
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
    expect(svg).toContain('aria-labelledby="orgs-title orgs-desc"');
    expect(svg).toContain('<title id="orgs-title">Listings per organisation</title>');
    expect(svg).toContain('<desc id="orgs-desc">Most first.</desc>');
    expect(svg.endsWith("</svg>")).toBe(true);
  });

  it("escapes labels, titles and descriptions", () => {
    const svg = horizontalBarChart({
      id: "x",
      title: 'A & B "quoted"',
      description: "<b>bold</b>",
      data: [{ label: "<script>alert(1)</script>", value: 1, valueText: "<1>" }],
    });
    expect(svg).not.toContain("<script>");
    expect(svg).not.toContain("<b>");
    expect(svg).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(svg).toContain("A &amp; B &quot;quoted&quot;");
    expect(svg).toContain("&lt;1&gt;");
    expect(escapeXml(`'"<>&`)).toBe("&#39;&quot;&lt;&gt;&amp;");
  });

  it("draws one bar per datum, its width proportional to its value", () => {
    const svg = chart("c", [
      { label: "a", value: 10 },
      { label: "b", value: 5 },
      { label: "c", value: 1 },
    ]);
    const widths = bars(svg);
    expect(widths).toHaveLength(3);
    expect(widths[0]).toBeGreaterThan(0);
    expect(widths[1] / widths[0]).toBeCloseTo(0.5, 2);
    expect(widths[2] / widths[0]).toBeCloseTo(0.1, 2);
    expect(svg).toMatch(/<text class="bar-value"[^>]*>10<\/text>/);
  });

  it("scales to a given maximum, e.g. shares out of 100 percent, on a track", () => {
    const svg = chart(
      "r",
      [
        { label: "a", value: 50, valueText: "50%" },
        { label: "b", value: 100, valueText: "100%" },
      ],
      { max: 100 },
    );
    const [half, full] = bars(svg);
    expect(half / full).toBeCloseTo(0.5, 2);
    expect(svg.match(/class="bar-track"/g)).toHaveLength(2);
    expect(svg).toContain(">50%</text>");
  });

  it("draws zero-width bars, and no NaN, when every value is zero", () => {
    const svg = chart("z", [
      { label: "a", value: 0 },
      { label: "b", value: 0 },
    ]);
    expect(bars(svg)).toEqual([0, 0]);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it("says there is nothing to show for an empty list, without NaN", () => {
    const svg = chart("e", [], { emptyText: "No listings yet" });
    expect(bars(svg)).toEqual([]);
    expect(svg).toContain("No listings yet");
    expect(svg).toMatch(/viewBox="0 0 \d+ \d+"/);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it("treats negative and non-finite values as nothing", () => {
    const svg = chart("n", [
      { label: "a", value: Number.NaN },
      { label: "b", value: -3 },
      { label: "c", value: 2 },
    ]);
    const widths = bars(svg);
    expect(widths[0]).toBe(0);
    expect(widths[1]).toBe(0);
    expect(widths[2]).toBeGreaterThan(0);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it("shortens long labels in the picture and keeps them whole in the bar's tooltip", () => {
    const label = "Regional Support Office of the Bali Process on People Smuggling";
    const svg = chart("l", [{ label, value: 1 }]);
    expect(svg).toContain(`<title>${label}: 1</title>`);
    expect(svg).toMatch(/<text class="bar-label"[^>]*>[^<]{1,27}…<\/text>/);
  });

  it("takes a tooltip of its own for a bar, escaped", () => {
    const svg = chart("o", [{ label: "IOM", value: 2, tooltip: "International Organization for Migration <IOM>: 2" }]);
    expect(svg).toContain("<title>International Organization for Migration &lt;IOM&gt;: 2</title>");
    expect(svg).toContain(">IOM</text>");
  });

  it("makes ids safe for SVG and HTML", () => {
    const svg = chart('1 "bad" id', []);
    expect(svg).toContain('aria-labelledby="c-1--bad--id-title c-1--bad--id-desc"');
  });
});
