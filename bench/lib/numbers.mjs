// The arithmetic every benchmark's figures go through before they are printed or written to
// bench/results/*.json: rounding, percentiles of latency lists, histograms of statuses.

/**
 * `value` to `digits` decimals. null for null, undefined, NaN and ±Infinity: JSON has no NaN (it
 * would be written as null anyway), and a figure that could not be measured prints as null.
 * @param {number | null | undefined} value
 * @param {number} [digits]
 * @returns {number | null}
 */
export const round = (value, digits = 1) =>
	value === null || value === undefined || !Number.isFinite(value)
		? null
		: Number(value.toFixed(digits));

/**
 * The nearest-rank percentile `p` (0–100) of `values`; null for an empty list.
 * @param {number[]} values
 * @param {number} p
 * @returns {number | null}
 */
export const percentile = (values, p) => {
	if (!values.length) return null;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/**
 * How often each value occurs, keyed by the value as a string (e.g. HTTP statuses, run reasons).
 * @param {unknown[]} values
 * @returns {Record<string, number>}
 */
export const histogram = (values) => {
	/** @type {Record<string, number>} */
	const out = {};
	for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
	return out;
};
