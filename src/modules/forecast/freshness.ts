// When is a cached forecast stale? Forecasts use complete store days only, so a row is current
// while (a) its history ends yesterday and (b) no movement dated before today was inserted after
// its history was read. (b) is checked through movement ids: they are UUIDv7, ordered by the time
// they were generated, so "inserted since" is a primary-key range scan. A row's mark is the
// UUIDv7 floor of the moment its history was read. A movement's id is generated a little before
// its transaction commits, so the comparison keeps a margin: a product whose movement falls
// inside it is merely recomputed once more (the next round's mark is later).

// Longer than any transaction takes between generating a movement id and committing (the demo
// seeder's 500-movement batches take about a second).
export const MARK_MARGIN_MS = 5_000;
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** The millisecond timestamp of a UUIDv7. */
export function uuidTimeMs(uuid: string): number {
  return parseInt(uuid.replace(/-/g, '').slice(0, 12), 16);
}

/** The smallest UUID whose UUIDv7 timestamp is `ms` (every id generated at or after ms sorts above it). */
export function uuidFloor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

export interface Stamp {
  productId: string;
  historyThrough: string;
  sourceMark: string | null;
}

/** Lower bound for the "changed since" scan: the oldest mark among the stamps, minus the margin. */
export function scanFloor(stamps: readonly Stamp[], marginMs = MARK_MARGIN_MS): string {
  let oldest = Number.POSITIVE_INFINITY;
  for (const s of stamps) {
    if (!s.sourceMark) return NIL_UUID;
    oldest = Math.min(oldest, uuidTimeMs(s.sourceMark));
  }
  return Number.isFinite(oldest) ? uuidFloor(oldest - marginMs) : NIL_UUID;
}

/**
 * The products among `productIds` whose forecast must be (re)computed for history through
 * `through`: no row, an older history, or a movement for it newer than its row's mark (margin
 * included). `changed` is product id → newest movement id dated before today.
 */
export function staleProducts(
  productIds: readonly string[],
  stamps: readonly Stamp[],
  through: string,
  changed: ReadonlyMap<string, string>,
  marginMs = MARK_MARGIN_MS,
): string[] {
  const byId = new Map(stamps.map((s) => [s.productId, s]));
  return productIds.filter((id) => {
    const stamp = byId.get(id);
    if (!stamp || stamp.historyThrough !== through) return true;
    const newest = changed.get(id);
    if (!newest) return false;
    if (!stamp.sourceMark) return true;
    // Without a margin, "newer than the mark" is exact (lower-case UUIDs sort like their bytes).
    return marginMs > 0 ? uuidTimeMs(newest) >= uuidTimeMs(stamp.sourceMark) - marginMs : newest > stamp.sourceMark;
  });
}
