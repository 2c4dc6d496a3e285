// Ordinary least squares with an intercept, for the benches that ask what a covariate takes out
// (bench/cpu-access.ts, bench/cpu-access-kept.ts).

/** Least squares of y on the columns of xs with an intercept: coefficients [a, b1, …] and the residuals' SD. */
export function fit(y: readonly number[], xs: readonly (readonly number[])[]): { coef: number[]; sd: number } {
  const rows = y.map((_, i) => [1, ...xs.map((x) => x[i] ?? NaN)])
  const k = rows[0]?.length ?? 1
  const a = Array.from({ length: k }, (_, r) =>
    Array.from({ length: k + 1 }, (_, c) => rows.reduce((s, row, i) => s + (row[r] ?? 0) * (c === k ? (y[i] ?? 0) : (row[c] ?? 0)), 0)),
  )
  for (let c = 0; c < k; c++) {
    const pivot = a[c]?.[c] ?? NaN
    for (let r = 0; r < k; r++) {
      if (r === c) continue
      const f = (a[r]?.[c] ?? 0) / pivot
      for (let j = c; j <= k; j++) (a[r] as number[])[j] = (a[r]?.[j] ?? 0) - f * (a[c]?.[j] ?? 0)
    }
  }
  const coef = Array.from({ length: k }, (_, c) => (a[c]?.[k] ?? NaN) / (a[c]?.[c] ?? NaN))
  const residuals = rows.map((row, i) => (y[i] ?? 0) - row.reduce((s, x, j) => s + x * (coef[j] ?? 0), 0))
  return { coef, sd: Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / Math.max(1, residuals.length - k)) }
}
