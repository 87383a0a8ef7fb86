import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  detectReportFormat,
  MAX_MARKUP_DEPTH,
  parseReport,
  parseReportCsv,
  parseReportHtml,
  parseReportText,
  ParsedReport,
  ReportParseError,
  resolveWho,
  sanitiseReportHtml,
  tidyReportHtml,
  WhoCandidate,
} from "../../src/modules/reports/report-parser";

const root = path.resolve(__dirname, "../..");
const TEXT = readFileSync(path.join(root, "seeds/reports/ahg-progress-report-2017-10.txt"), "utf8");
const HTML = readFileSync(path.join(root, "tests/fixtures/reports/ahg-2017-10.html"), "utf8");
const CSV = readFileSync(path.join(root, "tests/fixtures/reports/ahg-2017-10.csv"), "utf8");
const TITLE = "Ad Hoc Group Progress Report: October 2017";

const report = parseReportText(TEXT);
const item = (number: string, from: ParsedReport = report) => {
  const found = from.sections.flatMap((s) => s.items).find((i) => i.number === number);
  if (!found) throw new Error(`no item ${number}`);
  return found;
};

/** The real report with one line (1-based) replaced. */
function withLine(line: number, replace: (text: string) => string): string {
  const lines = TEXT.split("\n");
  lines[line - 1] = replace(lines[line - 1]);
  return lines.join("\n");
}

function parseError(parse: () => unknown): ReportParseError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ReportParseError) return error;
    throw error;
  }
  throw new Error("expected a ReportParseError");
}

/** Sections and items without line numbers, which differ between formats. */
function contentOf(parsed: ParsedReport) {
  return parsed.sections.map((s) => ({
    number: s.number,
    title: s.title,
    items: s.items.map((i) => ({ number: i.number, action: i.action, who: i.who, details: i.details, footnotes: i.footnotes })),
  }));
}

describe("parseReportText on the October 2017 AHG progress report", () => {
  it("reads the title and the introduction", () => {
    expect(report.title).toBe(TITLE);
    expect(report.introduction).toBe(
      "Report summarises activities undertaken since the previous Ad Hoc Group Senior Officials' Meeting (November 2016). It indicates the status of recommendations from the Bali Process Ministerial Conferences and follow-up Ad Hoc Group Senior Officials' meetings to implement the Bali Process Strategy.",
    );
  });

  it("finds 6 sections with their titles, numbered or by position", () => {
    expect(report.sections.map((s) => [s.number, s.title, s.line])).toEqual([
      [null, "Law enforcement cooperation and capacity building", 8],
      [null, "Information and intelligence sharing", 21],
      [null, "Border Management", 31],
      ["4", "Cooperation on returns and reintegration", 42],
      ["5", "Protection and asylum management", 49],
      ["6", "Member Engagement and Outreach", 55],
    ]);
  });

  it("finds 29 items numbered 1.1 to 6.5 in order, each in its section", () => {
    const numbers = report.sections.flatMap((s) => s.items.map((i) => i.number));
    expect(numbers).toHaveLength(29);
    expect(numbers).toEqual([
      ...["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"],
      ...["2.1", "2.2", "2.3", "2.4", "2.5", "2.6"],
      ...["3.1", "3.2", "3.3", "3.4", "3.5", "3.6"],
      ...["4.1", "4.2"],
      ...["5.1", "5.2", "5.3", "5.4"],
      ...["6.1", "6.2", "6.3", "6.4", "6.5"],
    ]);
    report.sections.forEach((s, index) => s.items.forEach((i) => expect(i.number.split(".")[0]).toBe(String(index + 1))));
    expect(item("1.1").line).toBe(9);
    expect(item("4.2").line).toBe(48);
    expect(item("6.5").line).toBe(63);
  });

  it("joins the two halves of 4.1's action around the footnote and keeps the footnote on the item", () => {
    const avrr = item("4.1");
    expect(avrr.action).toBe(
      "Encourage countries of origin to undertake voluntary repatriation and/or the return of those found not to be in need of international protection. Consider expanding the AVRR project.",
    );
    expect(avrr.who).toBe("RSO/IOM");
    expect(avrr.details).toBe(
      "The AVRR Project was implemented by IOM under the auspices of the RSO. Since 1 July 2012, the project has facilitated over 900 migrants in returning to their countries of origin from Bali Process Member States, including 127 migrants between July 2016 and June 2017. ¹",
    );
    expect(avrr.footnotes).toEqual(["¹ https://thailand.iom.int/sites/default/files/Infosheets/IOM%20Infosheet%20-%20AVRR%20%28For%20Donors%29.pdf"]);
    expect(report.sections.flatMap((s) => s.items).filter((i) => i.footnotes.length > 0)).toHaveLength(1);
  });

  it.each([
    {
      name: "mends 1.1's last paragraph, which a page break cut mid-sentence",
      number: "1.1",
      details:
        "<p>1) Meeting of Regional Training Centres of Excellence held in Bali 6-8 October 2015. The meeting agreed to the development of a centralised, regional catalogue of training programs available to Bali Process members, including JCLEC courses.</p> <p>2) The 2nd Meeting of National Training Directors was held at JCLEC on 18-20 July 2017, attended by more than 20 Bali Process states as well as international organisations. The meeting theme, <i>Enhancing Cross Border Cooperation through Training</i>, supported further building the cooperative relationships between States and organisations to exchange information about training and utilise common training resources.</p> <p>3) The 3rd Meeting of National Training Directors is tentatively planned for July 2018.</p> <p>4) The Regional Catalogue of Training and Capacity Building Courses website is under development, and due for completion in late 2017. The Catalogue will support Bali Process member states with a simple website/tool to enable them to search and identify relevant training materials and capacity building activities to better counter people smuggling, trafficking in persons and related transnational crime. Bali Process member States, international organisations and regional training institutions will be invited to list relevant training courses and training materials in the Catalogue. Contributors retain full ownership of all training listed in the Catalogue, the Catalogue functions as a directory so that contributors can be contacted for further information.</p>",
    },
    {
      name: "makes the continuation of 1.3 after a finished paragraph a paragraph of its own",
      number: "1.3",
      details:
        "<p>The inaugural activity of the Working Group, a Joint Period of Action (JPA), ran from 28 September- 28 October 2015. Law enforcement and immigration agencies from eight countries took part in separate but coordinated law enforcement operations against people smuggling and trafficking in persons networks. A second Joint Period of Action took place over six months (May to November 2016) involving 10 countries. Parallel efforts led to over 30 arrests as well as the disruption of networks in Malaysia, the Maldives, Philippines, Thailand, and the USA.</p> <p>The third Joint Period of Action ran from March to August 2017. Law enforcement and immigration agencies from ten countries – Australia, Bangladesh, Indonesia, Malaysia, the Maldives, New Zealand, the Philippines, Sri Lanka, Thailand and the USA – carried out nine joint operations aimed at dismantling people smuggling and trafficking in persons networks in the Asia-Pacific region. Criminal networks involved in the online commercial sexual exploitation of children were also targeted.</p> <p>Joint efforts contributed to 72 persons being convicted of human trafficking and people smuggling offences. It also led to the identification of 23 new suspects, 10 arrests, and nine new investigations being launched.</p>",
    },
    {
      name: "rejoins 2.3's sentence that the page break wrapped in a new paragraph, and makes the text written into its lists their items",
      number: "2.3",
      details:
        "<p>Australia continues to progress the implementation of a pilot, joint information campaign with Bangladesh. IOM Bangladesh is contracted to deliver the information campaign which aims to reduce irregular migration by sea from Bangladesh to Australia. IOM has delivered the following campaign outputs during the period June 2016 – June 2017:</p> <ul><li>Conducted consultation and awareness raising sessions on regular migration and the dangers of irregular migration to target audiences including 7,121 students in 135 schools, 1,744 community and religious leaders at 64 Union level meetings and 149 community and religious leaders at four District level meetings.</li></ul><ul><li>Organised 224 street theatre performances to a combined audience of more than 100,000 people in four districts (Cox’s Bazar, Narayanganj, Narsingdi and Sirajganj). Each performance was followed by a discussion session with the audience about the risks of irregular migration and the benefits of migrating through regular, lawful channels. Managed the development of a mobile game application (app), titled ‘Bidesh Jai’ (Translates as ‘Going abroad’). The game app aims to raise awareness and change the behaviour of people who are at risk of choosing irregular migration pathways. The app will be available to download in the near future and will be actively promoted over a three-month period through social media and field activation work to maximise uptake by target audiences.</li></ul>",
    },
    {
      name: "rejoins 3.3's sentence across the page break and keeps its second paragraph",
      number: "3.3",
      details:
        "<p>The Regional Biometric Data Exchange Solution (RBDES) Workshop was held on 23-24 February 2017 in Bangkok, Thailand. The workshop provided an overview of RBDES, training in system use and the overarching policy and privacy considerations of the Solution. Following this workshop, the RSO and IOM are engaging Member States to develop bilateral and multi-lateral agreements to use RBDES. During this process the RSO has identified several key areas in which the RBDES Policy Framework would benefit from greater flexibility, and which has thus far hindered engagement. The Policy Framework was endorsed in March 2016 after a consultation period within which technical advice and guidance came from Bali Process Members and experts. The RSO is seeking authorisation to: 1) begin piloting the RBDES with interested members, and 2) form an interim Oversight Committee until such time as a full committee can be established according to the Policy Framework.</p> <p>Additionally, the AHG Workshop on Biometrics for Identity Integrity in Immigration, which last convened in 2012, will also be revitalised. This workshop will provide a platform to discuss emerging biometric technologies, potential risks and increase collaboration through regional data exchange. The timing of this workshop will be determined after interest has been gauged at the AHG SOM, with Australia leading this proposal.</p>",
    },
    {
      name: "rejoins 3.5's paragraph across the page break",
      number: "3.5",
      details:
        "<p>Roundtable on Capacity Enhancement for Frontline Border Officials was held in Bangkok from 12-13 November 2014, providing feedback on existing induction training. In May 2015, the <i>Bali Process Curriculum on Standardized Induction Training for Frontline Border Officials</i> was finalised, with the support of the Technical Review Committee and made available to all member countries. The RSO is currently exploring with the Pacific Immigration Development Community (formerly the Pacific Immigration Directors Conference) how to best support Bali Process members in that region with the development of basic border induction training that builds on the Curriculum. The RSO will engage with Bali Process member countries and international organisations to seek their support in development of basic border induction training available to all member countries.</p>",
    },
  ])("$name", ({ number, details }) => {
    expect(item(number).details).toBe(details);
  });

  it("appends 1.6's continuation as text, leaving the bare address as text", () => {
    expect(item("1.6").details?.endsWith("promotion of best practices. The RSR can be accessed at www.baliprocess-rso-roadmap.net")).toBe(true);
    expect(item("1.6").details).not.toContain("<a");
  });

  it("keeps 6.2's lists, without their style attribute, one item per bullet written into them", () => {
    expect(item("6.2").details).toBe(
      "<ul><li>Jordan 2015 Secondment – supporting Regional Mapping Project on anti-trafficking activities, Regional Training Coordination Mechanism (RCTM).</li><li>UNHCR Ongoing Secondments – including leading projects on thematic brief on Access to Asylum Procedures, Civil Registration Assessment Toolkit and Regional Strategic Roadmap for Anti-trafficking policies</li><li>Indonesia 2015 Secondment - supporting Regional Training Coordination Mechanism / RSO-JCLEC Partnership</li></ul><ul><li>Afghanistan 2013 Secondment – included developing a document examination manual for Afghan border officials</li><li>Cambodia 2016 Secondment– leading the development of Quick Reference Guides on interviewing victims of trafficking in persons, and interviewing child victims of trafficking in persons, and delivering training on these guides</li><li>Timor-Leste 2016 Secondment – develop and deliver the training on Quick Reference Guide on Interviewing Victims of Trafficking and Quick Reference Guide for Frontline Border Officials in Timor-Leste</li><li>New Zealand Secondment in 2017 and ongoing - current secondment leading projects on information campaigns, information sharing and visa integrity</li><li>UNODC Late 2017 secondment planned with USA funding – leading project on regional sharing of information/intelligence related to trafficking in persons and people smuggling, particularly in maritime context</li><li>RSO remains open to secondments from other member States</li></ul>",
    );
    expect(report.sections.flatMap((s) => s.items).some((i) => i.details?.includes("style"))).toBe(false);
  });

  it("gives 6.1 no who, and strips tags from actions", () => {
    expect(item("6.1").who).toBeNull();
    expect(item("2.5").action).toBe("Develop training materials and pilot workshop on the use of the Bali Process Handbook on Addressing Irregular Migration through Effective Information Campaigns");
    expect(item("2.1").who).toBe("UNODC & members");
    expect(item("5.3").who).toBe("RSO & CIFAL- Jeju (South Korea)");
  });
});

describe("parseReportHtml and parseReportCsv", () => {
  it("read the same table from the HTML fixture", () => {
    const html = parseReportHtml(HTML);
    expect(html.title).toBe(TITLE);
    expect(html.introduction).toBe(report.introduction);
    expect(contentOf(html)).toEqual(contentOf(report));
    expect(html.sections[0].line).toBe(15);
    expect(item("1.1", html).line).toBe(16);
  });

  it("read the same table from the CSV fixture, with the title from the options", () => {
    const csv = parseReportCsv(CSV, { title: TITLE });
    expect(csv.title).toBe(TITLE);
    expect(csv.introduction).toBeNull();
    expect(contentOf(csv)).toEqual(contentOf(report));
    expect(csv.sections[3].line).toBe(23);
    expect(item("4.1", csv).line).toBe(24);
  });

  it("accept the printed table's column names in any order and case in CSV", () => {
    const csv = parseReportCsv('STATUS/DETAILS,Who,Action / Recommendation,No.\n,,Border Management,\n"<p>Done.</p>",RSO,Train officers,1.1\n', { title: "T" });
    expect(contentOf(csv)).toEqual([{ number: null, title: "Border Management", items: [{ number: "1.1", action: "Train officers", who: "RSO", details: "<p>Done.</p>", footnotes: [] }] }]);
  });

  it("number a CSV section from its number cell or its title", () => {
    const csv = parseReportCsv("number,action,who,status\n4.,Returns,,\n4.1,Return,IOM,x\n,5. Protection,,\n5.1,Protect,,y\n", { title: "T" });
    expect(csv.sections.map((s) => [s.number, s.title])).toEqual([
      ["4", "Returns"],
      ["5", "Protection"],
    ]);
  });

  it("take the title from <title> when there is no <h1>", () => {
    const html = parseReportHtml(
      "<html><head><title>Report</title></head><body><table><tr><th>#</th><th>Action</th><th>Who</th><th>Status</th></tr><tr><th>Returns</th><td></td><td></td><td></td></tr><tr><td>1.1</td><td>Return</td><td></td><td><p>x</p></td></tr></table></body></html>",
    );
    expect(html.title).toBe("Report");
    expect(contentOf(html)).toEqual([{ number: null, title: "Returns", items: [{ number: "1.1", action: "Return", who: null, details: "<p>x</p>", footnotes: [] }] }]);
  });
});

describe("continuations and footnotes in small tables", () => {
  const header = "Report\n\n\tAction/Recommendation\tWho\tStatus/Details\nReturns\t\t\t\n";

  it("joins a continuation to the column its tabs point at, across blank lines and a footnote", () => {
    const parsed = parseReportText(`${header}1.1\tHelp those\tIOM\t<p>Done in</p>\n\n² <https://example.org/a>\n\n\tin need.\t\t\n\t\t\t2017. See <https://example.org/b>\n`);
    expect(contentOf(parsed)[0].items).toEqual([
      { number: "1.1", action: "Help those in need.", who: "IOM", details: "<p>Done in 2017. See https://example.org/b</p>", footnotes: ["² https://example.org/a"] },
    ]);
  });

  it("reads continuation rows and footnote rows of an HTML table", () => {
    const parsed = parseReportHtml(
      '<h1>R</h1>\n<table>\n<tr><th></th><th>Action/Recommendation</th><th>Who</th><th>Status/Details</th></tr>\n<tr><td colspan=4>Returns</td></tr>\n<tr><td>1.1</td><td>Help those</td><td>IOM</td><td>Done ³</td></tr>\n<tr><td></td><td>in need.</td><td></td><td></td></tr>\n<tr><td colspan=4>³ <a href="https://example.org/a">https://example.org/a</a></td></tr>\n</table>',
    );
    expect(contentOf(parsed)[0].items).toEqual([{ number: "1.1", action: "Help those in need.", who: "IOM", details: "Done ³", footnotes: ["³ https://example.org/a"] }]);
  });
});

describe("detectReportFormat and parseReport", () => {
  it("detect each fixture's format from its name or its content", () => {
    expect(detectReportFormat(TEXT)).toBe("text");
    expect(detectReportFormat(HTML)).toBe("html");
    expect(detectReportFormat(CSV)).toBe("csv");
    expect(detectReportFormat("anything", "report.HTM")).toBe("html");
    expect(detectReportFormat("anything", "report.csv")).toBe("csv");
    expect(detectReportFormat("<p>x</p>", "report.txt")).toBe("text");
  });

  it("dispatch to the parser of the detected format", () => {
    expect(contentOf(parseReport(HTML))).toEqual(contentOf(report));
    expect(parseReport(CSV, undefined, { title: "Given" }).title).toBe("Given");
    expect(parseReport(TEXT, "text", { title: "Given" }).title).toBe("Given");
  });
});

describe("malformed reports", () => {
  it("reject a text report without a header row", () => {
    const error = parseError(() => parseReportText(withLine(7, () => "")));
    expect(error.line).toBe(8);
    expect(error.message).toMatch(/^line 8: expected a header row/);
  });

  it("reject a corrupted item number in the middle of the real report", () => {
    const error = parseError(() => parseReportText(withLine(37, (l) => l.replace(/^3\.4/, "3.4a"))));
    expect(error.line).toBe(37);
    expect(error.message).toBe("line 37: expected an item number such as 3.4 or a section heading, found “3.4a”");
  });

  it("reject a continuation whose leading tab was lost", () => {
    const error = parseError(() => parseReportText(withLine(47, (l) => l.replace(/^\t/, ""))));
    expect(error.line).toBe(47);
  });

  it("reject an item before any section", () => {
    const error = parseError(() => parseReportText(withLine(8, () => "")));
    expect(error.line).toBe(9);
    expect(error.expected).toBe("a section heading before the first item");
  });

  it("reject a duplicate item number", () => {
    const error = parseError(() => parseReportText(withLine(13, (l) => l.replace(/^1\.3/, "1.2"))));
    expect(error.line).toBe(13);
    expect(error.message).toContain("1.2 is already at line 12");
  });

  it("reject items out of order", () => {
    expect(parseError(() => parseReportText(withLine(16, (l) => l.replace(/^1\.4/, "1.6")))).line).toBe(17);
  });

  it("reject an item of another section, counting unnumbered headings by position", () => {
    expect(parseError(() => parseReportText(withLine(32, (l) => l.replace(/^3\.1/, "2.7")))).line).toBe(32);
    const error = parseError(() => parseReportText(withLine(43, (l) => l.replace(/^4\.1/, "3.7"))));
    expect(error.line).toBe(43);
    expect(error.message).toContain("section 4 (“Cooperation on returns and reintegration”)");
  });

  it("reject a continuation line before any item", () => {
    expect(parseError(() => parseReportText(withLine(8, () => "\t\t\tstray text"))).line).toBe(8);
    expect(parseError(() => parseReportText(withLine(21, (l) => `${l}\n\t\t\tstray text`))).line).toBe(22);
  });

  it("reject a row with more than 4 columns", () => {
    const error = parseError(() => parseReportText(withLine(22, (l) => `${l}\textra`)));
    expect(error.line).toBe(22);
    expect(parseError(() => parseReportCsv("number,action,who,status\n,S,,\n1.1,a,b,c,d\n", { title: "T" })).line).toBe(3);
  });

  it("reject a report with no items", () => {
    expect(parseError(() => parseReportText("Title\n\n\tAction/Recommendation\tWho\tStatus/Details\n")).expected).toMatch(/at least one section and item/);
    expect(parseError(() => parseReportText("Title\n\n\tAction/Recommendation\tWho\tStatus/Details\nA section\t\t\t")).line).toBe(4);
  });

  it("reject HTML without a table", () => {
    const error = parseError(() => parseReportHtml("<h1>Report</h1>\n<p>No table here.</p>"));
    expect(error.line).toBe(1);
    expect(error.expected).toBe("a <table> holding the report");
  });

  it("reject a bad row of an HTML table at its line", () => {
    const broken = HTML.replace("<td>2.4</td>", "<td>2.3</td>");
    const line = HTML.slice(0, HTML.indexOf("<td>2.4</td>")).split("\n").length - 1;
    expect(parseError(() => parseReportHtml(broken)).line).toBe(line);
  });

  it("reject CSV without the required columns, and a bad row after a cell spanning lines", () => {
    const missing = parseError(() => parseReportCsv("number,action,status\n1.1,a,b\n", { title: "T" }));
    expect(missing.line).toBe(1);
    const bad = parseError(() => parseReportCsv('number,action,who,status\n,Section,,\n1.1,a,"b\nc",d\n\n1.x,a,b,c\n', { title: "T" }));
    expect(bad.line).toBe(6);
    expect(bad.message).toContain("found “1.x”");
  });

  it("reject CSV without a title", () => {
    expect(parseError(() => parseReportCsv(CSV)).expected).toBe("a title for the report");
  });

  it("reject markup nested too deeply, in an HTML report or in a cell of a CSV one, at its line", () => {
    const depth = MAX_MARKUP_DEPTH + 1;
    const html = HTML.replace("<td>2.4</td>", `<td>2.4${"<span>".repeat(depth)}</td>`);
    const line = HTML.slice(0, HTML.indexOf("<td>2.4</td>")).split("\n").length;
    const deepHtml = parseError(() => parseReport(html, "html"));
    expect(deepHtml.line).toBe(line);
    expect(deepHtml.message).toMatch(/expected markup nested at most 256 elements deep, found an element nested deeper/);
    const csv = `number,action,who,status\n,Section,,\n1.1,"a\n${"<div>".repeat(2_000_000)}",RSO,\n`;
    expect(parseError(() => parseReport(csv, "csv", { title: "T" })).line).toBe(4);
    // As deep as allowed is read.
    const allowed = HTML.replace("<td>2.4</td>", `<td>2.4${"<span>".repeat(MAX_MARKUP_DEPTH - 10)}</td>`);
    expect(() => parseReport(allowed, "html")).not.toThrow();
  });
});

describe("sanitiseReportHtml", () => {
  it("keeps paragraphs, lists, emphasis and safe links", () => {
    expect(sanitiseReportHtml('<p>A <i>b</i> <strong>c</strong></p><ul style="list-style-type: none"><li>d</li></ul><a href="https://example.org/x">e</a>')).toBe(
      '<p>A <i>b</i> <strong>c</strong></p><ul><li>d</li></ul><a href="https://example.org/x" rel="nofollow noopener">e</a>',
    );
  });

  it("removes scripts, event handlers, styles and links to other schemes", () => {
    const html = sanitiseReportHtml(
      '<p onclick="x()" style="color:red">a</p><script>alert(1)</script><img src="x" onerror="alert(1)"><a href="javascript:alert(1)">b</a> <a href="JaVaScRiPt:alert(1)">c</a> <a href="//evil.example">d</a><style>p{}</style><span style="color:red">e</span>',
    );
    expect(html).toBe("<p>a</p>b c de");
  });

  it("replaces a link's rel and drops its other attributes", () => {
    expect(sanitiseReportHtml('<a href="mailto:rso@example.org" rel="opener" target="_blank" title="t">m</a>')).toBe('<a href="mailto:rso@example.org" rel="nofollow noopener">m</a>');
  });
});

describe("lists in report cells", () => {
  const details = (cell: string) => parseReportCsv(`number,action,who,status\n,Returns,,\n1.1,Return,IOM,"${cell}"\n`, { title: "T" }).sections[0].items[0].details;

  it("makes text written straight into a list an item of it, beside real items", () => {
    expect(details("<ul> Loose text <li>An item</li> more text</ul>")).toBe("<ul><li>Loose text</li><li>An item</li><li>more text</li></ul>");
  });

  it("splits text written into a list at its bullets, keeping a dash between lowercase words", () => {
    expect(details("<ol> - First one - supporting it - Second one</ol>")).toBe("<ol><li>First one - supporting it</li><li>Second one</li></ol>");
  });

  it("changes nothing in HTML it has mended already (pages tidy stored cells again)", () => {
    for (const i of report.sections.flatMap((s) => s.items)) if (i.details) expect(tidyReportHtml(i.details), i.number).toBe(i.details);
    expect(tidyReportHtml("<ul> - One - Two</ul>")).toBe("<ul><li>One</li><li>Two</li></ul>");
  });

  it("leaves no text directly inside a list anywhere in the 2017 report", () => {
    for (const i of report.sections.flatMap((s) => s.items)) {
      const loose = /<(ul|ol)>\s*[^<\s]/.test(i.details ?? "") || /<\/li>\s*[^<\s]/.test(i.details ?? "");
      expect(loose, i.number).toBe(false);
    }
  });
});

describe("resolveWho", () => {
  const candidates: WhoCandidate[] = [
    { kind: "organisation", id: 1, names: ["Regional Support Office", "RSO"] },
    { kind: "organisation", id: 2, names: ["International Organization for Migration", "IOM"] },
    { kind: "organisation", id: 3, names: ["Trafficking in Persons Working Group", "TIPs Working Group", "TIPs WG", "TIP WG"] },
    { kind: "organisation", id: 4, names: ["CIFAL Jeju"] },
    { kind: "organisation", id: 5, names: ["United Nations Office on Drugs and Crime", "UNODC"] },
    { kind: "country", id: 1, names: ["Bangladesh", "BGD"] },
    { kind: "country", id: 2, names: ["Australia", "AUS"] },
    { kind: "country", id: 3, names: ["New Zealand", "NZ"] },
    { kind: "country", id: 4, names: ["Republic of Korea", "South Korea", "Korea"] },
    { kind: "country", id: 5, names: ["Democratic People's Republic of Korea", "DPRK"] },
  ];
  const ids = (who: string | null) => resolveWho(who, candidates).map((m) => `${m.kind}:${m.id}`);

  it("matches acronyms with their case, as whole words", () => {
    expect(resolveWho("RSO", candidates)).toEqual([{ kind: "organisation", id: 1, matched: "RSO" }]);
    expect(ids("IOM")).toEqual(["organisation:2"]);
    expect(ids("rso")).toEqual([]);
    expect(ids("IOMS, RSOX")).toEqual([]);
    expect(ids("RSO/IOM")).toEqual(["organisation:1", "organisation:2"]);
  });

  it("matches every name of a list, in order", () => {
    expect(resolveWho("Bangladesh, Australia, IOM", candidates)).toEqual([
      { kind: "country", id: 1, matched: "Bangladesh" },
      { kind: "country", id: 2, matched: "Australia" },
      { kind: "organisation", id: 2, matched: "IOM" },
    ]);
  });

  it("matches the working group by any of its names, names whatever their case", () => {
    expect(ids("TIPs WG")).toEqual(["organisation:3"]);
    expect(ids("TIPs Working Group")).toEqual(["organisation:3"]);
    expect(ids("TIP WG")).toEqual(["organisation:3"]);
    expect(ids("the trafficking in persons working group")).toEqual(["organisation:3"]);
  });

  it("leaves out remarks in brackets about funding or place", () => {
    expect(ids("RSO (NZ funded)")).toEqual(["organisation:1"]);
    expect(resolveWho("RSO & CIFAL- Jeju (South Korea)", candidates)).toEqual([
      { kind: "organisation", id: 1, matched: "RSO" },
      { kind: "organisation", id: 4, matched: "CIFAL- Jeju" },
    ]);
    expect(ids("CIFAL-Jeju and South Korea")).toEqual(["organisation:4", "country:4"]);
  });

  it("returns each candidate once and prefers the longer of overlapping names", () => {
    expect(ids("RSO, IOM, Regional Support Office")).toEqual(["organisation:1", "organisation:2"]);
    expect(ids("Democratic People’s Republic of Korea and Republic of Korea")).toEqual(["country:5", "country:4"]);
  });

  it("returns nothing for an empty who or unknown names", () => {
    expect(ids(null)).toEqual([]);
    expect(ids("Affected/interested Bali Process members")).toEqual([]);
  });
});
