/**
 * `WWW-Authenticate` challenges (RFC 7235): `Bearer realm="…",service="…",scope="…"`
 * or `Basic realm="…"`; one header may carry several challenges.
 */
export interface Challenge {
  /** lowercased: `bearer`, `basic` */
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const out: Challenge[] = [];
  for (const h of Array.isArray(header) ? header : [header]) out.push(...parseOne(h));
  return out;
}

function parseOne(input: string): Challenge[] {
  const out: Challenge[] = [];
  let s = input.trim();
  let current: Challenge | undefined;
  while (s.length > 0) {
    const name = TOKEN.exec(s)?.[0];
    if (name === undefined) {
      s = s.slice(1).trimStart(); // stray separator
      continue;
    }
    const after = s.slice(name.length).trimStart();
    if (after.startsWith('=') && current) {
      let rest = after.slice(1).trimStart();
      let value: string;
      if (rest.startsWith('"')) {
        value = '';
        let i = 1;
        for (; i < rest.length && rest[i] !== '"'; i++) {
          if (rest[i] === '\\' && i + 1 < rest.length) i++;
          value += rest[i];
        }
        rest = rest.slice(i + 1);
      } else {
        value = TOKEN.exec(rest)?.[0] ?? '';
        rest = rest.slice(value.length);
      }
      current.params[name.toLowerCase()] = value;
      s = rest.trimStart().replace(/^,/, '').trimStart();
    } else {
      current = { scheme: name.toLowerCase(), params: {} };
      out.push(current);
      s = after.replace(/^,/, '').trimStart();
    }
  }
  return out;
}
