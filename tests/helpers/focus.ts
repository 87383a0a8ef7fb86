import type { Page } from "playwright-core";

/**
 * The focused element's ring and the colour behind it: the outline's colour against the nearest
 * ancestor background that is not transparent (the ring is drawn outside the element), as a WCAG
 * contrast ratio. Null when nothing is focused or it has no outline.
 */
export async function focusRingContrast(page: Page): Promise<{ element: string; ring: string; background: string; ratio: number } | null> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 2) return null;
    const rgb = (colour: string) => (colour.match(/[\d.]+/g) ?? []).map(Number);
    let node: HTMLElement | null = element.parentElement;
    let background = "rgb(255, 255, 255)";
    while (node) {
      const bg = getComputedStyle(node).backgroundColor;
      const parts = rgb(bg);
      if (parts.length >= 3 && (parts.length === 3 || parts[3] > 0)) {
        background = bg;
        break;
      }
      node = node.parentElement;
    }
    const luminance = ([r, g, b]: number[]) => {
      const channel = (c: number) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const a = luminance(rgb(style.outlineColor));
    const b = luminance(rgb(background));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    return { element: `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""} ${element.textContent?.trim().slice(0, 30) ?? ""}`, ring: style.outlineColor, background, ratio };
  });
}
