/**
 * Streaming IATI activity XML parser (saxes). Reads the stream chunk by chunk and yields each
 * <iati-activity> as soon as its end tag is read, so memory holds one chunk and one activity.
 *
 * File-level faults (not XML, malformed XML, DOCTYPE/ENTITY, IATI 1.x, wrong root) throw FatalImportError;
 * record-level faults become problems of that record (errors reject it, warnings keep it).
 */
import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { SaxesParser, type SaxesTag } from 'saxes';
import { FatalImportError, type ImportContext, type Parsed, type Problem } from '../run.js';
import {
  canonicalJson,
  normaliseSdgGoal,
  normaliseSdgTarget,
  parseDateTime,
  parseDecimal,
  parseIsoDate,
  parseNumber,
  sha256,
} from './normalise.js';
import type { IatiActivity, IatiBudget, IatiTransaction } from './types.js';

const KNOWN_VERSIONS = new Set(['2.01', '2.02', '2.03']);
const DATE_TYPES: Record<string, 'plannedStart' | 'actualStart' | 'plannedEnd' | 'actualEnd'> = {
  '1': 'plannedStart',
  '2': 'actualStart',
  '3': 'plannedEnd',
  '4': 'actualEnd',
};
/** Percentages may be rounded by the publisher (190 countries at two decimals): within ±1 counts as 100. */
const SHARE_TOLERANCE = 1;

type Attrs = Record<string, string>;
type Narrative = { lang: string | null; text: string };

interface TxBuilder {
  line: number;
  type: string | null;
  dateRaw: string | null;
  valueRaw: string | null;
  valueLine: number;
  valueSeen: boolean;
  currency: string | null;
  valueDateRaw: string | null;
  recipientCountry: string | null;
  recipientRegion: string | null;
  sectors: { vocabulary: string; code: string }[];
  descriptions: Narrative[];
}

interface BudgetBuilder {
  line: number;
  type: string | null;
  status: string | null;
  periodStartRaw: string | null;
  periodEndRaw: string | null;
  valueRaw: string | null;
  valueLine: number;
  valueSeen: boolean;
  currency: string | null;
  valueDateRaw: string | null;
}

interface ActivityBuilder {
  line: number;
  problems: Problem[];
  attrs: Attrs;
  lang: string | null;
  rawId: string | null;
  reportingOrg: { ref: string | null; type: string | null; names: Narrative[] } | null;
  participatingOrgs: { role: string | null; ref: string | null; type: string | null; names: Narrative[] }[];
  titles: Narrative[];
  descriptions: { type: string | null; lang: string | null; text: string }[];
  status: string | null;
  dates: Partial<Record<'plannedStart' | 'actualStart' | 'plannedEnd' | 'actualEnd', string>>;
  recipientCountries: IatiActivity['recipientCountries'];
  recipientRegions: IatiActivity['recipientRegions'];
  sectors: IatiActivity['sectors'];
  tags: IatiActivity['tags'];
  policyMarkers: IatiActivity['policyMarkers'];
  transactions: TxBuilder[];
  budgets: BudgetBuilder[];
  tx: TxBuilder | null;
  budget: BudgetBuilder | null;
}

/** Trimmed attribute value; empty → null. */
function attr(a: Attrs, name: string): string | null {
  const v = a[name];
  if (v === undefined) return null;
  const s = v.trim();
  return s === '' ? null : s;
}

const lower = (s: string | null) => (s === null ? null : s.toLowerCase());
const upper = (s: string | null) => (s === null ? null : s.toUpperCase());

/** English where there is English, else the first. */
function pickText<T extends { lang: string | null; text: string }>(list: T[]): T | undefined {
  return list.find((n) => n.lang === 'en' || n.lang?.startsWith('en-')) ?? list[0];
}

const byCode = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** The per-activity version attribute: D-Portal `iati-activities:version`, datastore `iati-extra:version`. */
function activityVersion(a: Attrs): string | null {
  for (const [k, v] of Object.entries(a)) {
    if (k.endsWith(':version') && !k.startsWith('xmlns')) return v.trim() || null;
  }
  return null;
}

/** Picks the decoder from a BOM or the XML declaration; IATI files are UTF-8 almost always. */
function pickDecoder(head: Buffer): TextDecoder {
  if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder('utf-16le');
  if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder('utf-16be');
  const decl = /^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head.toString('latin1'));
  const label = decl?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(label);
  } catch {
    throw new FatalImportError(`The file declares the encoding "${label}", which this importer cannot read.`, 1);
  }
}

export async function* parseIati(input: Readable, ctx: ImportContext): AsyncGenerator<Parsed<IatiActivity>> {
  const parser = new SaxesParser({ position: true });
  const queue: Parsed<IatiActivity>[] = [];
  const stack: string[] = [];
  /** identifier → line of its first occurrence in this file. */
  const seen = new Map<string, number>();
  let rootVersion: string | null = null;
  let rootLang: string | null = null;
  let rootSeen = false;
  let act: ActivityBuilder | null = null;
  let startLine = 1;
  let capture: { depth: number; text: string; done: (text: string) => void } | null = null;
  let sink: { depth: number; lang: string | null; push: (n: Narrative) => void } | null = null;

  const problem = (
    b: ActivityBuilder,
    severity: Problem['severity'],
    field: string,
    message: string,
    line?: number,
  ) => {
    const p: Problem = { severity, field, message };
    if (line !== undefined && line !== b.line) p.line = line;
    b.problems.push(p);
  };
  const warn = (b: ActivityBuilder, field: string, message: string, line?: number) =>
    problem(b, 'warning', field, message, line);
  const fail = (b: ActivityBuilder, field: string, message: string, line?: number) =>
    problem(b, 'error', field, message, line);

  const captureText = (done: (text: string) => void) => {
    capture = { depth: stack.length, text: '', done };
  };
  const openSink = (lang: string | null, push: (n: Narrative) => void) => {
    sink = { depth: stack.length, lang, push };
  };

  const date = (b: ActivityBuilder, raw: string | null, field: string, line: number): string | null => {
    if (raw === null) return null;
    const d = parseIsoDate(raw);
    if (!d.ok) {
      warn(b, field, `"${raw}" is not an ISO date (YYYY-MM-DD); stored as empty`, line);
      return null;
    }
    if (d.implausible) warn(b, field, `implausible date ${d.value} (year outside 1960–2040); kept as given`, line);
    return d.value;
  };

  const percentage = (b: ActivityBuilder, a: Attrs, field: string, line: number): number | null => {
    const raw = attr(a, 'percentage');
    if (raw === null) return null;
    const n = parseNumber(raw);
    if (n === null) warn(b, `${field}/@percentage`, `percentage "${raw}" is not a number; stored as empty`, line);
    else if (n < 0 || n > 100) warn(b, `${field}/@percentage`, `percentage ${raw} is outside 0–100; kept as given`, line);
    return n;
  };

  parser.on('doctype', () => {
    throw new FatalImportError(
      'The file has a DOCTYPE declaration; IATI files have none, and DOCTYPE/ENTITY declarations are refused (no entity is ever expanded).',
      parser.line,
    );
  });
  parser.on('opentagstart', () => {
    startLine = parser.line;
  });
  parser.on('text', (t) => {
    if (capture) capture.text += t;
  });
  parser.on('cdata', (t) => {
    if (capture) capture.text += t;
  });

  parser.on('opentag', (tag: SaxesTag) => {
    const name = tag.name;
    const a = tag.attributes as Attrs; // xmlns off: plain qualified names → values
    stack.push(name);
    const depth = stack.length;
    const line = startLine;

    if (depth === 1) {
      rootSeen = true;
      if (name !== 'iati-activities') {
        throw new FatalImportError(
          `The root element is <${name}>, not <iati-activities>: this is not an IATI activity file.`,
          line,
        );
      }
      rootVersion = attr(a, 'version');
      rootLang = lower(attr(a, 'xml:lang'));
      if (rootVersion !== null && /^1(\.|$)/.test(rootVersion)) {
        throw new FatalImportError(`IATI version ${rootVersion} is not supported; convert to 2.0x`, line, 'iati-activities/@version');
      }
      if (rootVersion !== null && !KNOWN_VERSIONS.has(rootVersion)) {
        ctx.report({
          severity: 'warning',
          line,
          field: 'iati-activities/@version',
          message: `IATI version ${rootVersion} is not one of 2.01–2.03; read as 2.03`,
        });
      }
      return;
    }
    if (depth === 2) {
      if (name === 'iati-activity') {
        act = {
          line,
          problems: [],
          attrs: a,
          lang: lower(attr(a, 'xml:lang')) ?? rootLang,
          rawId: null,
          reportingOrg: null,
          participatingOrgs: [],
          titles: [],
          descriptions: [],
          status: null,
          dates: {},
          recipientCountries: [],
          recipientRegions: [],
          sectors: [],
          tags: [],
          policyMarkers: [],
          transactions: [],
          budgets: [],
          tx: null,
          budget: null,
        };
      }
      return;
    }
    const b = act;
    if (!b) return;

    // <narrative> directly inside a container that collects them (title, description, orgs…).
    if (name === 'narrative' && sink && depth === sink.depth + 1) {
      const s = sink;
      const lang = lower(attr(a, 'xml:lang')) ?? s.lang;
      captureText((text) => {
        const t = text.trim();
        if (t) s.push({ lang, text: t });
      });
      return;
    }

    if (depth === 3) {
      switch (name) {
        case 'iati-identifier':
          captureText((text) => {
            if (b.rawId === null) b.rawId = text;
            else warn(b, 'iati-identifier', 'more than one iati-identifier; the first is used', line);
          });
          return;
        case 'reporting-org': {
          if (b.reportingOrg) {
            warn(b, 'reporting-org', 'more than one reporting-org; the first is used', line);
            return;
          }
          const org = { ref: attr(a, 'ref'), type: attr(a, 'type'), names: [] as Narrative[] };
          b.reportingOrg = org;
          openSink(b.lang, (n) => org.names.push(n));
          return;
        }
        case 'participating-org': {
          const org = { role: attr(a, 'role'), ref: attr(a, 'ref'), type: attr(a, 'type'), names: [] as Narrative[] };
          b.participatingOrgs.push(org);
          openSink(b.lang, (n) => org.names.push(n));
          return;
        }
        case 'title':
          openSink(b.lang, (n) => b.titles.push(n));
          return;
        case 'description': {
          const type = attr(a, 'type');
          openSink(b.lang, (n) => b.descriptions.push({ type, lang: n.lang, text: n.text }));
          return;
        }
        case 'activity-status':
          b.status ??= attr(a, 'code');
          return;
        case 'activity-date': {
          const type = attr(a, 'type');
          const key = type ? DATE_TYPES[type] : undefined;
          if (!key) {
            warn(b, 'activity-date/@type', `activity-date type "${type ?? ''}" is not 1–4; ignored`, line);
            return;
          }
          const d = date(b, attr(a, 'iso-date'), 'activity-date/@iso-date', line);
          if (d === null) return;
          if (b.dates[key]) warn(b, 'activity-date', `more than one activity-date of type ${type}; the first is used`, line);
          else b.dates[key] = d;
          return;
        }
        case 'recipient-country': {
          const code = upper(attr(a, 'code'));
          if (!code) return warn(b, 'recipient-country/@code', 'recipient-country without a code; ignored', line);
          b.recipientCountries.push({ code, percentage: percentage(b, a, 'recipient-country', line) });
          return;
        }
        case 'recipient-region': {
          const code = attr(a, 'code');
          if (!code) return warn(b, 'recipient-region/@code', 'recipient-region without a code; ignored', line);
          b.recipientRegions.push({
            code,
            vocabulary: attr(a, 'vocabulary') ?? '1',
            percentage: percentage(b, a, 'recipient-region', line),
          });
          return;
        }
        case 'sector': {
          const code = attr(a, 'code');
          if (!code) return warn(b, 'sector/@code', 'sector without a code; ignored', line);
          b.sectors.push({ vocabulary: attr(a, 'vocabulary') ?? '1', code, percentage: percentage(b, a, 'sector', line) });
          return;
        }
        case 'tag': {
          const code = attr(a, 'code');
          const vocabulary = attr(a, 'vocabulary');
          if (!code || !vocabulary) return warn(b, 'tag', 'tag without a vocabulary or a code; ignored', line);
          b.tags.push({ vocabulary, code });
          return;
        }
        case 'policy-marker': {
          const code = attr(a, 'code');
          if (!code) return warn(b, 'policy-marker/@code', 'policy-marker without a code; ignored', line);
          const sigRaw = attr(a, 'significance');
          let significance: number | null = null;
          if (sigRaw !== null) {
            if (/^\d+$/.test(sigRaw)) significance = Number(sigRaw);
            else warn(b, 'policy-marker/@significance', `significance "${sigRaw}" is not a whole number; stored as empty`, line);
          }
          b.policyMarkers.push({ vocabulary: attr(a, 'vocabulary') ?? '1', code, significance });
          return;
        }
        case 'transaction':
          b.tx = {
            line,
            type: null,
            dateRaw: null,
            valueRaw: null,
            valueLine: line,
            valueSeen: false,
            currency: null,
            valueDateRaw: null,
            recipientCountry: null,
            recipientRegion: null,
            sectors: [],
            descriptions: [],
          };
          return;
        case 'budget':
          b.budget = {
            line,
            type: attr(a, 'type'),
            status: attr(a, 'status'),
            periodStartRaw: null,
            periodEndRaw: null,
            valueRaw: null,
            valueLine: line,
            valueSeen: false,
            currency: null,
            valueDateRaw: null,
          };
          return;
      }
      return;
    }

    if (depth === 4 && b.tx && stack[2] === 'transaction') {
      const tx = b.tx;
      switch (name) {
        case 'transaction-type':
          tx.type ??= attr(a, 'code');
          return;
        case 'transaction-date':
          tx.dateRaw ??= attr(a, 'iso-date');
          return;
        case 'value':
          tx.valueSeen = true;
          tx.valueLine = line;
          tx.currency = upper(attr(a, 'currency'));
          tx.valueDateRaw = attr(a, 'value-date');
          captureText((text) => {
            tx.valueRaw = text;
          });
          return;
        case 'recipient-country':
          tx.recipientCountry ??= upper(attr(a, 'code'));
          return;
        case 'recipient-region':
          tx.recipientRegion ??= attr(a, 'code');
          return;
        case 'sector': {
          const code = attr(a, 'code');
          if (code) tx.sectors.push({ vocabulary: attr(a, 'vocabulary') ?? '1', code });
          return;
        }
        case 'description':
          openSink(b.lang, (n) => tx.descriptions.push(n));
          return;
      }
      return;
    }

    if (depth === 4 && b.budget && stack[2] === 'budget') {
      const bu = b.budget;
      switch (name) {
        case 'period-start':
          bu.periodStartRaw ??= attr(a, 'iso-date');
          return;
        case 'period-end':
          bu.periodEndRaw ??= attr(a, 'iso-date');
          return;
        case 'value':
          bu.valueSeen = true;
          bu.valueLine = line;
          bu.currency = upper(attr(a, 'currency'));
          bu.valueDateRaw = attr(a, 'value-date');
          captureText((text) => {
            bu.valueRaw = text;
          });
          return;
      }
    }
  });

  parser.on('closetag', () => {
    const depth = stack.length;
    if (capture && capture.depth === depth) {
      const c = capture;
      capture = null;
      c.done(c.text);
    }
    if (sink && sink.depth === depth) sink = null;
    const b = act;
    if (b && depth === 3) {
      if (b.tx && stack[2] === 'transaction') {
        b.transactions.push(b.tx);
        b.tx = null;
      } else if (b.budget && stack[2] === 'budget') {
        b.budgets.push(b.budget);
        b.budget = null;
      }
    }
    if (b && depth === 2) {
      queue.push(finish(b));
      act = null;
    }
    stack.pop();
  });

  /** Checks and derives everything once the activity's end tag is read. */
  function finish(b: ActivityBuilder): Parsed<IatiActivity> {
    const a = b.attrs;
    const rawId = b.rawId;
    const id = rawId?.trim() ?? '';
    if (!id) fail(b, 'iati-identifier', rawId === null ? 'the activity has no iati-identifier' : 'the iati-identifier is empty');
    else if (id !== rawId) warn(b, 'iati-identifier', `iati-identifier had surrounding whitespace; trimmed to "${id}"`);

    if (id) {
      const first = seen.get(id);
      if (first !== undefined) {
        warn(b, 'iati-identifier', `activity ${id} appears again in this file (first at line ${first}); compared with the first occurrence`);
      } else {
        // A fresh copy: the parsed id is a slice of the decoded chunk, and keeping the slice would keep the whole
        // chunk alive (V8 sliced strings), so memory would grow with the file.
        seen.set(Buffer.from(id, 'utf8').toString('utf8'), b.line);
      }
    }

    const ownVersion = activityVersion(a);
    if (ownVersion !== null && /^1(\.|$)/.test(ownVersion)) {
      fail(b, 'iati-activity/@version', `IATI version ${ownVersion} is not supported; convert to 2.0x`);
    } else if (ownVersion !== null && !KNOWN_VERSIONS.has(ownVersion)) {
      warn(b, 'iati-activity/@version', `IATI version ${ownVersion} is not one of 2.01–2.03; read as 2.03`);
    }

    const luRaw = attr(a, 'last-updated-datetime');
    let lastUpdated: string | null = null;
    if (luRaw === null) {
      warn(b, 'iati-activity/@last-updated-datetime', 'no last-updated-datetime: versions can only be compared by content');
    } else {
      lastUpdated = parseDateTime(luRaw);
      if (lastUpdated === null) {
        warn(b, 'iati-activity/@last-updated-datetime', `last-updated-datetime "${luRaw}" is not an ISO date-time; stored as empty`);
      }
    }

    const humRaw = lower(attr(a, 'humanitarian'));
    let humanitarian: boolean | null = null;
    if (humRaw === '1' || humRaw === 'true') humanitarian = true;
    else if (humRaw === '0' || humRaw === 'false') humanitarian = false;
    else if (humRaw !== null) warn(b, 'iati-activity/@humanitarian', `humanitarian "${humRaw}" is not 0/1/true/false; stored as empty`);

    const defaultCurrency = upper(attr(a, 'default-currency'));

    const transactions: IatiTransaction[] = b.transactions.map((tx, i) => {
      const n = i + 1;
      if (!tx.type) fail(b, 'transaction/transaction-type', `transaction ${n} has no transaction-type/@code`, tx.line);
      let value = '0';
      if (!tx.valueSeen || tx.valueRaw === null || tx.valueRaw.trim() === '') {
        fail(b, 'transaction/value', `transaction ${n} has no value`, tx.valueLine);
      } else {
        const v = parseDecimal(tx.valueRaw);
        if (v === null) fail(b, 'transaction/value', `transaction ${n}: value "${tx.valueRaw.trim()}" is not a number`, tx.valueLine);
        else value = v;
      }
      const currency = tx.currency ?? defaultCurrency;
      if (currency === null) {
        warn(b, 'transaction/value/@currency', `transaction ${n} has no currency and the activity no default-currency`, tx.valueLine);
      }
      const first = tx.sectors[0];
      const desc = pickText(tx.descriptions);
      return {
        type: tx.type ?? '',
        date: date(b, tx.dateRaw, 'transaction/transaction-date/@iso-date', tx.line),
        value,
        currency,
        valueDate: date(b, tx.valueDateRaw, 'transaction/value/@value-date', tx.valueLine),
        recipientCountry: tx.recipientCountry,
        recipientRegion: tx.recipientRegion,
        sectorVocabulary: first?.vocabulary ?? null,
        sectorCode: first?.code ?? null,
        description: desc?.text ?? null,
      };
    });

    const budgets: IatiBudget[] = b.budgets.map((bu, i) => {
      const n = i + 1;
      let value = '0';
      if (!bu.valueSeen || bu.valueRaw === null || bu.valueRaw.trim() === '') {
        fail(b, 'budget/value', `budget ${n} has no value`, bu.valueLine);
      } else {
        const v = parseDecimal(bu.valueRaw);
        if (v === null) fail(b, 'budget/value', `budget ${n}: value "${bu.valueRaw.trim()}" is not a number`, bu.valueLine);
        else value = v;
      }
      const currency = bu.currency ?? defaultCurrency;
      if (currency === null) {
        warn(b, 'budget/value/@currency', `budget ${n} has no currency and the activity no default-currency`, bu.valueLine);
      }
      return {
        type: bu.type,
        status: bu.status,
        periodStart: date(b, bu.periodStartRaw, 'budget/period-start/@iso-date', bu.line),
        periodEnd: date(b, bu.periodEndRaw, 'budget/period-end/@iso-date', bu.line),
        value,
        currency,
        valueDate: date(b, bu.valueDateRaw, 'budget/value/@value-date', bu.valueLine),
      };
    });

    // Shares: sectors per vocabulary; countries and regions together (per region vocabulary).
    const checkShares = (field: string, label: string, items: { percentage: number | null }[]) => {
      if (items.length === 0) return;
      const given = items.filter((x) => x.percentage !== null);
      if (given.length === 0) {
        if (items.length > 1) warn(b, field, `${items.length} ${label} without percentages; kept as given`);
        return;
      }
      const sum = given.reduce((s, x) => s + (x.percentage ?? 0), 0);
      if (Math.abs(sum - 100) > SHARE_TOLERANCE || given.length < items.length) {
        const missing = given.length < items.length ? ` (${items.length - given.length} without a percentage)` : '';
        warn(b, field, `${label} percentages add up to ${Math.round(sum * 100) / 100}, not 100${missing}; kept as given`);
      }
    };
    const sectorVocabs = [...new Set(b.sectors.map((s) => s.vocabulary))];
    for (const v of sectorVocabs) {
      checkShares('sector/@percentage', `sector (vocabulary ${v})`, b.sectors.filter((s) => s.vocabulary === v));
    }
    const regionVocabs = [...new Set(b.recipientRegions.map((r) => r.vocabulary))];
    if (regionVocabs.length === 0) {
      checkShares('recipient-country/@percentage', 'recipient-country', b.recipientCountries);
    } else {
      for (const v of regionVocabs) {
        checkShares(
          'recipient-country/@percentage',
          regionVocabs.length > 1 ? `recipient-country and recipient-region (vocabulary ${v})` : 'recipient-country and recipient-region',
          [...b.recipientCountries, ...b.recipientRegions.filter((r) => r.vocabulary === v)],
        );
      }
    }

    // Derived filter keys.
    const countries = new Set<string>(b.recipientCountries.map((c) => c.code));
    for (const tx of transactions) if (tx.recipientCountry) countries.add(tx.recipientCountry);

    const allSectors = [
      ...b.sectors.map((s) => ({ ...s, where: 'sector' })),
      ...b.transactions.flatMap((tx) => tx.sectors.map((s) => ({ ...s, where: 'transaction/sector' }))),
    ];
    const dac = new Set<string>();
    const goals = new Set<string>();
    const targets = new Set<string>();
    const badDac = new Set<string>();
    const addGoal = (raw: string, where: string) => {
      const g = normaliseSdgGoal(raw);
      if (g) goals.add(g);
      else warn(b, where, `"${raw}" is not an SDG goal (1–17); left out of sdgGoals`);
    };
    const addTarget = (raw: string, where: string) => {
      const t = normaliseSdgTarget(raw);
      if (t) {
        targets.add(t);
        goals.add(t.split('.')[0]!);
      } else warn(b, where, `"${raw}" is not a UN SDG target; left out of sdgTargets`);
    };
    for (const s of allSectors) {
      if (s.vocabulary === '1') {
        if (/^\d{5}$/.test(s.code)) dac.add(s.code);
        else badDac.add(s.code);
      } else if (s.vocabulary === '7') addGoal(s.code, `${s.where}/@code`);
      else if (s.vocabulary === '8') addTarget(s.code, `${s.where}/@code`);
    }
    for (const code of badDac) {
      warn(b, 'sector/@code', `sector "${code}" (vocabulary 1) is not a 5-digit DAC purpose code; left out of sectorCodes`);
    }
    for (const t of b.tags) {
      if (t.vocabulary === '2') addGoal(t.code, 'tag/@code');
      else if (t.vocabulary === '3') addTarget(t.code, 'tag/@code');
    }

    const titles = b.titles;
    const descriptions = b.descriptions;
    const general = descriptions.filter((d) => d.type === null || d.type === '1');
    const reportingName = b.reportingOrg ? pickText(b.reportingOrg.names) : undefined;

    const body: Omit<IatiActivity, 'contentHash'> = {
      iatiIdentifier: id,
      lastUpdated,
      iatiVersion: ownVersion ?? rootVersion,
      dataset: attr(a, 'dstore:dataset'),
      defaultCurrency,
      humanitarian,
      reportingOrgRef: b.reportingOrg?.ref ?? null,
      reportingOrgType: b.reportingOrg?.type ?? null,
      reportingOrgName: reportingName?.text ?? null,
      title: pickText(titles)?.text ?? null,
      description: pickText(general.length ? general : descriptions)?.text ?? null,
      titles,
      descriptions,
      status: b.status,
      plannedStart: b.dates.plannedStart ?? null,
      actualStart: b.dates.actualStart ?? null,
      plannedEnd: b.dates.plannedEnd ?? null,
      actualEnd: b.dates.actualEnd ?? null,
      countryCodes: [...countries].sort(),
      sectorCodes: [...dac].sort(),
      sdgGoals: [...goals].sort(byCode),
      sdgTargets: [...targets].sort(byCode),
      recipientCountries: b.recipientCountries,
      recipientRegions: b.recipientRegions,
      sectors: b.sectors,
      tags: b.tags,
      policyMarkers: b.policyMarkers,
      participatingOrgs: b.participatingOrgs.map((o) => ({
        role: o.role,
        ref: o.ref,
        type: o.type,
        name: pickText(o.names)?.text ?? null,
      })),
      transactions,
      budgets,
    };
    const record: IatiActivity = { ...body, contentHash: sha256(canonicalJson(body)) };
    const parsed: Parsed<IatiActivity> = { line: b.line, problems: b.problems, record };
    if (id) parsed.recordId = id;
    return parsed;
  }

  const write = (text: string) => {
    try {
      parser.write(text);
    } catch (e) {
      if (e instanceof FatalImportError) throw e;
      throw malformed(e);
    }
  };
  const malformed = (e: unknown) => {
    const msg = (e instanceof Error ? e.message : String(e)).replace(/^(?:[^:]*:)?\d+:\d+:\s*/, '');
    return new FatalImportError(`The file is not well-formed XML (line ${parser.line}, column ${parser.column}): ${msg}`, parser.line);
  };

  let decoder: TextDecoder | null = null;
  let head: Buffer[] = [];
  let headBytes = 0;
  const start = (bytes: Buffer) => {
    decoder = pickDecoder(bytes);
    const text = decoder.decode(bytes, { stream: true });
    const firstChar = text.replace(/^[\s\ufeff]+/, '')[0];
    if (firstChar !== undefined && firstChar !== '<') {
      throw new FatalImportError('The file is not XML: it does not start with "<".', 1);
    }
    write(text);
  };

  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (decoder === null) {
      head.push(buf);
      headBytes += buf.length;
      if (headBytes < 1024) continue;
      start(Buffer.concat(head));
      head = [];
    } else {
      write((decoder as TextDecoder).decode(buf, { stream: true }));
    }
    while (queue.length) yield queue.shift()!;
  }
  if (decoder === null) start(Buffer.concat(head));
  write((decoder as unknown as TextDecoder).decode());
  try {
    parser.close();
  } catch (e) {
    if (e instanceof FatalImportError) throw e;
    throw malformed(e);
  }
  if (!rootSeen) throw new FatalImportError('The file has no root element: it is empty or not XML.', 1);
  while (queue.length) yield queue.shift()!;
}
