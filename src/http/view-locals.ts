import type { RequestHandler } from "express";
import type { Config } from "../config";

/** Values every page uses: where we are, for navigation. */
export function viewLocals(config: Config): RequestHandler {
  return (req, res, next) => {
    res.locals.currentPath = req.path;
    res.locals.env = config.env;
    res.locals.section = req.path.split("/")[1] ?? "";
    next();
  };
}
