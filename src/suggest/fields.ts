/**
 * Guideline rule 4, "broad recommendations": a recommendation that asks for a whole field of delivery ("ensure quality
 * and free education and health services for its population", "adequate access to food, health, education", "strengthen
 * the fight against poverty") is supported by an activity whose *main purpose* delivers that field in the country —
 * schooling and learning, health services and health systems, food assistance and nutrition, cash transfers, social
 * protection and livelihoods for poor households, water and sanitation — even when the two texts share only the
 * field's name, which the text method alone (two specific shared terms) turns away.
 *
 * Each field says:
 * - `themes`: the UPR themes it belongs to (a recommendation must carry one; a direct crosswalk row of the activity to
 *   one makes the match sector-theme evidence, else it is text evidence);
 * - `recommendation`: the broad ask, in the recommendation's text;
 * - `narrow`: what makes a recommendation of that field specific instead (human rights education, reproductive or
 *   mental health, school meals…): then the ordinary methods decide;
 * - `activity`: the delivery, named in the activity's title or the opening of its description (its main purpose; a
 *   field mentioned further down is context).
 *
 * A recommendation does not ask broadly when it asks for a State act (rule 3) or for a new policy, plan or strategy,
 * names a specific issue (rule 6), asks the State to seek international assistance (rule 5) or to reach out and raise
 * awareness; when it names groups (rule 7: girls, Dalits, minorities,
 * persons with disabilities…), the activity must name one of them too. Patterns are English: the recommendations are,
 * and activities are matched on their English narratives when they have any.
 */
export interface Field {
  name: string;
  /** The UPR themes of the field: a recommendation must carry one of them. */
  themes: string[];
  recommendation: RegExp;
  narrow?: RegExp;
  activity: RegExp;
  /** An acronym that names the field only in capitals ("WASH", not "hand wash"). */
  acronym?: RegExp;
  /**
   * A main purpose that delivers something else with the field's means (emergency cash is relief, not poverty policy),
   * unless it also names what the field is for (cash for poor households).
   */
  notActivity?: { when: RegExp; unless: RegExp };
}

/**
 * An activity cue: English words, and French and Spanish ones for activities published only in those languages (the
 * recommendations are English, so their patterns are English only). Whole words, accented letters included.
 */
function words(english: string, frenchSpanish: string): RegExp {
  return new RegExp(`(?<![\\p{L}])(${english}|${frenchSpanish})(?![\\p{L}])`, 'iu');
}

export const FIELDS: Field[] = [
  {
    name: 'education',
    themes: ['Right to education'],
    recommendation:
      /\b((quality|free|compulsory|universal|inclusive|basic|primary|secondary) (and (free|quality|compulsory) )?(education|schooling)|(access|right) to ([\w,]+ ){0,4}education|education(al)? (services|polic(y|ies)|system|for all)|(enrol(l)?ment|schooling) of)\b/i,
    narrow: /\b(human rights (education|training)|education (on|in) human rights|sex(ual)? education|school (meals|feeding)|curricul\w*)\b/i,
    activity: words(
      // A school named as the place of other work ("water tanks at a primary school", "handwashing in schools") is not
      // schooling delivered; "school-going" or "school-age" children are an age group (twentieth round).
      'education\\w*|(?<!\\b(at|in) (a |the |local |public )?((primary|secondary|public|local) )?)schools?(?! (lunch|meals?|feeding))(?![- ](going|age|aged)\\b)|schooling|learning|learners?|teachers?|students?|pupils?|classrooms?',
      '[ée]ducation|[ée]coles?|scolari\\w*|enseignement|enseignants?|[ée]l[èe]ves|educaci[óo]n|escuelas?|escolar\\w*|docentes?|estudiantes?|alumn[oa]s?',
    ),
  },
  {
    name: 'health services',
    themes: ['Right to health'],
    recommendation:
      /\b(health(care| care| services?| systems?| facilities| coverage| sector)|(access|right) to ([\w,]+ ){0,4}health|(free|quality|basic|primary) (\w+ ){0,2}health)\b/i,
    // Child and infant mortality, like maternal health, are a part of the field (nineteenth round).
    narrow: /\b(reproductive|maternal|mental|sexual|HIV|AIDS|malaria|tuberculosis|abortion|obstetric|fistula|insurance|mortality)\b/i,
    activity: words(
      'health(care| care| services?| systems?| facilit\\w+| sector| centres?| centers?| posts?)|hospitals?|clinics?|primary (health )?care',
      '(services|syst[èe]mes?|centres?|soins) de sant[ée]|h[ôo]pita(l|ux)|cliniques?|(servicios|sistemas?|centros?) de salud|hospital(es)?|cl[íi]nicas?|atenci[óo]n (primaria|sanitaria|m[ée]dica)',
    ),
  },
  {
    name: 'food',
    themes: ['Right to food'],
    recommendation:
      /\b((access|right) to ([\w,]+ ){0,4}food|(distribution|provision|supply) of (\w+ ){0,3}food|food (security|safety|distribution|supply|insecurity)|hunger|malnutrition|nutrition)\b/i,
    activity: words(
      'food (assistance|security|aid|distribution|baskets?|parcels?|rations?|support|insecurity|packages?|needs)|nutrition\\w*|malnutrition|feeding',
      '(aide|assistance|s[ée]curit[ée]) alimentaire|(ayuda|asistencia|seguridad) alimentaria|nutrici[óo]n|desnutrici[óo]n|malnutrici[óo]n',
    ),
  },
  {
    name: 'poverty',
    themes: ['Poverty'],
    recommendation: /\b(poverty|(?<!for )the poor(est)?|social protection|social security|safety nets?)\b/i,
    narrow: /\binsurance\b/i,
    // Guideline rule 4: cash, social protection or livelihoods for poor households — the means, not the aim: a
    // programme whose opening says it contributes to poverty alleviation (public finance reform, governance) delivers
    // none of them (sixteenth round; the bare word "poverty" was a cue until then). Cash and relief in an emergency
    // (a cyclone, a cross-border displacement) or in a reconstruction after a disaster (eighteenth round: "cash for
    // work" in the islands' reconstruction pilots) are aid to whoever was hit, not a poverty policy, unless the
    // purpose says they are for the poor.
    notActivity: {
      when: /\b(emergency|urgent appeal|humanitarian (response|assistance|aid|relief)|relief|immediate (assistance|needs)|(flood|cyclone|disaster|earthquake|drought)[- ]affected|urgence|emergencia|reconstruction|reconstrucci[óo]n|recovery from)\b/i,
      unless: /\b(poor|poorest|poverty|pauvres?|pauvret[ée]|pobres?|pobreza)\b/i,
    },
    activity: words(
      'cash transfers?|cash[- ]based|cash assistance|cash grants?|multi[- ]purpose cash|cash for work|social protection|social assistance|safety nets?|livelihoods?|income[- ]generat\\w*',
      "transferts? mon[ée]taires?|protection sociale|filets? de s[ée]curit[ée]|moyens d'existence|transferencias? monetarias?|protecci[óo]n social|medios de vida",
    ),
  },
  {
    // Water and sanitation are one UPR theme but two deliveries: a recommendation on the distribution of water is not
    // supported by latrines, nor one on sanitation by boreholes. WASH names both.
    name: 'water',
    themes: ['Right to water'],
    recommendation: /\b((access|right) to (\w+ ){0,3}(drinking |safe |clean )?water|(distribution|provision|supply) of (\w+ ){0,3}water|(drinking|safe|clean) water|water (and|supply))\b/i,
    narrow: /\b(pastoral\w*|irrigation)\b/i,
    activity: words('water supply|drinking water|safe water|clean water|boreholes?|water points?', 'eau potable|agua potable'),
    acronym: /\bWASH\b/,
  },
  {
    name: 'sanitation',
    themes: ['Right to water'],
    recommendation: /\bsanitation\b/i,
    activity: words('sanitation|latrines?|toilets?', 'assainissement|saneamiento'),
    acronym: /\bWASH\b/,
  },
  {
    // Rule 7: a recommendation on the protection and conditions of refugees is supported by work that serves and
    // protects refugees (Kenya's Somali refugees in Dadaab and Kakuma, Bangladesh's Rohingya in Cox's Bazar).
    name: 'refugee protection',
    themes: ['Asylum-seekers - refugees'],
    recommendation: /\b(protection|rights|conditions|situation|needs|assistance|policy)\b[^.;]*\brefugees?\b|\brefugees?'? (rights|protection|conditions)\b/i,
    narrow: /\b(asylum (law|procedures?|system)|refoulement|stateless\w*|resettle\w*|naturali[sz]\w*|registration)\b/i,
    activity: words('refugees?|rohingyas?|asylum[- ]seekers?', 'r[ée]fugi[ée]s?|refugiad[oa]s?|solicitantes de asilo'),
  },
  {
    // Rule 7: "promote the rights of persons with disabilities and ensure their integration" is supported by work
    // whose main purpose serves persons with disabilities (with their organisations, inclusive services).
    name: 'persons with disabilities',
    themes: ['Disabilities'],
    recommendation: /\b(rights|integration|inclusion|situation|needs|protection|conditions|participation)\b[^.;]*\b(persons|people|children) with disabilit(y|ies)\b|\bdisabled (persons|people)\b/i,
    narrow: /\b(vote|voting|elections?|electoral)\b/i,
    activity: words(
      '(persons|people|children|youth|women|men) with disabilit(y|ies)|disabled|disability[- ]inclusive|disability|DPOs?',
      'personas con discapacidad|discapacidad|personnes (handicap[ée]es|en situation de handicap)|handicap',
    ),
  },
  {
    // A peace process (Colombia's with the FARC, Nepal's Comprehensive Peace Agreement, the Chittagong Hill Tracts
    // accord, Kenya's national reconciliation) is supported by peacebuilding and reconciliation work in the country;
    // the commissions and laws of transitional justice are specific asks, for the ordinary methods.
    name: 'peace and reconciliation',
    themes: ['International humanitarian law', 'Justice', 'General', 'Other', 'Development'],
    recommendation:
      /\b((achiev|build|consolidat|work)\w* (towards |to )?(a )?(stable and lasting |lasting |social )?peace|peace (process|accords?|agreements?|building)|peacebuilding|national reconciliation( efforts)?)\b/i,
    narrow: /\b(commissions?|Justice and Peace Law|legislation|law|military jurisdiction|peace missions|mechanisms?|inquir\w*|transitional justice)\b/i,
    // Peacebuilding named as such: not "peace" alone, which also names bodies ("the National Justice and Peace
    // Commission") and frames ("peace and security").
    activity: words(
      'peace[- ]?building|peace (process|agreements?|accords?|consolidation)|consolidating peace|reconciliation',
      'construcci[óo]n de (la )?paz|paz territorial|(acuerdo|proceso) de paz|reconciliaci[óo]n|reincorporaci[óo]n|consolidation de la paix',
    ),
  },
];

/**
 * Outreach asks ("reach out to parents … to promote equal access to education", "raise awareness of …") ask the State
 * to persuade, not to deliver the field.
 */
const OUTREACH = /^(\w+ ){0,2}(reach out|raise (public )?awareness|sensiti[sz]e|encourage|conduct (\w+ )?(awareness|campaigns?))\b/i;

/**
 * Rule 4: supply shipments do not deliver a field. An activity whose main purpose is procuring supplies (personal
 * protective equipment, test kits) is not health services, water or education because its text names them.
 */
const SUPPLY = /\b(procure\w*|procurement|personal protective|PPE|test(ing)? kits?)\b/i;

/**
 * Rule 4: business finance does not deliver a field either. A loan or investment that keeps a company afloat ("to
 * finance potential liquidity shortfall … and refinance existing debt": IFC's Real Sector Envelope for a private hospital
 * group) is not health services because the company runs hospitals. Read in the whole text: such records open on the
 * company ("Ciel Healthcare is a … healthcare platform") and say what the money is for a sentence later.
 */
const BUSINESS_FINANCE = /\b(liquidity (shortfall|needs|support|facility)|working capital|refinanc\w+|trade finance|credit lines?|equity investment)\b/i;

/**
 * A recommendation that asks the State to formulate, draw up or design a policy, plan or strategy ("continue the efforts
 * to draw up a national plan to provide health care to all", "formulate an educational policy aimed at combating
 * illiteracy") asks for the instrument, as rule 3 asks for the law: it is not a broad ask for the field that any school
 * or clinic delivers (nineteenth round; the ordinary gates still find work on that plan). To reinforce a policy
 * ("continue to reinforce the development policy on primary education") is the same act (twenty-second round: 1 of
 * its 12 judged pairs relevant); "strengthen" is not, as strengthening the education policy in force is what a
 * school-sector programme does (measured twice).
 */
const POLICY_ACT = /\b(formulate|draw up|elaborate|design|devise|reinforce)\b[^.;]{0,40}\b(polic(y|ies)|plans?|strateg(y|ies))\b/i;

/** Rule 5: "seek international assistance / technical cooperation" is about aid in a named field, not the field. */
const SEEK_ASSISTANCE = /\b(seek|request|engage|call (on|upon)|appeal to)\b[^.;]*\b(international|technical|donor|development partners?)\b[^.;]*\b(assistance|cooperation|community|support|partners?)\b/i;

/**
 * Rule 7: the groups a recommendation may name; `activity` is what the activity must say to serve the group. `subject`:
 * a recommendation naming the group is about it, for every pair and not only broad asks (`subjectGroups`, below).
 */
export const GROUPS: { group: string; recommendation: RegExp; activity: RegExp; subject?: true }[] = [
  { group: 'girls', recommendation: /\bgirls?\b/i, activity: /\bgirls?\b/i },
  { group: 'women', recommendation: /\b(women|woman|mothers?)\b/i, activity: /\b(women|woman|mothers?|maternal|gender)\b/i },
  {
    group: 'marginalised castes and minorities',
    subject: true,
    recommendation: /\b(dalits?|minorit(y|ies)|ethnic|caste|indigenous|tribal|adivasi)\b/i,
    activity: /\b(dalits?|minorit(y|ies)|ethnic|caste|indigenous|tribal|adivasi|marginali[sz]ed|excluded)\b/i,
  },
  {
    group: 'persons with disabilities',
    subject: true,
    recommendation: /\b(disabilit(y|ies)|disabled|special needs)\b/i,
    activity: /\b(disabilit(y|ies)|disabled|special needs)\b/i,
  },
  { group: 'refugees and migrants', subject: true, recommendation: /\b(refugees?|asylum|migrants?|stateless)\b/i, activity: /\b(refugees?|asylum|migrants?|stateless|displaced)\b/i },
  { group: 'older persons', subject: true, recommendation: /\b(older persons|elderly|aged persons)\b/i, activity: /\b(older (persons|people)|elderly|aged)\b/i },
  {
    group: 'victims of armed conflict',
    subject: true,
    recommendation: /\bvictims of (the )?(armed )?conflicts?\b/i,
    activity: /\b(victims?\b[^.;]{0,60}\b(armed )?conflicts?|conflict[- ]affected|v[íi]ctimas?\b[^.;]{0,60}\bconflicto|victimes?\b[^.;]{0,60}\bconflits?)\b/i,
  },
  { group: 'pastoralists', subject: true, recommendation: /\bpastoralis(ts?|m)\b/i, activity: /\b(pastoralis(ts?|m)|pastoral|herders?|nomad(s|ic)?|agro-pastoral\w*)\b/i },
];

/**
 * The groups (indexes into GROUPS) a recommendation is about: rule 7 for every recommendation, not only broad asks. A
 * recommendation naming persons with disabilities, refugees and migrants, marginalised castes and minorities, older
 * persons, pastoralists or victims of armed conflict (the `subject` groups) is about that group ("improve access for
 * persons with disabilities to education and health care"), and only an activity whose text names the group serves it
 * on what the recommendation asks; a health programme that shares "access" and "health care" with it does not. Women,
 * girls and children are left out: recommendations name them in passing ("women and children", "particularly women"),
 * and requiring them for every pair was measured and not kept (README "Suggestions").
 */
export function subjectGroups(text: string): number[] {
  return GROUPS.flatMap((g, k) => (g.subject && g.recommendation.test(text) ? [k] : []));
}

export interface BroadAsk {
  /** Indexes into FIELDS of the fields the recommendation asks for broadly. */
  fields: number[];
  /** Indexes into GROUPS of the groups it names: the activity must name one of them. */
  groups: number[];
}

/** The fields a recommendation asks for broadly (none when it is a State act, a specific issue or a rule-5 ask). */
export function broadAsk(text: string, themes: readonly string[], opts: { stateAct: boolean; specificIssue: boolean }): BroadAsk {
  if (opts.stateAct || opts.specificIssue || SEEK_ASSISTANCE.test(text) || OUTREACH.test(text.trim()) || POLICY_ACT.test(text)) return { fields: [], groups: [] };
  const fields = FIELDS.flatMap((f, k) => (f.themes.some((th) => themes.includes(th)) && f.recommendation.test(text) && !f.narrow?.test(text) ? [k] : []));
  if (!fields.length) return { fields, groups: [] };
  return { fields, groups: GROUPS.flatMap((g, k) => (g.recommendation.test(text) ? [k] : [])) };
}

/**
 * A description that is only a list of categories ("Infants,Children,Elderly,PLW,Disabled,Male,Female,Refugees": ECHO's
 * beneficiary types) says whom the action may reach, not what it does: it is not its main purpose.
 */
const CATEGORY_LIST = /^\s*[\p{L}-]+(\s*,\s*[\p{L}-]+){2,}\s*$/u;

/**
 * How much of one narrative is its main purpose, as a prefix length: a whole title; the first sentence of a description
 * (at most `opening` characters); nothing of a category list. Further down, descriptions name the context ("schools
 * closed", "water supply at testing sites"), not the purpose.
 */
export function purposeSpan(n: { kind: 'title' | 'description'; text: string }, opening = 160): number {
  if (CATEGORY_LIST.test(n.text)) return 0;
  if (n.kind === 'title') return n.text.length;
  const head = n.text.slice(0, opening);
  const stop = head.search(/[.;:!?](\s|$)/);
  return stop > 0 ? stop : head.length;
}

/** The part of an activity that says what it is: the main-purpose span of each narrative (`purposeSpan`). */
export function mainPurposeText(narratives: readonly { kind: 'title' | 'description'; text: string }[], opening = 160): string {
  return narratives
    .map((n) => n.text.slice(0, purposeSpan(n, opening)))
    .filter(Boolean)
    .join('\n');
}

/**
 * The fields an activity's main purpose delivers (indexes into FIELDS; none when that purpose is procuring supplies),
 * and the groups its whole text names.
 */
export function activityFields(purpose: string, all: string): { fields: number[]; groups: number[] } {
  return {
    fields: SUPPLY.test(purpose) || BUSINESS_FINANCE.test(all) ? [] : FIELDS.flatMap((f, k) => ((f.activity.test(purpose) || f.acronym?.test(purpose)) && !(f.notActivity?.when.test(purpose) && !f.notActivity.unless.test(purpose)) ? [k] : [])),
    groups: GROUPS.flatMap((g, k) => (g.activity.test(all) ? [k] : [])),
  };
}
