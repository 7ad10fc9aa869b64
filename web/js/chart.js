// A small SVG bar chart over time (day, ISO week, month or year buckets), hand-written (a chart library would weigh
// more than this whole file). Each bar is a link (keyboard focusable, with an
// accessible name), so a bar can narrow the page to its period.
import { h } from './ui.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// The bucket unit for a span of time: day up to two months, month up to six
// years, year beyond.
export function unitFor(minMs, maxMs) {
	const days = (maxMs - minMs) / 86400000;
	if (days <= 62)
		return 'day';
	if (days <= 6 * 366)
		return 'month';
	return 'year';
}

// The key of the bucket holding a time: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'
// (exactly the API's from/to inputs, so a bar narrows to its period).
export function bucketKey(ms, unit) {
	const iso = new Date(ms).toISOString();
	return unit === 'year' ? iso.slice(0, 4) : unit === 'month' ? iso.slice(0, 7) : iso.slice(0, 10);
}

function nextKey(key, unit) {
	if (unit === 'year')
		return String(Number(key) + 1).padStart(4, '0');
	if (unit === 'month') {
		let [y, m] = key.split('-').map(Number);
		m += 1;
		if (m > 12) {
			m = 1;
			y += 1;
		}
		return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
	}
	return new Date(Date.parse(`${key}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
}

export function keyLabel(key, unit, long = false) {
	if (unit === 'year')
		return key;
	const [y, m, d] = key.split('-');
	if (unit === 'month')
		return long ? `${MONTHS[m - 1]} ${y}` : (m === '01' ? `${MONTHS[0]} ${y}` : MONTHS[m - 1]);
	if (unit === 'week') // keyed by its first day (a Monday)
		return long ? `Week of ${Number(d)} ${MONTHS[m - 1]} ${y}` : `${Number(d)} ${MONTHS[m - 1]}`;
	return long ? `${Number(d)} ${MONTHS[m - 1]} ${y}` : `${Number(d)} ${MONTHS[m - 1]}`;
}

// Count times (ms) into consecutive buckets from the first to the last,
// empty ones included. opts.min/max (ms) widen the range (a chosen period).
export function bucketize(times, { min, max } = {}) {
	const t = times.filter((x) => Number.isFinite(x));
	if (!t.length)
		return { unit: 'day', buckets: [] };
	let lo = Math.min(...t);
	let hi = Math.max(...t);
	if (Number.isFinite(min))
		lo = Math.min(lo, min);
	if (Number.isFinite(max))
		hi = Math.max(hi, max);
	const unit = unitFor(lo, hi);
	const counts = new Map();
	for (const x of t) {
		const k = bucketKey(x, unit);
		counts.set(k, (counts.get(k) || 0) + 1);
	}
	const buckets = [];
	const last = bucketKey(hi, unit);
	for (let k = bucketKey(lo, unit); ; k = nextKey(k, unit)) {
		buckets.push({ key: k, count: counts.get(k) || 0 });
		if (k >= last || buckets.length > 5000)
			break;
	}
	return { unit, buckets };
}

// A y scale of round steps (1, 2 or 5 times a power of ten), at most 5 ticks.
export function niceScale(n) {
	if (n <= 4)
		return { max: Math.max(n, 1), step: 1 };
	const raw = n / 4;
	const mag = 10 ** Math.floor(Math.log10(raw));
	const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
	return { max: Math.ceil(n / step) * step, step };
}

// barChart({unit, buckets, label, unitName: 'event', href: key => '#/...'})
// -> <figure> with the SVG; it redraws itself to fit its width.
export function barChart({ unit, buckets, label, unitName = 'item', href }) {
	const fig = h('figure', { class: 'chart' });
	const caption = h('figcaption', {}, label);
	if (!buckets.length) {
		fig.append(caption, h('p', { class: 'muted' }, 'Nothing to chart.'));
		return fig;
	}
	const draw = (width) => {
		const H = 180;
		const padL = 44;
		const padB = 24;
		const padT = 8;
		const W = Math.max(260, Math.floor(width));
		const plotW = W - padL - 4;
		const plotH = H - padB - padT;
		const { max, step: yStep } = niceScale(Math.max(...buckets.map((b) => b.count)));
		const step = plotW / buckets.length;
		const barW = Math.max(1, Math.min(48, step * 0.8));
		const svg = h('svg:svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'group', 'aria-label': label });
		// y grid and ticks
		for (let v = 0; v <= max; v += yStep) {
			const y = padT + plotH - (v / max) * plotH;
			svg.append(h('svg:line', { x1: padL, x2: W - 4, y1: y, y2: y, class: 'grid', 'aria-hidden': 'true' }));
			svg.append(h('svg:text', { x: padL - 6, y: y + 4, class: 'tick', 'text-anchor': 'end', 'aria-hidden': 'true' },
				v.toLocaleString('en')));
		}
		// x labels: as many as fit
		const labelEvery = Math.max(1, Math.ceil(56 / step));
		buckets.forEach((b, i) => {
			const x = padL + i * step + (step - barW) / 2;
			const bh = (b.count / max) * plotH;
			const name = `${keyLabel(b.key, unit, true)}: ${b.count} ${b.count === 1 ? unitName : `${unitName}s`}`;
			const rect = h('svg:rect', { x, y: padT + plotH - Math.max(bh, b.count ? 2 : 0), width: barW, height: Math.max(bh, b.count ? 2 : 0), class: 'bar' });
			// A tall transparent target so thin bars are easy to hit.
			const hit = h('svg:rect', { x: padL + i * step, y: padT, width: step, height: plotH, class: 'hit' });
			const title = h('svg:title', {}, name);
			if (href && b.count) {
				svg.append(h('svg:a', { href: href(b.key, unit), 'aria-label': name, class: 'bar-link' }, title, hit, rect));
			} else {
				svg.append(h('svg:g', b.count ? { role: 'img', 'aria-label': name } : { 'aria-hidden': 'true' }, title, hit, rect));
			}
			if (i % labelEvery === 0)
				svg.append(h('svg:text', { x: padL + i * step + step / 2, y: H - 6, class: 'tick', 'text-anchor': 'middle', 'aria-hidden': 'true' },
					keyLabel(b.key, unit, false)));
		});
		svg.append(h('svg:line', { x1: padL, x2: W - 4, y1: padT + plotH, y2: padT + plotH, class: 'axis', 'aria-hidden': 'true' }));
		return svg;
	};
	const box = h('div', { class: 'chart-box' });
	fig.append(caption, box);
	let lastW = 0;
	const ro = new ResizeObserver((entries) => {
		const w = Math.floor(entries[0].contentRect.width);
		if (w > 0 && Math.abs(w - lastW) > 8) {
			lastW = w;
			box.replaceChildren(draw(w));
		}
	});
	ro.observe(box);
	return fig;
}
