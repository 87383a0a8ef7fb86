import argon2 from "argon2";
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as english from "@zxcvbn-ts/language-en";
import { message } from "../../i18n/message";

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

const strength = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
});

/**
 * Why a password is refused, or null when it is acceptable: 12 to 128 characters, and not a common
 * or easily guessed one (zxcvbn's dictionaries of common passwords and words, and the user's own
 * name and email).
 */
export function passwordProblem(password: string, userInputs: string[] = []): string | null {
  if (password.length < PASSWORD_MIN) return message("validation.tooShort", { minimum: PASSWORD_MIN });
  if (password.length > PASSWORD_MAX) return message("validation.tooLong", { maximum: PASSWORD_MAX });
  const result = strength.check(password, userInputs.filter(Boolean));
  if (result.score < 3) return message("accounts.errors.weakPassword");
  return null;
}

// OWASP's recommended argon2id parameters: 19 MiB of memory, 2 passes, 1 lane.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when no account matches, so that both answers take the same time. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword("no account has this password, it only costs time");
  return dummy;
}
