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
   * Scores every document sharing a term with the query. `onDoc` receives the document, its score normalised by the
   * query's maximum (never by less than `minMax`, so that a two-word query matched by two common words stays
   * modest) and the shared terms; documents sharing no informative term are never visited.
   */
  search(
    query: Iterable<string>,
    onDoc: (doc: number, score: number, shared: string[]) => void,
    opts: { scratch?: Float64Array; minMax?: number } = {},
  ) {
    const scratch = opts.scratch;
    const terms = [...new Set(query)];
    let max = 0;
    const weights = new Map<string, number>();
    for (const t of terms) {
      const w = this.idf(t);
      max += w * (this.k1 + 1);
      if (this.informative(t) && this.postings.has(t)) weights.set(t, w);
    }
    if (!weights.size || max === 0) return;
    max = Math.max(max, opts.minMax ?? 0);
    const acc = scratch && scratch.length >= this.n ? scratch : new Float64Array(this.n);
    const sharedBy = new Map<number, string[]>();
    for (const [t, w] of weights) {
      for (const p of this.postings.get(t)!) {
        const norm = this.k1 * (1 - this.b + (this.b * this.lengths[p.doc]!) / this.avgdl);
        acc[p.doc]! += (w * (p.tf * (this.k1 + 1))) / (p.tf + norm);
        let s = sharedBy.get(p.doc);
        if (!s) sharedBy.set(p.doc, (s = []));
        s.push(t);
      }
    }
    for (const [doc, shared] of sharedBy) {
      onDoc(doc, acc[doc]! / max, shared);
      acc[doc] = 0;
    }
  }
}
