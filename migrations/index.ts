import { InitialSchema1764300000000 } from "./1764300000000-InitialSchema";

/** Every migration, oldest first. Listed by hand so that the same list works from TypeScript sources and tests. */
export const migrations = [InitialSchema1764300000000];
