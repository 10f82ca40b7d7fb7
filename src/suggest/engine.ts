import { Bm25Index } from './bm25.js';
import { matchSdg, sdgEvidence, sdgSide, type SdgSide } from './sdg.js';
import { applyVariants, impliedTokens, loadConcepts, type Concepts } from './concepts.js';
import { activityFields, broadAsk, FIELDS, GROUPS, mainPurposeText, purposeSpan, subjectGroups, type BroadAsk } from './fields.js';
import { loadCrosswalk, themesOf, type Crosswalk, type SectorThemeHit } from './sector-theme.js';
import { detectLang, isBroad, sharedPhrases, termFrequencies, tokenise, withoutOwnMoney, type Lang, type Token } from './text.js';

/**
 * The suggestion engine: scores every (activity, recommendation) pair of one country with three explainable methods
 * and combines them. Pure TypeScript over plain objects; the database side (src/modules/suggestions) loads the
 * country with a few set-based queries and stores the result in bulk.
 */
export const METHODS = ['sdg-match', 'sector-theme', 'text'] as const;
export type Method = (typeof METHODS)[number];

export interface EngineActivity {
  id: string;
  /** Titles and descriptions, each with its xml:lang. */
  narratives: { kind: 'title' | 'description'; lang: string | null; text: string }[];
  /** DAC purpose codes: 5-digit (vocabulary 1) and 3-digit (vocabulary 2). */
  dacCodes: string[];
  sdgTargets: string[];
  sdgGoals: string[];
  /** Its recipient countries (ISO alpha-2), when known: more than one makes it a multi-country activity (rule 8). */
  countries?: string[];
}

export interface EngineRecommendation {
  id: string;
  text: string;
  themes: string[];
  sdgTargets: string[];
  sdgGoals: string[];
}

/** The run's country: its code and its names (ISO name first, then aliases), for rule 8. */
export interface EngineCountry {
  code: string;
  names: readonly string[];
}

export interface EngineParams {
  /** Pairs whose combined score is below the floor are not stored. */
  floor: number;
  /** At most this many suggestions per activity (the best ones). */
  maxPerActivity: number;
  /** A normalised BM25 score at or above this counts as full text evidence. */
  textFull: number;
  /** The text method needs at least this many distinct shared terms ("sharing a word is not enough"). */
  minSharedTerms: number;
  /** …of which at least this many are specific (not broad words: rights, women, policy, access…; text.ts). */
  minSpecificTerms: number;
  /** …and at least this many when no direct crosswalk row corroborates the pair. */
  minSpecificTermsAlone: number;
  /** With one specific term, the share of the recommendation's specific IDF mass it must carry. */
  minCoverage: number;

  /** A pair is kept only when its score is at least this share of its recommendation's best pair in the country. */
  recRelative: number;
  /** Terms found in more than this share of the country's activities are not text evidence (COVID-19 framing, "health"). */
  maxDf: number;
  /** The text score's denominator is at least this many saturated terms of IDF 3, so short queries do not score high on two words. */
  minQueryTerms: number;
  /** Score multiplier for activities whose own text says they are research (guideline rule 4). */
  researchFactor: number;
  /** Weight of a direct and a partial crosswalk entry. */
  sectorDirect: number;
  sectorPartial: number;
  /**
   * Sector-theme calibrated by how generic the theme is in the country: a theme carried by more than this share of
   * the country's recommendations (UPR Info's "Justice" covers ICC cooperation, police reform and witness protection
   * alike) says less about which of them an activity supports, and its crosswalk rows score
   * log(1/share) / log(1/recThemeBreadth) of their weight (and a row so scaled no longer stands in for a second
   * specific shared term). 0 turns the calibration off.
   */
  recThemeBreadth: number;
  /**
   * Guideline rule 4 (src/suggest/fields.ts): a recommendation asking broadly for a field (education, health services,
   * food, poverty, water) and an activity whose title or opening delivers that field score this much, as sector-theme
   * evidence when the activity has a direct crosswalk row to the field's theme, else as text evidence; such pairs are
   * not cut by `recRelative` (every activity delivering the field supports the broad ask alike). 0 turns it off.
   */
  fieldScore: number;
  /**
   * A pair that only the text method finds (no crosswalk row, no SDG target, no rule-4 field: one method, uncorroborated)
   * is kept only at this score or above. 0 leaves it to the floor.
   */
  textAloneFloor: number;
  /**
   * Rules 1 and 2 ("the thing the recommendation is about", "sharing a word is not enough"): a pair resting on shared
   * words and the crosswalk (no rule-4 field, no SDG target) that scores below this is kept only when the activity's
   * main purpose — its titles and the opening of its descriptions (`mainPurposeText`) — names one of the
   * recommendation's specific terms. A word met further down a description is context ("schools closed", "an analysis
   * of the linkages between gender, disability, health and nutrition"), not what the activity does. 0 turns it off.
   */
  purposeBelow: number;
  /** How much a method's score counts in the combination (noisy-or of weighted scores). */
  weights: Record<Method, number>;
}

export const DEFAULT_PARAMS: EngineParams = {
  floor: 0.44,
  maxPerActivity: 6,
  textFull: 0.45,
  minSharedTerms: 2,
  minSpecificTerms: 1,
  minSpecificTermsAlone: 2,
  minCoverage: 0.05,
  recRelative: 0.7,
  maxDf: 0.4,
  minQueryTerms: 6,
  researchFactor: 0.5,
  sectorDirect: 0.4,
  sectorPartial: 0.15,
  recThemeBreadth: 0.1,
  fieldScore: 0.5,
  textAloneFloor: 0.6,
  purposeBelow: 0.5,
  weights: { 'sdg-match': 1, 'sector-theme': 1, text: 1 },
};

export interface MethodEvidence {
  score: number;
  /** One line a person can check: "SDG 5.2 on both", "DAC 15180 ↔ Women's rights", "shared terms: …". */
  summary: string;
  detail?: unknown;
}

export interface ScoredPair {
  activityId: string;
  recommendationId: string;
  score: number;
  methods: Method[];
  evidence: Partial<Record<Method, MethodEvidence>> & { note?: string };
}

export interface EngineResult {
  pairs: ScoredPair[];
  /** Activities × recommendations: every pair in scope. */
  pairsConsidered: number;
  /** Pairs scored in full: those that some method could lift to the floor. */
  pairsScored: number;
}

// ------------------------------------------------------------------ recommendation kinds

/**
 * What a recommendation asks for, when it is a State act that only work on exactly that can support: ratifying,
 * inviting a mechanism, reporting, legislating. For those, an activity counts only when its own text names that act.
 */
export type RecommendationKind = 'ratify' | 'invite' | 'report' | 'legislate' | 'international' | 'other';

const KIND_PATTERNS: [Exclude<RecommendationKind, 'other'>, RegExp][] = [
  ['ratify', /\b(ratif\w*|accede|accession|become a party|sign and ratify|withdraw\w* (its )?reservations?)\b/i],
  ['invite', /\b(standing invitation|extend an invitation|invite the special|issue an invitation)\b/i],
  ['report', /\b(submit|overdue)\b[^.]*\breports?\b/i],
  // The review itself is a State act of the same kind (twenty-first round): taking part in the UPR's follow-up, engaging
  // civil society in implementing its recommendations, reporting to and cooperating with the treaty bodies and special
  // procedures. Funding civil society does not advance "the full participation of NGOs … in the follow up to this
  // universal periodic review"; work that names the review, the treaty bodies or the special procedures can.
  ['report', /\b(universal periodic review|UPR)\b|\bfollow[- ]up (to|of) (this|the) review\b/i],
  ['report', /\breport(ing)? (obligations|capacit\w+)\b|\breporting to\b|\bpreparation of (national )?(human rights )?reports\b|\bcooperat(e|ion|ing) with (the )?(UN |United Nations )?(human rights )?(treaty bodies|special procedures|(international )?(human rights )?(monitoring )?mechanisms)\b/i],
  [
    'legislate',
    /^(urgently |swiftly |promptly )?(adopt|enact|amend|repeal|revise|review|introduce|pass|harmoni[sz]e|abrogate)\b[^,;]*\b(legislation|legislative|laws?|bill|penal code|act|provisions|constitution)\b|^(decriminali[sz]e|criminali[sz]e|abolish the death penalty|raise the (minimum )?age|(remove|lift|eliminate) (all )?criminal (penalties|sanctions))/i,
  ],
  // Bringing laws or policies into conformity with a treaty is the same kind of State act as harmonising them
  // ("ensure that public policies for combating poverty are in accordance with the Covenant"): it asks for work on
  // the legal and policy framework, not for the policies' services.
  ['legislate', /\b(laws?|legislation|polic(y|ies))\b[^.;]*\b(in (accordance|conformity|compliance|line) with|compatible with|consistent with)\b[^.;]*\b(Covenant|Convention|Charter|international (standards|law|obligations))/i],
  // The State's role abroad: pursuing an issue within the Human Rights Council, sharing its experience with other
  // countries (as the recommendation's main ask: "Share its experience and best practices in realization of the right
  // to food … with other developing countries"; not "continue its poverty policies … and share its experiences").
  // Aid in the country does not advance that; an activity that names such exchange does.
  ['international', /^(\w+ ){0,3}shar(e|ing)\b[^.;]*\b(experiences?|practices)\b|\b(within|in|at) the Human Rights Council\b/i],
];

/** What a recommendation of each kind asks the State to do, for the evidence's note. */
const KIND_ASKS: Record<Exclude<RecommendationKind, 'other'>, string> = {
  ratify: 'ratify',
  invite: 'invite',
  report: 'report to the UN human rights mechanisms or follow up their review',
  legislate: 'legislate',
  international: 'act abroad (at the Human Rights Council, sharing its experience)',
};

/** The cue an activity's text must carry to support a recommendation of that kind. */
export const KIND_CUES: Record<Exclude<RecommendationKind, 'other'>, RegExp> = {
  ratify: /\b(ratif\w*|accession|accede)\b/i,
  invite: /\b(special rapporteur|special procedures?|invitation)\b/i,
  report: /\b(treaty bod(y|ies)|universal periodic review|upr|periodic report\w*|concluding observations|special procedures|special rapporteurs?|human rights mechanisms)\b/i,
  legislate: /\b(legislation|legislative|law reform|laws?|bills?|legal framework|penal code|decriminali[sz]\w*|criminali[sz]\w*)\b/i,
  international: /\b(Human Rights Council|south[- ]south|experience[- ]sharing|shar(e|ing) (its |their )?(experiences?|best practices|good practices|lessons))\b/i,
};

/**
 * Mortality is the recommendation's ask ("sustain the achievements in reducing child and infant mortality", "receive
 * the assistance it requires … to develop the health sector in order to reduce the child mortality rate") — not one
 * item of a list of asks ("to reduce maternal mortality, to improve life conditions of persons with disabilities and
 * to address …"), nor a particular of broad health services ("providing quality health facilities and services,
 * particularly to address maternal and child mortality rates"), nor one aim of a programme against named diseases: the
 * judges took general health services to support those.
 */
function mortalityAsk(re: RegExp): RegExp {
  return new RegExp(`^(?![^.]*\\bservices, (particularly|in particular)\\b)(?![^.]*\\bmortality, to\\b)(?![^.]*\\b(malaria|tuberculosis|HIV)\\b)[^]*${re.source}`, 'i');
}

/**
 * Guideline rule 6, "specific issues need the issue": a recommendation that names one of these issues is supported
 * only by an activity whose own text names it too (a general gender-based violence programme does not support
 * "eliminate FGM"; child nutrition does not support "care and protection for street children"). The list is the
 * guideline's own: female genital mutilation, child labour, trafficking, street children, juvenile justice, witness
 * protection, the ICC, police oversight, internally displaced persons, the death penalty. When a recommendation names
 * several, the activity must name at least one.
 */
export const SPECIFIC_ISSUES: { issue: string; recommendation: RegExp; activity: RegExp }[] = [
  { issue: 'female genital mutilation', recommendation: /\b(genital mutilation|FGM)\b/i, activity: /\b(genital (mutilation|cutting)|FGM(\/C)?)\b/i },
  { issue: 'child labour', recommendation: /\bchild labou?r\b/i, activity: /\b(child labou?r|working children|child workers?)\b/i },
  { issue: 'trafficking', recommendation: /\btraffick\w*/i, activity: /\btraffick\w*/i },
  {
    issue: 'street children',
    recommendation: /\bstreet children\b/i,
    activity: /\b(street[- ](children|connected|families|youths?|kids)|children (living|working) (on|in) the streets?)\b/i,
  },
  { issue: 'juvenile justice', recommendation: /\bjuveniles?\b/i, activity: /\b(juveniles?|child justice|children in conflict with the law)\b/i },
  { issue: 'witness protection', recommendation: /\bwitness(es)?\b/i, activity: /\bwitness(es)?\b/i },
  {
    issue: 'International Criminal Court',
    recommendation: /\b(International Criminal Court|ICC|Rome Statute)\b/,
    activity: /\b(International Criminal Court|ICC|Rome Statute)\b/,
  },
  { issue: 'police oversight', recommendation: /\bpolice oversight\b/i, activity: /\b(police oversight|oversight of (the )?police|IPOA)\b/i },
  {
    issue: 'internally displaced persons',
    recommendation: /\b(internally displaced|internal displacement|IDPs?)\b/i,
    activity: /\b(internally displaced|internal displacement|IDPs?|displaced (persons|people|populations|households|families))\b/i,
  },
  { issue: 'death penalty', recommendation: /\b(death penalty|capital punishment)\b/i, activity: /\b(death penalty|capital punishment|death row)\b/i },
  // Beyond the guideline's examples, the same rule: the recruitment of children by armed groups and the
  // demobilisation of combatants (Colombia) are issues an education or child-protection programme must name.
  {
    issue: 'recruitment of children and demobilisation',
    recommendation: /\b(forced recruitment|recruitment of (children|minors)|child soldiers|demobili[sz]\w*)\b/i,
    activity: /\b(recruitment|child soldiers|demobili[sz]\w*|reincorporation|reintegration of (children|ex-combatants|former combatants)|reclutamiento|desmovilizaci[óo]n|reincorporaci[óo]n)/i,
  },
  // Twenty-second round, in the same spirit (each an object the judges required the activity to name): maternal and
  // child mortality when they are the ask (`mortalityAsk`); health information systems (a health programme is not
  // one); torture and its national preventive mechanism (prison conditions or eye care are not); the training of
  // military personnel for peace missions; school meals; attacks on journalists (training journalists to report on
  // COVID-19 does not protect them); the violence after an election.
  {
    issue: 'maternal mortality',
    recommendation: mortalityAsk(/\bmaternal (\w+ ){0,3}mortality\b/),
    activity: /\b(maternal|mothers?|pregnan\w*|antenatal|ante-natal|prenatal|postnatal|post-natal|obstetric\w*|midwi\w*|childbirth|birth attendan\w*|safe motherhood|RMNCA?H|MNCH|newborns?|neonatal)\b/i,
  },
  {
    issue: 'child mortality',
    recommendation: mortalityAsk(/\b(child|infant|under-five|under five|neonatal|newborn) (\w+ ){0,2}mortality\b/),
    activity: /\b(child health|child survival|infants?|newborns?|neonatal|under[- ]fives?|immuni[sz]\w*|vaccinat\w*|malnutrition|RMNCA?H|MNCH|pneumonia|diarrh\w*|maternal and child|mother and child|mothers and children)\b/i,
  },
  {
    issue: 'health information systems',
    recommendation: /\bhealth information systems?\b/i,
    activity: /\b(health information|HMIS|DHIS\w*|data systems?|health data|information systems?|information management|(use|using) (of )?data|digital health|e-?health|data collection|disaggregated data)\b/i,
  },
  {
    issue: 'torture',
    recommendation: /\b(torture|national prevent(ive|ion) mechanism|OP-?CAT)\b/i,
    activity: /\b(torture|tortura|ill[- ]treatment|preventive mechanism|OP-?CAT|cruel, inhuman|inhuman or degrading)\b/i,
  },
  {
    issue: 'peace missions',
    recommendation: /\b(peace(keeping)? missions?|peacekeep\w*|military personnel)\b/i,
    activity: /\b(peace(keeping)? missions?|peacekeep\w*|military|armed forces|soldiers)\b/i,
  },
  {
    issue: 'school meals',
    recommendation: /\bschool (meals?|feeding|lunch\w*)\b/i,
    activity: /\b(school (meals?|feeding|lunch\w*)|meals?|feeding|alimentaci[óo]n escolar|cantines? scolaires?)\b/i,
  },
  {
    issue: 'attacks on journalists',
    recommendation: /\b(attacks?|threats?|intimidation|harassment|killings?|violence)\b[^.;]{0,40}\b(on|against|of|towards) journalists\b/i,
    activity: /\b((safety|protection|security) of (journalists|the media)|(journalists'?|media) (safety|protection|security)|press freedom|freedom of (the )?press|media freedom|attacks? on journalists|impunity)\b/i,
  },
  {
    issue: 'post-election violence',
    recommendation: /\bpost[- ]election\b/i,
    activity: /\b(post[- ]election|election[- ]related violence|electoral violence)\b/i,
  },
];

/** The specific issues (rule 6) a recommendation names: indexes into SPECIFIC_ISSUES. */
export function recommendationIssues(text: string): number[] {
  return SPECIFIC_ISSUES.flatMap((x, k) => (x.recommendation.test(text) ? [k] : []));
}

/**
 * The titles of the core human rights instruments. A recommendation that names one ("public policies for combating
 * poverty in accordance with the International Covenant on Economic, Social and Cultural Rights") is not about the
 * words of its title: a youth-inclusion project sharing "economic" and "social" with it shares the treaty's name, not
 * the recommendation's object (guideline rules 1 and 2). The same holds for the names of the bodies that monitor them
 * (the African Commission on Human and Peoples' Rights, the Human Rights Council, the treaty committees). Words that a
 * recommendation writes only inside such a title
 * count in the BM25 score but are not specific shared terms (as the broad words of text.ts).
 */
const INSTRUMENT_TITLES =
  /\b(International Covenant on (Economic, Social and Cultural|Civil and Political) Rights|(International )?Convention (on|for|against) (the )?(Elimination of All Forms of (Racial )?Discrimination( against Women)?|Rights of (the Child|Persons with Disabilities)|Torture and Other Cruel, Inhuman or Degrading Treatment or Punishment|Protection of (the Rights of )?All (Persons from Enforced Disappearance|Migrant Workers and Members of Their Families))|Universal Declaration of Human Rights|African Charter on (Human and Peoples' Rights|the Rights and Welfare of the Child)|African Commission on Human and Peoples' Rights|Human Rights (Council|Committee)|Committee (on|against) (the )?(Rights of the Child|Elimination of (Racial )?Discrimination( against Women)?|Economic, Social and Cultural Rights|Torture))/gi;

/** Stems a recommendation writes only inside an instrument's title. */
export function instrumentOnlyStems(text: string, tokens: Token[]): Set<string> {
  const spans = [...text.matchAll(INSTRUMENT_TITLES)].map((m) => [m.index!, m.index! + m[0].length] as const);
  if (!spans.length) return new Set();
  const inside = new Set<string>();
  const outside = new Set<string>();
  for (const t of tokens) (spans.some(([a, b]) => t.start >= a && t.end <= b) ? inside : outside).add(t.stem);
  return new Set([...inside].filter((s) => !outside.has(s)));
}

export function recommendationKind(text: string): RecommendationKind {
  for (const [kind, re] of KIND_PATTERNS) if (re.test(text.trim())) return kind;
  return 'other';
}

// ------------------------------------------------------------------ activity scope

/**
 * Guideline rule 4: research, surveys, studies and analyses (also in French and Spanish) do not deliver what a
 * recommendation asks. Such pairs are kept, with a lower score. (A like penalty for global and many-country frames was
 * measured on Kenya twice, on the first judged pool and on the enlarged one, and cost as much recall as it gained
 * precision; it is not applied.)
 */
const RESEARCH =
  /(?<![\p{L}])(research\w*|stud(y|ies)|survey\w*|seroprevalence|surveillance|cohort|epidemiolog\w*|documenting|assessing|(impact|socio-?economic) assessments?|inception[- ]phase|(seeks?|aims?) to understand|understanding how|analy[sz]\w*|recherche\w*|[ée]tudes?|enqu[êe]tes?|investigaci[óo]n\w*|estudios?|encuestas?)(?![\p{L}])/iu;

/**
 * Frame grants and budget support: one text for a whole portfolio (Sida publishes a CSO's frame grant once per DAC
 * code, each record with the frame's full text), so a sector code and a word of the text need not be about the same
 * work. For them a crosswalk row does not stand in for a second specific term.
 */
const FRAME = /\b(frame(work)?( (support|grant|agreement))? \d{4}|frame(work)? (support|grant|agreement)|budget support|core support|rambidrag)\b/i;

/**
 * Budget support said anywhere in the activity's text (AfDB's "Crisis Response Budget Support" is named in a
 * description, under a title that says "Emergency Response Support Program"): the money goes to the State's budget,
 * so the record's sector code and a word of its text describe the budget's headings, not work the activity does.
 */
const BUDGET_SUPPORT = /(?<![\p{L}])(budget(ary)? support|appui budg[ée]taire|apoyo presupuestario|budgetst[öo]d)(?![\p{L}])/iu;

/**
 * The project says anywhere in its text that what it does is research: "This project will study the linkages…",
 * "Ce projet explorera…", "Este proyecto investigará…" (a research funder's grants open on the problem, not on the
 * method; the sentence that says what the project does comes later).
 */
const PROJECT_RESEARCH =
  /\b(this|the) (project|research|study|initiative|grant)(, [^.;]{1,160}?,)? ((will|seeks to|aims to|is designed to) (study|examine|explore|investigate|analy[sz]e|document|assess|map|understand|identify (the )?gaps|(generate|produce|provide|build) (the )?(evidence|knowledge)|(support|fund|conduct|carry out|undertake) research|research)|(studies|examines|explores|investigates|analy[sz]es|documents|identifies (the )?gaps|(generates|produces|provides|builds) (the )?(evidence|knowledge)))\b|\b(ce|le) (projet|programme)(, [^.;]{1,160}?,)? (va )?(étudiera|examinera|explorera|analysera|étudier|examiner|explorer|analyser)\b|\b(este|el) proyecto(, [^.;]{1,160}?,)? (va a )?(estudiará|investigará|analizará|examinará|explorará|estudiar|investigar|analizar)/iu;

export function activityScope(text: string, title = text, all = ''): { research: boolean; frame: boolean } {
  return { research: RESEARCH.test(text) || PROJECT_RESEARCH.test(all), frame: FRAME.test(title) || BUDGET_SUPPORT.test(all) };
}

// ------------------------------------------------------------------ preparation

export interface PreparedActivity {
  id: string;
  text: string;
  lang: Lang;
  tf: Map<string, number>;
  sdg: SdgSide;
  themes: Map<string, SectorThemeHit[]>;
  scope: { research: boolean; frame: boolean };
  /** Terms its text implies without writing them (term-concepts.csv `implies`): stem → the phrase that implied it. */
  implied: Map<string, string>;
  /** Rule 4: the fields its main purpose delivers and the groups its text names (src/suggest/fields.ts). */
  fields: number[];
  groups: number[];
  /** Its titles and the openings of its descriptions (what it is). */
  purpose: string;
  /** The stems of its main purpose (titles, openings of descriptions) in its text's language: rules 1 and 2. */
  purposeStems: Set<string>;
  /** The themes it has a direct crosswalk row to. */
  directThemes: Set<string>;
}

export interface PreparedRecommendation {
  id: string;
  text: string;
  tokens: Token[];
  kind: RecommendationKind;
  /** Rule 6: the specific issues it names (indexes into SPECIFIC_ISSUES). */
  issues: number[];
  /** Rule 7: the groups it is about (indexes into GROUPS): the activity's text must name one of them. */
  groups: number[];
  /** Stems written only inside an instrument's title: not specific shared terms. */
  titleOnly: Set<string>;
  sdg: SdgSide;
  themes: string[];
  /** Rule 4: the fields it asks for broadly, and the groups it names. */
  broad: BroadAsk;
}

/**
 * The activity's text: its English narratives when it has any (the recommendations are in English), else those of
 * its main language. Titles count twice: they say what the activity is about.
 */
function activityText(a: EngineActivity, concepts: Concepts): { text: string; lang: Lang; tokens: Token[]; implied: Map<string, string>; purposeStems: Set<string> } {
  const withLang = a.narratives
    .filter((n) => n.text.trim())
    .map((n) => ({ ...n, l: detectLang(n.text, n.lang) }));
  const langs = new Map<Lang, number>();
  for (const n of withLang) langs.set(n.l, (langs.get(n.l) ?? 0) + n.text.length);
  const lang: Lang = langs.has('en') ? 'en' : ([...langs].sort((x, y) => y[1] - x[1])[0]?.[0] ?? 'en');
  const chosen = withLang.filter((n) => n.l === lang);
  const tokens: Token[] = [];
  const literal = new Set<string>();
  const implied = new Map<string, string>();
  const parts: string[] = [];
  const seenText = new Set<string>();
  const purposeStems = new Set<string>();
  for (const n of chosen) {
    if (seenText.has(n.text)) continue; // descriptions often repeat the title
    seenText.add(n.text);
    parts.push(n.text);
    const cut = withoutOwnMoney(n.text);
    const toks = tokenise(cut, lang);
    // Its main purpose: a title, or the opening of a description (the span rule 4 reads); implied terms count by
    // where their phrase stands in the text.
    const head = purposeSpan({ kind: n.kind, text: cut });
    if (lang === 'en') {
      applyVariants(toks, concepts);
      for (const t of toks) literal.add(t.stem);
      for (const t of impliedTokens(n.text, concepts)) {
        toks.push(t);
        if (!implied.has(t.stem)) implied.set(t.stem, t.surface.toLowerCase());
      }
    }
    tokens.push(...toks);
    if (n.kind === 'title') tokens.push(...toks);
    for (const t of toks) if (t.start < head) purposeStems.add(t.stem);
  }
  // A term the text also writes itself is not shown as implied.
  for (const st of literal) implied.delete(st);
  return { text: parts.join('\n'), lang, tokens, implied, purposeStems };
}

export function prepareActivities(acts: EngineActivity[], cw: Crosswalk, methods: Set<Method>, concepts: Concepts = loadConcepts()): PreparedActivity[] {
  return acts.map((a) => {
    const { text, lang, tokens, implied, purposeStems } = methods.has('text')
      ? activityText(a, concepts)
      : { text: '', lang: 'en' as Lang, tokens: [], implied: new Map<string, string>(), purposeStems: new Set<string>() };
    const themes = new Map<string, SectorThemeHit[]>();
    if (methods.has('sector-theme')) {
      for (const hit of themesOf(cw, a.dacCodes)) {
        const list = themes.get(hit.theme) ?? [];
        list.push(hit);
        themes.set(hit.theme, list);
      }
    }
    // What the activity is: its titles and the opening of its descriptions, not a survey mentioned in passing.
    const all = a.narratives.map((n) => n.text).join('\n');
    const scope = activityScope(
      a.narratives.map((n) => (n.kind === 'title' ? n.text : n.text.slice(0, 200))).join('\n'),
      a.narratives.filter((n) => n.kind === 'title').map((n) => n.text).join('\n'),
      all,
    );
    const purpose = mainPurposeText(a.narratives);
    const { fields, groups } = activityFields(purpose, all);
    const directThemes = new Set([...themes].filter(([, hits]) => hits.some((h) => h.strength === 'direct')).map(([th]) => th));
    return { id: a.id, text, lang, tf: termFrequencies(tokens), sdg: sdgSide(a.sdgTargets, a.sdgGoals), themes, scope, implied, fields, groups, purpose, purposeStems, directThemes };
  });
}

export function prepareRecommendations(recs: EngineRecommendation[], concepts: Concepts = loadConcepts()): PreparedRecommendation[] {
  return recs.map((r) => {
    const lang = detectLang(r.text);
    const tokens = tokenise(r.text, lang);
    if (lang === 'en') applyVariants(tokens, concepts);
    const kind = recommendationKind(r.text);
    const issues = recommendationIssues(r.text);
    return {
      id: r.id,
      text: r.text,
      tokens,
      kind,
      issues,
      groups: subjectGroups(r.text),
      broad: broadAsk(r.text, r.themes, { stateAct: kind !== 'other', specificIssue: issues.length > 0 }),
      titleOnly: instrumentOnlyStems(r.text, tokens),
      sdg: sdgSide(r.sdgTargets, r.sdgGoals),
      themes: r.themes,
    };
  });
}

// ------------------------------------------------------------------ scoring

/** What a rule-4 match rests on, in words a person can check against both texts. */
function fieldEvidence(r: PreparedRecommendation, a: PreparedActivity, f: number) {
  const field = FIELDS[f]!;
  const asked = field.recommendation.exec(r.text)?.[0] ?? field.name;
  const delivered = field.activity.exec(a.purpose)?.[0] ?? field.acronym?.exec(a.purpose)?.[0] ?? field.name;
  const groups = r.broad.groups.filter((g) => a.groups.includes(g)).map((g) => GROUPS[g]!.group);
  return {
    summary: `broad ask for ${field.name} ("${asked}"), the activity's main purpose ("${delivered}")${groups.length ? ` for ${groups.join(', ')}` : ''}`,
    detail: { field: field.name, asked, delivered, groups },
  };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * Rule 4 (with rule 7): the first field the recommendation asks for broadly that the activity's main purpose
 * delivers, when the activity names one of the groups the recommendation names (if it names any); else -1.
 */
/** Which method carries a rule-4 match: sector-theme when the activity has a direct crosswalk row to the field's theme. */
const fieldBySector = (a: PreparedActivity, f: number) => FIELDS[f]!.themes.some((th) => a.directThemes.has(th));

export function fieldMatch(r: PreparedRecommendation, a: PreparedActivity): number {
  if (!r.broad.fields.length) return -1;
  if (r.broad.groups.length && !r.broad.groups.some((g) => a.groups.includes(g))) return -1;
  for (const f of r.broad.fields) if (a.fields.includes(f)) return f;
  return -1;
}

/** A pair kept for an activity, before its evidence is written. */
interface Kept {
  rec: number;
  score: number;
  sdg: number;
  sector: number;
  text: number;
  bm25: number;
  /** Rule 4: the field (index into FIELDS) that matched, or -1. */
  field: number;
}

/** Keeps the k best pairs of an activity: append while there is room, else replace the worst if this one beats it. */
function keepBest(list: Kept[], k: Kept, max: number) {
  if (list.length < max) {
    list.push(k);
    return;
  }
  let worst = 0;
  for (let j = 1; j < list.length; j++) if (list[j]!.score < list[worst]!.score) worst = j;
  if (k.score > list[worst]!.score) list[worst] = k;
}

/**
 * Scores one country's pairs. Candidate pairs come from three inverted indexes (SDG target/goal → activities,
 * theme → activities, term → activities), so that pairs no method can score are never visited.
 */
export function suggest(
  activities: EngineActivity[],
  recommendations: EngineRecommendation[],
  opts: {
    methods?: readonly Method[];
    params?: Partial<EngineParams>;
    crosswalk?: Crosswalk;
    /** The run's country and its names (rule 8: a multi-country activity that never names it is scored lower). */
    country?: EngineCountry;
  } = {},
): EngineResult {
  const methods = new Set<Method>(opts.methods?.length ? opts.methods : METHODS);
  const params: EngineParams = { ...DEFAULT_PARAMS, ...opts.params, weights: { ...DEFAULT_PARAMS.weights, ...opts.params?.weights } };
  const cw = opts.crosswalk ?? loadCrosswalk();
  const acts = prepareActivities(activities, cw, methods);
  const recs = prepareRecommendations(recommendations);

  // Inverted indexes over activities.
  const byTarget = new Map<string, number[]>();
  const byGoal = new Map<string, number[]>();
  const byTheme = new Map<string, number[]>();
  const byField: number[][] = FIELDS.map(() => []);
  acts.forEach((a, i) => {
    for (const f of a.fields) byField[f]!.push(i);
    for (const t of a.sdg.targets) (byTarget.get(t) ?? byTarget.set(t, []).get(t)!).push(i);
    for (const g of a.sdg.goals) (byGoal.get(g) ?? byGoal.set(g, []).get(g)!).push(i);
    for (const th of a.themes.keys()) (byTheme.get(th) ?? byTheme.set(th, []).get(th)!).push(i);
  });
  const recDf = new Map<string, number>();
  for (const r of recs) for (const s of new Set(r.tokens.map((t) => t.stem))) recDf.set(s, (recDf.get(s) ?? 0) + 1);
  const index = methods.has('text') ? new Bm25Index(acts.map((a) => a.tf), { maxDf: params.maxDf }, { df: recDf, n: recs.length }) : undefined;

  // Which activities' text names each kind of State act (ratify, invite, report, legislate): computed once.
  const cues = Object.fromEntries(
    (Object.keys(KIND_CUES) as (keyof typeof KIND_CUES)[]).map((k) => [k, Uint8Array.from(acts, (a) => (KIND_CUES[k].test(a.text) ? 1 : 0))]),
  ) as Record<keyof typeof KIND_CUES, Uint8Array>;
  // Which activities' text names each specific issue of guideline rule 6: computed once.
  const issueCues = SPECIFIC_ISSUES.map((x) => Uint8Array.from(acts, (a) => (x.activity.test(a.text) ? 1 : 0)));
  const themeScore = (h: SectorThemeHit) => (h.strength === 'direct' ? params.sectorDirect : params.sectorPartial);

  // Run alone, a method that cannot reach the floor (sector-theme tops out at sectorDirect) would store nothing:
  // the floor is then 90% of the best score the chosen methods can give together.
  const best = { sdg: 0.9, sector: params.sectorDirect, text: 1 };
  const [wSdg, wSector, wText] = [params.weights['sdg-match'], params.weights['sector-theme'], params.weights.text];
  const reach = (sdg: number, sector: number, text: number) => 1 - (1 - wSdg * sdg) * (1 - wSector * sector) * (1 - wText * text);
  const reachable = reach(
    methods.has('sdg-match') ? best.sdg : 0,
    methods.has('sector-theme') ? best.sector : 0,
    methods.has('text') ? best.text : 0,
  );
  const floor = Math.min(params.floor, 0.9 * reachable);
  // When the sector-theme score alone cannot reach the floor, only pairs found by another method need it.
  const sectorAloneCanPass = methods.has('sector-theme') && reach(0, best.sector, 0) >= floor;

  const n = acts.length;
  const acc = new Float64Array(n);
  const sharedCount = new Uint16Array(n);
  const specificCount = new Uint16Array(n);
  const specificIdf = new Float64Array(n);
  const isSpecific = (t: string) => !isBroad(t);
  const sdgTargets = new Uint16Array(n);
  const sdgGoalHit = new Uint8Array(n);
  const useSdg = methods.has('sdg-match');
  const useSector = methods.has('sector-theme');
  const bestSector = useSector ? best.sector : 0;
  // Per theme, each activity's best crosswalk score; per activity, the research factor: typed arrays for the hot loop.
  const themeArrays = new Map<string, Float64Array>();
  if (useSector) {
    acts.forEach((a, i) => {
      for (const [th, hits] of a.themes) {
        let arr = themeArrays.get(th);
        if (!arr) themeArrays.set(th, (arr = new Float64Array(n)));
        for (const h of hits) arr[i] = Math.max(arr[i]!, themeScore(h));
      }
    });
    if (params.recThemeBreadth > 0 && recs.length > 0) {
      const count = new Map<string, number>();
      for (const r of recs) for (const th of new Set(r.themes)) count.set(th, (count.get(th) ?? 0) + 1);
      const ref = Math.log(1 / params.recThemeBreadth);
      for (const [th, arr] of themeArrays) {
        const share = (count.get(th) ?? 0) / recs.length;
        if (share <= params.recThemeBreadth) continue;
        const f = Math.max(0, Math.log(1 / share) / ref);
        for (let i = 0; i < n; i++) arr[i]! *= f;
      }
    }
  }
  // Rule 8: an activity of several countries whose text never names this one is judged on what it says, which is
  // seldom work here; it is scored like research (the two do not compound).
  const unnamed = countryUnnamed(activities, opts.country);
  const researchFactor = Float64Array.from(acts, (a, i) => (a.scope.research || unnamed[i] ? params.researchFactor : 1));
  const frame = Uint8Array.from(acts, (a) => (a.scope.frame ? 1 : 0));
  const touched: number[] = [];
  const seen = new Uint8Array(n);
  const top: Kept[][] = acts.map(() => []);
  let pairsScored = 0;
  const recPairs: number[] = [];
  const minMax = index ? params.minQueryTerms * 3 * (index.k1 + 1) : 0;

  recs.forEach((r, ri) => {
    touched.length = 0;
    let textMax = 1;
    let specificMax = 1;
    if (index && r.tokens.length) {
      const res = index.searchInto(
        r.tokens.map((t) => t.stem),
        { acc, shared: sharedCount, touched, specific: specificCount, specificIdf },
        minMax,
        r.titleOnly.size ? (t) => isSpecific(t) && !r.titleOnly.has(t) : isSpecific,
      );
      textMax = res.max;
      specificMax = res.specificMax || 1;
    }
    const candidates = touched.slice();
    for (const i of candidates) seen[i] = 1;
    const addCandidate = (i: number) => {
      if (seen[i]) return;
      seen[i] = 1;
      candidates.push(i);
    };
    if (useSdg && (r.sdg.targets.length || r.sdg.goals.length)) {
      // Scored without building match objects (the evidence is rebuilt for the pairs kept): shared targets
      // first, then goals that no shared target explains. Same scores as sdgScore(matchSdg(…)).
      for (const t of r.sdg.targets) {
        for (const i of byTarget.get(t) ?? []) {
          sdgTargets[i]!++;
          addCandidate(i);
        }
      }
      for (const g of r.sdg.goals) {
        for (const i of byGoal.get(g) ?? []) {
          if (sdgTargets[i]) continue;
          sdgGoalHit[i] = 1;
          addCandidate(i);
        }
      }
    }
    if (sectorAloneCanPass) {
      for (const th of r.themes) for (const i of byTheme.get(th) ?? []) addCandidate(i);
    }
    // Rule 4 evidence is sector-theme or text evidence: with neither method chosen, it is not looked for.
    const fieldOn = params.fieldScore > 0 && r.broad.fields.length > 0 && (useSector || methods.has('text'));
    if (fieldOn) for (const f of r.broad.fields) for (const i of byField[f]!) addCandidate(i);

    // The recommendation's specific terms (what it asks about), for the main-purpose gate.
    const recSpecific = index ? [...new Set(r.tokens.map((t) => t.stem))].filter((st) => isSpecific(st) && index.informative(st) && !r.titleOnly.has(st)) : [];
    const sectorArrays = useSector ? r.themes.map((th) => themeArrays.get(th)).filter((x) => x !== undefined) : [];
    const kindCue = r.kind !== 'other' ? cues[r.kind] : undefined;
    const issueCue = r.issues.map((k) => issueCues[k]!);
    const minShared = params.minSharedTerms;
    recPairs.length = 0;
    let recBest = 0;
    const minSpecific = params.minSpecificTerms;
    const minSpecificAlone = params.minSpecificTermsAlone;
    const textScale = 1 / textMax / params.textFull;
    for (const i of candidates) {
      const shared = sharedCount[i]!;
      const bm25 = acc[i]! / textMax;
      const specific = specificCount[i]!;
      // One specific shared term is enough when a direct crosswalk row says the same (checked below), else two.
      let text = shared >= minShared && specific >= minSpecific ? Math.min(1, acc[i]! * textScale) : 0;
      const coverage = specificIdf[i]! / specificMax;
      specificCount[i] = 0;
      specificIdf[i] = 0;
      const nt = sdgTargets[i]!;
      const sdg = nt >= 2 ? 0.9 : nt === 1 ? 0.8 : sdgGoalHit[i] ? 0.25 : 0;
      acc[i] = 0;
      sharedCount[i] = 0;
      sdgTargets[i] = 0;
      sdgGoalHit[i] = 0;
      seen[i] = 0;
      // Rule 4: the recommendation asks broadly for a field this activity's main purpose delivers (to its groups).
      let field = fieldOn ? fieldMatch(r, acts[i]!) : -1;
      // …and it counts for the method that carries it: sector-theme when a direct crosswalk row backs it, else text.
      const bySector = field >= 0 && fieldBySector(acts[i]!, field);
      if (field >= 0 && !(bySector ? useSector : methods.has('text'))) field = -1;
      // Cheap exits first: most candidates share a word or two and nothing else.
      if (text === 0 && sdg === 0 && field < 0 && !sectorAloneCanPass) continue;
      const factor = researchFactor[i]!;
      if (field < 0 && reach(sdg, bestSector, text) * factor < floor) continue;
      let sector = 0;
      for (const arr of sectorArrays) if (arr[i]! > sector) sector = arr[i]!;
      if (specific < minSpecificAlone && (sector < params.sectorDirect || coverage < params.minCoverage || frame[i])) text = 0;
      if (field >= 0) {
        if (bySector) sector = Math.max(sector, params.fieldScore);
        else text = Math.max(text, params.fieldScore);
      }
      pairsScored++;
      // "Ratify OP-CAT" is supported only by work on ratification, whatever the sectors and themes say.
      if (kindCue && !kindCue[i]) continue;
      // "Eliminate FGM" is supported only by work that names FGM (rule 6).
      if (issueCue.length && !issueCue.some((c) => c[i])) continue;
      // "Improve access for persons with disabilities to … health care" is supported only by work that names them (rule 7).
      if (r.groups.length && !r.groups.some((g) => acts[i]!.groups.includes(g))) continue;
      const score = reach(sdg, sector, text) * factor;
      if (score < floor) continue;
      // Rules 1 and 2: a pair that rests on shared words must be about the activity's main purpose — its title or
      // opening names what the recommendation asks about — unless it scores high (`purposeBelow`).
      if (index && field < 0 && sdg === 0 && score < params.purposeBelow && !recSpecific.some((st) => acts[i]!.purposeStems.has(st))) continue;
      // Text alone, uncorroborated, needs more (only when the run has another method that could corroborate it).
      if (sdg === 0 && sector === 0 && field < 0 && (useSector || useSdg) && score < params.textAloneFloor) continue;
      recPairs.push(i, score, sdg, sector, text, bm25, field);
      if (score > recBest) recBest = score;
    }
    // Calibrated per recommendation: a pair far below the recommendation's best match is its neighbourhood (a rule-4
    // field match is not: every activity delivering the field supports the broad ask alike).
    const cut = recBest * params.recRelative;
    for (let k = 0; k < recPairs.length; k += 7) {
      const score = recPairs[k + 1]!;
      const field = recPairs[k + 6]!;
      if (score < cut && field < 0) continue;
      keepBest(
        top[recPairs[k]!]!,
        { rec: ri, score: round(score), sdg: recPairs[k + 2]!, sector: recPairs[k + 3]!, text: recPairs[k + 4]!, bm25: recPairs[k + 5]!, field },
        params.maxPerActivity,
      );
    }
  });

  // Evidence is written only for the pairs kept (best few per activity): most pairs above the floor are not.
  const pairs: ScoredPair[] = [];
  top.forEach((list, i) => {
    const a = acts[i]!;
    list.sort((x, y) => y.score - x.score || (recs[x.rec]!.id < recs[y.rec]!.id ? -1 : 1));
    for (const k of list) {
      const r = recs[k.rec]!;
      const evidence: ScoredPair['evidence'] = {};
      const used: Method[] = [];
      const field = k.field >= 0 ? fieldEvidence(r, a, k.field) : undefined;
      const fieldIn = k.field >= 0 ? (fieldBySector(a, k.field) ? 'sector-theme' : 'text') : undefined;
      if (k.sdg) {
        const m = matchSdg(a.sdg, r.sdg);
        evidence['sdg-match'] = { score: k.sdg, summary: sdgEvidence(m), detail: m };
        used.push('sdg-match');
      }
      if (k.sector) {
        const hits = r.themes.flatMap((th) => a.themes.get(th) ?? []);
        const shown = [...new Map(hits.map((h) => [`${h.code}|${h.theme}`, h])).values()].slice(0, 4);
        evidence['sector-theme'] = {
          score: k.sector,
          summary: shown.map((h) => `DAC ${h.code} ↔ ${h.theme}`).join('; ') + (fieldIn === 'sector-theme' ? `; ${field!.summary}` : ''),
          detail: shown.map((h) => ({ code: h.code, via: h.via, theme: h.theme, strength: h.strength, reason: h.reason })),
        };
        if (fieldIn === 'sector-theme') evidence['sector-theme'].detail = { rows: evidence['sector-theme'].detail, field: field!.detail };
        used.push('sector-theme');
      }
      if (k.text) {
        const sharedTerms = new Set(r.tokens.map((t) => t.stem).filter((t) => a.tf.has(t) && index!.informative(t)));
        const terms = sharedPhrases(r.text, r.tokens, sharedTerms).map((ph) => {
          // A term the activity's text implies without writing it says which phrase implied it.
          const via = r.tokens.find((t) => ph.includes(t.surface.toLowerCase()) && a.implied.has(t.stem));
          return via ? `${ph} (implied by "${a.implied.get(via.stem)}")` : ph;
        });
        const parts = [...(terms.length ? [`shared terms: ${terms.join(', ')}`] : []), ...(fieldIn === 'text' ? [field!.summary] : [])];
        evidence.text = {
          score: round(k.text),
          summary: parts.join('; '),
          detail: { bm25: round(k.bm25), terms, ...(fieldIn === 'text' ? { field: field!.detail } : {}) },
        };
        used.push('text');
      }
      const notes: string[] = [];
      if (r.kind !== 'other') notes.push(`the recommendation asks the State to ${KIND_ASKS[r.kind]}; the activity's text speaks of it`);
      if (r.issues.length) notes.push(`the recommendation names ${r.issues.map((k) => SPECIFIC_ISSUES[k]!.issue).join(', ')}; the activity's text does too`);
      if (r.groups.length) notes.push(`the recommendation is about ${r.groups.map((g) => GROUPS[g]!.group).join(', ')}; the activity's text names them`);
      if (a.scope.research) notes.push('score lowered: research activity');
      else if (unnamed[i]) notes.push(`score lowered: a multi-country activity whose text does not name ${opts.country!.names[0]}`);
      if (notes.length) evidence.note = notes.join('; ');
      pairs.push({ activityId: a.id, recommendationId: r.id, score: k.score, methods: used, evidence });
    }
  });
  return { pairs, pairsConsidered: acts.length * recs.length, pairsScored };
}

/**
 * Rule 8 of the judging guideline: a multi-country activity (more than one recipient country) counts for a country
 * when its text names it. Names are matched as whole words with their demonyms (Kenya, Kenyan; Nepal, Nepali,
 * Nepalese; Bangladesh, Bangladeshi). Without the run's country, or for activities of one country, nothing is flagged.
 */
export function countryUnnamed(activities: readonly EngineActivity[], country?: EngineCountry): Uint8Array {
  const out = new Uint8Array(activities.length);
  if (!country?.names.length) return out;
  const escaped = country.names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const named = new RegExp(`(?<![\\p{L}])(${escaped.join('|')})(n|ns|i|is|ese)?(?![\\p{L}])`, 'iu');
  activities.forEach((a, i) => {
    if ((a.countries?.length ?? 0) <= 1 || a.countries!.every((c) => c === country.code)) return;
    if (!a.narratives.some((n) => named.test(n.text))) out[i] = 1;
  });
  return out;
}
