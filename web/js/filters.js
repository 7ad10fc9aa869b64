// The filter forms of the Search and Events pages: the URL holds every
// filter (#/search?lang=fr&from=2024-03), the form shows them, and
// submitting it goes to the same route with the new values.
import { api } from './api.js';
import { go } from './app.js';
import { h, field, entityPicker, langName, TIME_PATTERN } from './ui.js';

// Languages offered first (any 2- or 3-letter code is accepted).
export const LANGS = ['fr', 'en', 'de', 'es', 'it', 'pt', 'nl'];

// The event kinds of the API (openapi.yaml, EventKind).
export const EVENT_KINDS = ['meeting', 'visit', 'call', 'statement', 'negotiation', 'agreement', 'election',
	'protest', 'attack', 'military', 'disaster', 'legal', 'economic', 'sports', 'health', 'other'];

// The route's parameters as an object (the last value of each key).
export function routeParams(params) {
	return Object.fromEntries(params);
}

// The entity an id in the URL names ({id, name}), for a picker's initial
// value; its bare id when it cannot be read, null without an id.
export async function entityFromUrl(id, signal) {
	if (!id)
		return null;
	try {
		return await api(`entities/${encodeURIComponent(id)}`, { signal });
	} catch (e) {
		if (e.name === 'AbortError')
			throw e;
		return { id, name: `#${id}` };
	}
}

let seq = 0;

// A language code field with suggestions; name 'lang'.
export function langField(value, { label = 'Language', hint = 'Two or three letters: fr, en, de…' } = {}) {
	const list = `langs-${++seq}`;
	return [
		field(label, { name: 'lang', value: value || '', hint, attrs: { list, pattern: '[A-Za-z]{2,3}', size: 4, autocomplete: 'off' } }),
		h('datalist', { id: list }, LANGS.map((l) => h('option', { value: l }, langName(l)))),
	];
}

// From and To fields (names 'from' and 'to') in the API's time syntax.
export function periodFields(p, { from = 'From', to = 'To', fromHint = 'YYYY, YYYY-MM or YYYY-MM-DD', toHint = 'Inclusive: 2024-03 covers all of March' } = {}) {
	const attrs = { pattern: TIME_PATTERN, inputmode: 'numeric', autocomplete: 'off' };
	return [
		field(from, { name: 'from', value: p.from || '', hint: fromHint, attrs }),
		field(to, { name: 'to', value: p.to || '', hint: toHint, attrs }),
	];
}

// A select of the event kinds; name 'kind'.
export function eventKindField(value, { label = 'Kind' } = {}) {
	return field(label, { type: 'select', name: 'kind', value: value || '', options: [['', 'any kind'], ...EVENT_KINDS.map((k) => [k, k])] });
}

// An entity picker whose initial value comes from the URL.
export function pickerField({ name, label, value, kind = '' }) {
	return entityPicker({ name, label, value, kind, api });
}

// A form over `keys`: submitting it (valid values only) goes to `path`
// with the trimmed values (language codes lower-cased), empty ones left
// out of the URL. attrs: the <form>'s attributes; children: its content.
export function filterForm({ path, keys, attrs = {}, children }) {
	const form = h('form', attrs, children);
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		if (!form.reportValidity())
			return;
		const fd = new FormData(form);
		const next = {};
		for (const k of keys)
			next[k] = (fd.get(k) || '').toString().trim();
		if (next.lang)
			next.lang = next.lang.toLowerCase();
		go(path, next);
	});
	return form;
}
