/**
 * The wildcard matcher behind the emulators' pattern operators (HubSpot `*` in CONTAINS_TOKEN,
 * SOQL and SuiteQL `LIKE`). A two-pointer scan with one backtrack point instead of a RegExp, so
 * hostile patterns such as `%a%a%a...%b` run in O(pattern x text) and never backtrack
 * exponentially. Callers tokenise the pattern; `isRun` marks "any run of characters".
 */
export function wildcardMatch<T>(
  text: readonly string[],
  pattern: readonly T[],
  isRun: (token: T) => boolean,
  matchesOne: (token: T, ch: string) => boolean,
): boolean {
  let i = 0; // pattern
  let j = 0; // text
  let star = -1;
  let mark = 0;
  while (j < text.length) {
    const token = pattern[i];
    if (token !== undefined && !isRun(token) && matchesOne(token, text[j]!)) {
      i++;
      j++;
    } else if (token !== undefined && isRun(token)) {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else {
      return false;
    }
  }
  while (i < pattern.length && isRun(pattern[i]!)) i++;
  return i === pattern.length;
}
