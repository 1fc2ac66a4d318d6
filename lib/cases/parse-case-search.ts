/** `key:value` tokens the search box understands; anything else is free text. */
export const searchKeys = { ns: "namespace", pod: "pod", svc: "service", alert: "alertname", cluster: "cluster", team: "team" } as const;
export type SearchKey = keyof typeof searchKeys;

export type CaseSearch = { terms: Partial<Record<(typeof searchKeys)[SearchKey], string>>; words: string[] };

/** Split `ns:payments checkout "api down"` into field terms and free words (quotes keep a phrase together). */
export function parseCaseSearch(q: string): CaseSearch {
  const search: CaseSearch = { terms: {}, words: [] };
  for (const m of q.matchAll(/(\w+):("[^"]*"|\S+)|"([^"]*)"|(\S+)/g)) {
    const [, key, keyValue, phrase, word] = m;
    if (key && key.toLowerCase() in searchKeys) {
      const value = keyValue.replace(/^"|"$/g, "").trim();
      if (value) search.terms[searchKeys[key.toLowerCase() as SearchKey]] = value;
    } else {
      const text = (phrase ?? word ?? m[0]).trim();
      if (text) search.words.push(text);
    }
  }
  return search;
}
