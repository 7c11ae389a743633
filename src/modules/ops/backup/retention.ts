// Which backups to keep: grandfather-father-son over calendar periods in UTC. The newest backup
// of each of the last `daily` days, of each of the last `weekly` ISO weeks and of each of the last
// `monthly` months (each counted back from `now`, the current one included) is kept, and so is
// the newest backup of all, whatever its age; everything else may be deleted. A pure function:
// the backup job and the privacy retention job both call it and do the deleting themselves.

export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { daily: 7, weekly: 4, monthly: 12 };

export interface RetentionPlan<T> {
  keep: T[];
  remove: T[];
}

const DAY_MS = 86_400_000;

function dayIndex(d: Date): number {
  return Math.floor(d.getTime() / DAY_MS);
}

// ISO weeks start on Monday; 1970-01-01 was a Thursday, so shift by 3 days.
function weekIndex(d: Date): number {
  return Math.floor((dayIndex(d) + 3) / 7);
}

function monthIndex(d: Date): number {
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

export function planBackupRetention<T extends { createdAt: Date }>(entries: readonly T[], policy: RetentionPolicy = DEFAULT_RETENTION, now: Date = new Date()): RetentionPlan<T> {
  const sorted = [...entries].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const keep = new Set<T>();
  if (sorted[0]) keep.add(sorted[0]);
  const periods: [number, (d: Date) => number][] = [
    [policy.daily, dayIndex],
    [policy.weekly, weekIndex],
    [policy.monthly, monthIndex],
  ];
  for (const [count, indexOf] of periods) {
    const current = indexOf(now);
    const seen = new Set<number>();
    for (const e of sorted) {
      const idx = indexOf(e.createdAt);
      // A backup dated after `now` (clock skew) is never deleted.
      if (idx > current) keep.add(e);
      else if (current - idx < count && !seen.has(idx)) {
        seen.add(idx);
        keep.add(e); // sorted newest first: the first one seen is the newest of its period
      }
    }
  }
  return { keep: sorted.filter((e) => keep.has(e)), remove: sorted.filter((e) => !keep.has(e)) };
}
