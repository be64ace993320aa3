// Run on both sides of the report: the page's heat map counts findings per cell, and the
// browser script filters the findings table by the cell clicked; one rounding for both.

/** The 1-5 cell a residual likelihood or impact falls in (scores can be fractional after controls). */
export function cellOf(value: number): number {
  return Math.min(5, Math.max(1, Math.round(value)));
}
