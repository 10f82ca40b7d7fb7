/** One IATI activity as the importer understood it: the row of `activities` plus its children, in file order. */
export interface IatiActivity {
  iatiIdentifier: string;
  /** ISO 8601 UTC (`…Z`), or null when the publisher gave none (D-Portal copies never carry it). */
  lastUpdated: string | null;
  /** The activity's own version (D-Portal `iati-activities:version`, datastore `iati-extra:version`), else the file's. */
  iatiVersion: string | null;
  /** D-Portal `dstore:dataset`: the IATI Registry dataset the activity came from. */
  dataset: string | null;
  defaultCurrency: string | null;
  humanitarian: boolean | null;
  reportingOrgRef: string | null;
  reportingOrgType: string | null;
  reportingOrgName: string | null;
  /** English where present, else the first. */
  title: string | null;
  /** English general description (type 1 or none) where present, else the first. */
  description: string | null;
  titles: { lang: string | null; text: string }[];
  descriptions: { type: string | null; lang: string | null; text: string }[];
  status: string | null;
  plannedStart: string | null;
  actualStart: string | null;
  plannedEnd: string | null;
  actualEnd: string | null;
  /** Derived: recipient countries of the activity and of its transactions, sorted. */
  countryCodes: string[];
  /** Derived: DAC 5-digit purpose codes (vocabulary 1) of the activity and of its transactions, sorted. */
  sectorCodes: string[];
  /** Derived: tag vocabulary 2, sector vocabulary 7, and the goal of every target. */
  sdgGoals: string[];
  /** Derived: tag vocabulary 3 and sector vocabulary 8, in UN spelling ("4.a"). */
  sdgTargets: string[];
  recipientCountries: { code: string; percentage: number | null }[];
  recipientRegions: { code: string; vocabulary: string; percentage: number | null }[];
  sectors: { vocabulary: string; code: string; percentage: number | null }[];
  tags: { vocabulary: string; code: string }[];
  policyMarkers: { vocabulary: string; code: string; significance: number | null }[];
  participatingOrgs: { role: string | null; ref: string | null; type: string | null; name: string | null }[];
  transactions: IatiTransaction[];
  budgets: IatiBudget[];
  /** sha256 of the canonical JSON of every field above: equal hash = nothing changed. */
  contentHash: string;
}

export interface IatiTransaction {
  type: string;
  date: string | null;
  /** Decimal text, as PostgreSQL numeric takes it. */
  value: string;
  currency: string | null;
  valueDate: string | null;
  recipientCountry: string | null;
  recipientRegion: string | null;
  sectorVocabulary: string | null;
  sectorCode: string | null;
  description: string | null;
}

export interface IatiBudget {
  type: string | null;
  status: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  value: string;
  currency: string | null;
  valueDate: string | null;
}
