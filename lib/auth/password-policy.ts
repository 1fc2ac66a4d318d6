import { dictionary } from "@zxcvbn-ts/language-common";

export const passwordMinLength = 12;

let common: Set<string> | undefined;

const leet: Record<string, string> = { "@": "a", "4": "a", "8": "b", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t" };
const sequences = ["0123456789012345678901234567890", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnmqwertyuiop", "1qaz2wsx3edc4rfv5tgb6yhn7ujm"];

/** "P@ssw0rd2024!" → "password": the word under the usual decorations (case, leet, digits and symbols around it). */
function coreOf(password: string): string {
  const trimmed = password.replace(/[\d\W_]+$/u, "").replace(/^[\d\W_]+/u, "");
  return [...trimmed].map((c) => leet[c] ?? c).join("");
}

/**
 * Why a new local password is refused, or null: shorter than 12 characters, the username (however
 * decorated), one of the common passwords of public breach corpora (zxcvbn's list, ~30 000 entries)
 * or such a password with digits, symbols or leet around it, a repeated short pattern, or a run
 * along the keyboard, the alphabet or the digits.
 */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < passwordMinLength) return `at least ${passwordMinLength} characters`;
  const lower = password.normalize("NFKC").toLowerCase();
  const core = coreOf(lower);
  const user = username?.trim().toLowerCase();
  if (user && (lower === user || core === user || core === coreOf(user) || lower === [...user].reverse().join(""))) return "must not be the username";
  common ??= new Set(dictionary["passwords-common"]);
  if (common.has(lower) || common.has(core) || common.has(lower.replace(/[\s_-]+/g, ""))) return "is a commonly used password; choose a longer phrase of unrelated words";
  const repeated = /^(.{1,8}?)\1+$/u.exec(lower);
  if (repeated) return "repeats a short pattern";
  if (sequences.some((s) => s.includes(lower) || [...s].reverse().join("").includes(lower))) return "is a run of keyboard, alphabet or digit keys";
  return null;
}
