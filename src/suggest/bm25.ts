/**
 * Okapi BM25 over the activities of one country, with a score normalised to [0, 1]: the pair's BM25 score divided
 * by the most the query could earn (every query term saturated), so that one floor serves every query length.
 */
export interface Bm25Options {
  k1?: number;
  b?: number;
  /** Terms in more than this share of the documents are too common to be evidence (COVID-19 framing, "health"). */
  maxDf?: number;
}

export interface Posting {
  doc: number;
  tf: number;
}

export class Bm25Index {
  readonly k1: number;
  readonly b: number;
  readonly maxDf: number;
  private readonly postings = new Map<string, Posting[]>();
  private readonly lengths: Float64Array;
  private readonly avgdl: number;
  private readonly n: number;
  /** Extra document frequencies (the recommendations' own), so that a term common among them weighs less too. */
  private readonly extraDf: Map<string, number>;
  private readonly extraN: number;

  constructor(docs: Map<string, number>[], opts: Bm25Options = {}, extra?: { df: Map<string, number>; n: number }) {
    this.k1 = opts.k1 ?? 1.2;
    this.b = opts.b ?? 0.75;
    this.maxDf = opts.maxDf ?? 0.4;
    this.n = docs.length;
    this.lengths = new Float64Array(docs.length);
    let total = 0;
    docs.forEach((tf, doc) => {
      let len = 0;
      for (const [term, f] of tf) {
        len += f;
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ doc, tf: f });
      }
      this.lengths[doc] = len;
      total += len;
    });
    this.avgdl = docs.length ? total / docs.length || 1 : 1;
    this.extraDf = extra?.df ?? new Map();
    this.extraN = extra?.n ?? 0;
  }

  df(term: string): number {
    return this.postings.get(term)?.length ?? 0;
  }

  /** BM25's IDF (the +1 form, never negative) over documents plus the extra corpus. */
  idf(term: string): number {
    const n = this.n + this.extraN;
    const df = this.df(term) + (this.extraDf.get(term) ?? 0);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Whether a term is rare enough to count. */
  informative(term: string): boolean {
    return this.n === 0 || this.df(term) <= this.maxDf * this.n;
  }

  /**
   * Accumulates the BM25 score of every document sharing an informative term with the query into `acc`, the count
   * of shared terms into `shared`, and lists the documents touched (each once) in `touched`. Returns the
   * normaliser: the query's maximum (every term saturated), never less than `minMax`, so that a two-word query
   * matched by two common words stays modest. Typed arrays, reused across queries: no allocation per document.
   */
  searchInto(
    query: Iterable<string>,
    out: { acc: Float64Array; shared: Uint16Array; touched: number[]; specific?: Uint16Array; specificIdf?: Float64Array },
    minMax = 0,
    isSpecific?: (term: string) => boolean,
  ): { max: number; terms: string[]; specificMax: number } {
    const terms = [...new Set(query)];
    let max = 0;
    let specificMax = 0;
    const used: string[] = [];
    for (const t of terms) {
      const w = this.idf(t);
      max += w * (this.k1 + 1);
      const isSpec = isSpecific?.(t) ?? false;
      if (isSpec) specificMax += w;
      const list = this.postings.get(t);
      if (!list || !this.informative(t)) continue;
      used.push(t);
      // Shared terms that name what the query is about, counted apart from the broad ones (rights, women, policy…).
      const specific = isSpec ? out.specific : undefined;
      const specificIdf = isSpec ? out.specificIdf : undefined;
      for (const p of list) {
        const norm = this.k1 * (1 - this.b + (this.b * this.lengths[p.doc]!) / this.avgdl);
        if (out.shared[p.doc] === 0 && out.acc[p.doc] === 0) out.touched.push(p.doc);
        out.acc[p.doc]! += (w * (p.tf * (this.k1 + 1))) / (p.tf + norm);
        out.shared[p.doc]!++;
        if (specific) specific[p.doc]!++;
        if (specificIdf) specificIdf[p.doc]! += w;
      }
    }
    return { max: Math.max(max, minMax), terms: used, specificMax };
  }
}
