/**
 * The sdg-match method: SDG targets (or, failing that, goals) present on both sides. Activities carry them as tags
 * (vocabularies 2 and 3) and sectors (vocabularies 7 and 8), folded into activities.sdg_goals / sdg_targets by the
 * IATI importer; recommendations carry UHRI's target-level SDGs.
 */

/** "4.A", "4.a.", " 16.3 " → "4.a", "16.3"; undefined when it is not target-shaped. Some crosswalks write letters upper-case. */
export function normaliseTarget(raw: string): string | undefined {
  const m = /^\s*(\d{1,2})\.([0-9]{1,2}|[a-zA-Z])\.?\s*$/.exec(raw);
  if (!m) return undefined;
  const goal = Number(m[1]);
  if (goal < 1 || goal > 17) return undefined;
  return `${goal}.${m[2]!.toLowerCase()}`;
}

export function normaliseGoal(raw: string): string | undefined {
  const m = /^\s*(\d{1,2})\s*$/.exec(raw);
  if (!m) return undefined;
  const goal = Number(m[1]);
  return goal >= 1 && goal <= 17 ? String(goal) : undefined;
}

export interface SdgSide {
  targets: string[];
  goals: string[];
}

export interface SdgMatch {
  targets: string[];
  goals: string[];
}

/** Normalised target and goal sets of one side; a target implies its goal. */
export function sdgSide(targets: readonly string[], goals: readonly string[]): SdgSide {
  const t = new Set<string>();
  const g = new Set<string>();
  for (const raw of targets) {
    const n = normaliseTarget(raw);
    if (n) {
      t.add(n);
      g.add(n.split('.')[0]!);
    }
  }
  for (const raw of goals) {
    const n = normaliseGoal(raw);
    if (n) g.add(n);
  }
  return { targets: [...t], goals: [...g] };
}

/**
 * Shared targets, and shared goals that no shared target already explains. A goal is only evidence when the
 * recommendation names no target of it that the activity lacks... kept simple: goals shared at all.
 */
export function matchSdg(activity: SdgSide, recommendation: SdgSide): SdgMatch {
  const at = new Set(activity.targets);
  const targets = recommendation.targets.filter((t) => at.has(t));
  const explained = new Set(targets.map((t) => t.split('.')[0]!));
  const ag = new Set(activity.goals);
  const goals = recommendation.goals.filter((g) => ag.has(g) && !explained.has(g));
  return { targets, goals };
}

/** Score in [0, 1]: a shared target is strong evidence, a shared goal alone weak (goal 16 spans courts to birth registration). */
export function sdgScore(m: SdgMatch): number {
  if (m.targets.length >= 2) return 0.9;
  if (m.targets.length === 1) return 0.8;
  if (m.goals.length) return 0.25;
  return 0;
}

export function sdgEvidence(m: SdgMatch): string {
  const parts: string[] = [];
  if (m.targets.length) parts.push(`SDG ${m.targets.join(', ')} on both`);
  if (m.goals.length) parts.push(`SDG goal ${m.goals.join(', ')} on both`);
  return parts.join('; ');
}
