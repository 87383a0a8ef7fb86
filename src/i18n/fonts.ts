import path from "node:path";
import express, { type RequestHandler } from "express";

/**
 * Fonts for the scripts that devices in the region often lack (Khmer, Thai, Lao, Burmese,
 * Sinhala, Arabic), from Fontsource's Noto packages: only the script's own subset, as WOFF2,
 * served from the app's own files under /fonts/.
 */
export const FONT_PACKAGES = ["noto-sans-khmer", "noto-sans-thai", "noto-sans-lao", "noto-sans-myanmar", "noto-sans-sinhala", "noto-naskh-arabic"] as const;

const FILE = /^\/(noto-(?:sans-khmer|sans-thai|sans-lao|sans-myanmar|sans-sinhala|naskh-arabic))-(khmer|thai|lao|myanmar|sinhala|arabic)-(400|700)-normal\.woff2$/;

/** `/fonts/<package>-<subset>-<weight>-normal.woff2`, nothing else. */
export function fontFiles(production: boolean): RequestHandler {
  const roots = new Map(
    FONT_PACKAGES.map((name) => [
      name,
      express.static(path.dirname(require.resolve(`@fontsource/${name}/package.json`)) + "/files", { maxAge: production ? "30d" : 0, index: false, fallthrough: true }),
    ]),
  );
  return (req, res, next) => {
    const match = FILE.exec(req.path);
    const serve = match ? roots.get(match[1] as (typeof FONT_PACKAGES)[number]) : undefined;
    if (!serve) return next();
    serve(req, res, next);
  };
}
