import { stemmer as stemEn } from '@orama/stemmers/english';
import { stemmer as stemEs } from '@orama/stemmers/spanish';
import { stemmer as stemFr } from '@orama/stemmers/french';

/**
 * Tokenising for the text method: lower-case words, stop words and boilerplate out, Snowball stems in the text's
 * language (English, French, Spanish; other languages are tokenised without stemming).
 */
export type Lang = 'en' | 'fr' | 'es' | 'other';

export interface Token {
  stem: string;
  /** The word as written, for evidence ("gender-based violence"). */
  surface: string;
  /** Character offsets in the source text, to rebuild phrases. */
  start: number;
  end: number;
}

const STOP: Record<Exclude<Lang, 'other'>, string> = {
  en: `a about above after again against all also am an and any are as at be because been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her here hers him his how
    i if in into is it its itself just more most no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them then there these they this those through to too under until up upon
    very was we were what when where which while who whom why will with would you your within without via per etc well
    among amongst across along around including includes include inter alia whereas whether thereby therein thus hence yet`,
  fr: `a au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me même mes moi mon ne nos notre
    nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y été
    être est sont ont a avoir fait faire plus ainsi afin dont entre ceux cette cet leurs selon lors via`,
  es: `a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el ella ellas ellos en
    entre era es esa esas ese eso esos esta estas este esto estos fue ha han hasta la las le les lo los mas me mi mis muy
    ni no nos o otra otros para pero por que quien se sea ser si sin sobre su sus también tanto te tu un una uno unos y ya`,
};

/**
 * Words that carry no topic in either corpus: the COVID-19 framing every bundled activity shares, aid-project words,
 * and the verbs recommendations are phrased with ("take measures to", "continue its efforts"). Stems, English only:
 * in other languages the corpus statistics (IDF) take care of the same words.
 */
const BOILERPLATE_WORDS = `covid covid19 coronavirus corona pandemic pandemi sars cov ncov virus outbreak crisis crises emergency response respond
  project projects programme programmes program programs support supporting supported activity activities phase component
  components grant grants fund funding funded funds partner partners partnership implementation implement implementing
  implemented intervention interventions result results output outputs outcome outcomes objective objectives aim aims
  goal overall contribute contribution contributing improve improved improving strengthen strengthening strengthened
  enhance enhancing enable ensure ensuring take taken taking measure measures step steps effort efforts continue
  continued continuing further consider considering necessary appropriate effective effectively adopt adopted pursue
  pursuing undertake redouble intensify promote promoting promotion provide providing provision increase increasing
  new national government state states country countries kenya kenyan uganda ugandan nepal bangladesh colombia africa
  african east eastern region regional year years month months date end start investment grantee name usd eur
  million mn particular particularly view especially notably relevant related regard regarding various specific within
  level levels area areas key also use using used
  develop developing place follow form issue issues long item role process processes seek seeking international
  community communities assistance technical financial cooperation capacity capacities build building`;

/**
 * Broad words: they say which neighbourhood a text is in, not what it asks or does. The judging guideline names
 * some (rule 2: capacity, institutions, community, rights, vulnerable, policy); groups of people are the same (rule 7:
 * serving women or children is not enough, it must be on what the recommendation asks), and so are the words
 * recommendations frame their ask with (attention, emphasis, account, priority, plan, system). They still count in
 * the BM25 score, but text evidence needs a shared *specific* term: the recommendation's object (witnesses,
 * reproductive, curricula, poverty, water), not only its frame.
 */
const BROAD_WORDS = `right rights human humane capacity capacities institution institutions institutional vulnerable vulnerability
  marginalized marginalised disadvantaged poor poorest needy policy policies access accessible service services public
  population populations people persons person individuals individual group groups member members citizen citizens
  women woman girls girl children child youth men society
  protection protect protected protecting respect account attention emphasis awareness address addressing request
  need needs priority priorities comprehensive system systems framework frameworks mechanism mechanisms plan plans
  action actions strategy strategies practice practices order accordance commit committed devote identified fully
  establish establishing established all full adequate adequately sufficient quality equal equitable inclusive basic
  general overall standard standards principle principles concern concerned matter matters case cases aspect aspects
  particular effort life lives living way ways means part
  recommendation recommendations proposal proposals general`;

const NUMBER = /^\d+$/;
const WORD = /[\p{L}\p{N}]+/gu;

const stemmers: Record<Lang, (w: string) => string> = {
  en: stemEn,
  fr: stemFr,
  es: stemEs,
  other: (w) => w,
};

const stopSets = Object.fromEntries(
  Object.entries(STOP).map(([k, v]) => [k, new Set(v.split(/\s+/).filter(Boolean))]),
) as Record<Exclude<Lang, 'other'>, Set<string>>;

const boilerplateWords = new Set(BOILERPLATE_WORDS.split(/\s+/).filter(Boolean));
const boilerplateStems = new Set([...boilerplateWords].map((w) => stemEn(w)));
const broadStems = new Set(BROAD_WORDS.split(/\s+/).filter(Boolean).map((w) => stemEn(w)));

/**
 * What an activity's text says about its own money and its record, not about its work: "a budget of £1,000,000", "a
 * total budget of US$ 20.0 million", "Sweden's share of the budget is 70%", and FCDO's component template ("with a
 * funding type of 'Multilateral organisation'", "works in the following sector(s): Education policy and
 * administrative management, …": the record's DAC codes in words, which the sector-theme method already reads). Cut
 * before tokenising: a recommendation to raise the health budget is not supported by a record that states its own
 * budget, nor one on education policy by a record whose sector list names it.
 */
const OWN_MONEY = [
  /\b(?:[\w']+\s+)?share\s+of\s+the\s+budget\s+is\s+[\d.,]+\s?%/gi,
  /\b(?:with\s+)?(?:(?:a|an|the|its|total|overall|estimated|final|negotiated)\s+)*budget\s+(?:of|is(?:\s+estimated)?(?:\s+to)?|amounts?\s+to|:)\s*(?:[A-Z]{3}|US\$|[£$€])?\s?\d[\d.,\s]*(?:million|billion|bn|m|MSEK|SEK|USD|EUR|GBP)?\b/gi,
  /\bwith\s+a\s+funding\s+type\s+of\s+'[^']*'/gi,
  /\bworks\s+in\s+the\s+following\s+sector\(s\):[^.]*\./gi,
];
export function withoutOwnMoney(text: string): string {
  let out = text;
  for (const re of OWN_MONEY) out = out.replace(re, ' ');
  return out;
}

/** Whether an English stem is a broad word (see BROAD_WORDS); in other languages every term counts as specific. */
export function isBroad(stem: string): boolean {
  return broadStems.has(stem);
}

/** The stemmer's output for one word, memoised: the same few thousand words come back in every document. */
const stemCache = new Map<string, string>();
function stemOf(word: string, lang: Lang): string {
  const key = lang + ':' + word;
  let s = stemCache.get(key);
  if (s === undefined) {
    s = stemmers[lang](word);
    if (stemCache.size < 500_000) stemCache.set(key, s);
  }
  return s;
}

/** Language of a narrative: its xml:lang when it is one we stem, else a stop-word vote, else English. */
export function detectLang(text: string, declared?: string | null): Lang {
  const d = declared?.toLowerCase().slice(0, 2);
  if (d === 'en' || d === 'fr' || d === 'es') return d;
  if (d && d !== '') return 'other';
  const words = text.toLowerCase().match(WORD)?.slice(0, 200) ?? [];
  const votes = { en: 0, fr: 0, es: 0 };
  for (const w of words) for (const l of ['en', 'fr', 'es'] as const) if (stopSets[l].has(w)) votes[l]++;
  const best = (Object.entries(votes) as [keyof typeof votes, number][]).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] >= 2 ? best[0] : 'en';
}

export interface TokeniseOptions {
  /** Plain baseline: no stemming and no boilerplate list (stop words only). */
  stem?: boolean;
  boilerplate?: boolean;
}

/** "AIDS" written in capitals, or "aids"/"Aids" right after "HIV" (HIV/AIDS, HIV-AIDS, HIV and AIDS): the disease. */
function isDisease(text: string, surface: string, at: number): boolean {
  return surface === 'AIDS' || /\bhiv\W{0,3}(and\s+)?$/i.test(text.slice(Math.max(0, at - 9), at));
}

/** The content tokens of a text: no stop words, no numbers, no single letters, no boilerplate. */
export function tokenise(text: string, lang: Lang, opts: TokeniseOptions = {}): Token[] {
  const stem = opts.stem ?? true;
  const boilerplate = opts.boilerplate ?? true;
  const stop = lang === 'other' ? undefined : stopSets[lang];
  const out: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const surface = m[0];
    const w = surface.toLowerCase();
    if (w.length < 2 || NUMBER.test(w) || stop?.has(w) || stopSets.en.has(w)) continue;
    if (boilerplate && boilerplateWords.has(w)) continue;
    // The disease is not the verb: Snowball stems "AIDS" (HIV/AIDS) to "aid", the word of every humanitarian text.
    const s = stem ? (w === 'aids' && isDisease(text, surface, m.index!) ? 'aids' : stemOf(w, lang)) : w;
    if (boilerplate && boilerplateStems.has(s)) continue;
    out.push({ stem: s, surface, start: m.index!, end: m.index! + surface.length });
  }
  return out;
}

/** Term frequencies of a token list. */
export function termFrequencies(tokens: Token[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of tokens) tf.set(t.stem, (tf.get(t.stem) ?? 0) + 1);
  return tf;
}

/**
 * The shared terms of a recommendation as it writes them, adjacent ones joined into phrases
 * ("gender-based violence", "survivors"), in order of appearance.
 */
export function sharedPhrases(text: string, tokens: Token[], shared: Set<string>, max = 6): string[] {
  const phrases: string[] = [];
  const seen = new Set<string>();
  let i = 0;
  while (i < tokens.length && phrases.length < max) {
    if (!shared.has(tokens[i]!.stem)) {
      i++;
      continue;
    }
    let j = i;
    // Join the next shared token when only spaces or hyphens separate them.
    while (j + 1 < tokens.length && shared.has(tokens[j + 1]!.stem) && /^[\s\-‐–]*$/.test(text.slice(tokens[j]!.end, tokens[j + 1]!.start))) j++;
    const phrase = text.slice(tokens[i]!.start, tokens[j]!.end).toLowerCase();
    if (!seen.has(phrase)) {
      seen.add(phrase);
      phrases.push(phrase);
    }
    i = j + 1;
  }
  return phrases;
}
