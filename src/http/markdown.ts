import { marked } from "marked";
import sanitizeHtml from "sanitize-html";

const allowed: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "h5", "a", "hr", "table", "thead", "tbody", "tr", "th", "td"],
  allowedAttributes: { a: ["href", "title", "rel"] },
  allowedSchemes: ["http", "https", "mailto"],
  transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "nofollow noopener" }), h1: "h3", h2: "h3" },
};

/** Markdown written by contributors, rendered to HTML that is safe to put in a page as it is. */
export function renderMarkdown(markdown: string | null | undefined): string {
  if (!markdown) return "";
  return sanitizeHtml(marked.parse(markdown, { async: false, gfm: true }), allowed);
}
