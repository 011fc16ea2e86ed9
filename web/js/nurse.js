// Nurse view: a point (map click) or an address -> the 5 nearest providers of the chosen kinds.

import * as api from './api.js';
import { t, fmt, onLangChange } from './i18n.js';
import { featureCollection, pointFeature, rankMarker } from './mapstyle.js';
import { badge, el, kindNames, openSheet, ruleTexts, sourceText, straightKm } from './referral.js';

export const NURSE_KINDS = [
  'home_care_support_clinic',
  'home_care_support_hospital',
  'enhanced_home_palliative',
  'palliative_care_ward',
  'home_cancer_comprehensive',
  // Children and young people (proxies from the facility standards; see pediatric_note).
  'pediatric_primary_care',
  'pediatric_inpatient',
  'pediatric_icu',
  'pediatric_after_hours',
];
const DEFAULT_KINDS = new Set(['home_care_support_clinic', 'home_care_support_hospital']);

/**
 * The local resource kinds the data has (`/api/kinds`, group `resource`, with rows), in the
 * server's order: choosable in their own group, never ticked by default (a nurse asks for
 * pharmacies or 訪問看護ステーション by name, as the API does).
 */
export function resourceKinds(kindsAnswer) {
  return (kindsAnswer?.kinds ?? []).filter((k) => k.group === 'resource' && k.providers > 0);
}

export class NurseView {
  constructor(root, map) {
    this.root = root;
    this.map = map;
    this.last = null; // last answer, re-rendered on a language change
    this.markers = []; // numbered HTML labels beside the result rings (the map has no glyphs)
    this.seq = 0; // answers arriving out of order are dropped
    this.renderKinds();
    root.querySelector('#search-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const address = root.querySelector('#address').value.trim();
      if (address) this.query({ address });
    });
    // Re-ranks the last search when the order changes.
    root.querySelector('#sort-road').addEventListener('change', () => {
      if (this.where) this.query(this.where);
    });
    root.querySelector('#print-sheet-button').addEventListener('click', () => this.printSheet());
    onLangChange(() => this.renderResults());
  }

  /** Opens the referral sheet of the answer on screen and prints it (in the browser only). */
  printSheet() {
    if (!this.last?.answer.results.length) return null;
    const { answer, point } = this.last;
    const note = this.root.querySelector('#drive-note');
    return openSheet({
      answer,
      point,
      kinds: answer.kinds,
      map: this.map,
      driveNote: note.hidden ? '' : note.textContent,
    });
  }

  renderKinds() {
    const box = this.root.querySelector('#kinds');
    for (const kind of NURSE_KINDS) {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.name = 'kind';
      input.value = kind;
      input.checked = DEFAULT_KINDS.has(kind);
      const text = document.createElement('span');
      text.dataset.i18n = `kind_${kind}`;
      text.textContent = t(`kind_${kind}`);
      label.append(input, text);
      if (kind.startsWith('pediatric_')) label.classList.add('pediatric');
      box.append(label);
    }
    const note = document.createElement('p');
    note.className = 'hint';
    note.dataset.i18n = 'pediatric_note';
    note.textContent = t('pediatric_note');
    box.append(note);
  }

  /**
   * The resource kinds of the data as a second group of tick boxes ("地域の資源"), unticked;
   * the group stays hidden when the data has no resource list.
   */
  setResourceKinds(kinds) {
    const box = this.root.querySelector('#resource-kinds');
    for (const old of box.querySelectorAll('label, p')) old.remove();
    box.hidden = this.disabled || !kinds.length;
    for (const k of kinds) {
      const label = document.createElement('label');
      label.className = 'resource';
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.name = 'kind';
      input.value = k.kind;
      input.checked = false;
      const text = document.createElement('span');
      text.dataset.i18n = `kind_${k.kind}`;
      text.textContent = t(`kind_${k.kind}`);
      label.append(input, text);
      box.append(label);
    }
    if (kinds.length) {
      const note = document.createElement('p');
      note.className = 'hint';
      note.dataset.i18n = 'resource_note';
      note.textContent = t('resource_note');
      box.append(note);
    }
  }

  selectedKinds() {
    return [...this.root.querySelectorAll('input[name=kind]:checked')].map((i) => i.value);
  }

  /**
   * Without a live API (a static map that names none): no search, only a note saying so. The
   * map's points keep their pop-ups.
   */
  disable() {
    this.disabled = true;
    for (const child of this.root.children) child.hidden = child.id !== 'static-note';
  }

  /** Answers a map click at lngLat. */
  onMapClick(lngLat) {
    if (this.disabled) return;
    this.query({ lat: lngLat.lat, lon: lngLat.lng });
  }

  async query(where) {
    const kinds = this.selectedKinds();
    if (!kinds.length) {
      this.status(t('no_kind'));
      return;
    }
    const seq = ++this.seq;
    this.status(t('loading'));
    try {
      const sort = this.root.querySelector('#sort-road').checked ? 'road' : 'distance';
      this.where = where;
      const answer = await api.nearest({ ...where, kinds, k: 5, sort });
      if (seq !== this.seq) return;
      const point = queryPoint(where, answer);
      this.last = { answer, point };
      this.renderResults();
      this.drawOnMap();
      // Beside the map (wide screens), bring the list into the panel's view; on phones the
      // map with its numbered rings stays where the nurse is looking.
      if (window.matchMedia('(min-width: 721px)').matches) {
        this.root.querySelector('#nearest-title')?.scrollIntoView({ block: 'start' });
      }
    } catch (e) {
      if (seq !== this.seq) return;
      this.last = null;
      this.renderResults();
      this.status(e.code === 'address_not_found' ? t('not_found') : `${t('error')}: ${e.message}`);
    }
  }

  status(text) {
    this.root.querySelector('#nearest-status').textContent = text;
  }

  renderResults() {
    const list = this.root.querySelector('#nearest-list');
    list.replaceChildren();
    const printButton = this.root.querySelector('#print-sheet-button');
    printButton.disabled = !this.last?.answer.results.length;
    this.renderRule();
    if (!this.last) return;
    const { answer, point } = this.last;
    const matched = answer.address ? ` ${answer.address.city ?? ''}${answer.address.town ?? ''}` : '';
    this.status(`${t('matched')}: ${point.lat.toFixed(4)}, ${point.lon.toFixed(4)}${matched}`);
    this.renderChoices(answer.address);
    for (const r of answer.results) list.append(resultItem(r, answer.rule_16km, () => this.focus(r)));
    this.renderDriveNote(answer);
    this.renderRule();
  }

  /** The 16 km rule in words for this answer: the law, the exception here, 要確認. */
  renderRule() {
    const box = this.root.querySelector('#rule-note');
    box.replaceChildren();
    box.hidden = !this.last?.answer.results.length;
    if (box.hidden) return;
    box.append(el('h3', 'rule-title', t('rule_title')));
    for (const text of ruleTexts(this.last.answer)) box.append(el('p', '', text));
  }

  /** How road km and drive minutes are estimated, from the answer's speed model. */
  renderDriveNote(answer) {
    const note = this.root.querySelector('#drive-note');
    const model = answer.speed_model ?? '';
    const uniform = /^uniform_(\d+(?:\.\d+)?)kmh$/.exec(model);
    note.hidden = !answer.results.length || !model;
    const offroad = answer.offroad_speed_kmh ?? '';
    note.textContent = uniform
      ? fmt('drive_note_uniform', { kmh: uniform[1], offroad })
      : fmt('drive_note_osm', { offroad });
  }

  /**
   * The address fitted towns in several municipalities (none was written): the answer is
   * for the first; the others are offered here, and choosing one searches it with its
   * municipality written.
   */
  renderChoices(address) {
    let box = this.root.querySelector('#address-choices');
    if (!box) {
      box = el('div', 'choices');
      box.id = 'address-choices';
      this.root.querySelector('#nearest-status').after(box);
    }
    box.replaceChildren();
    box.hidden = !address?.ambiguous;
    if (box.hidden) return;
    box.append(el('p', 'choices-title', t('ambiguous')));
    const all = [address, ...(address.alternatives ?? [])];
    all.forEach((c, i) => {
      const b = el('button', i === 0 ? 'choice current' : 'choice', `${c.city}${c.town ?? ''}`);
      b.type = 'button';
      b.setAttribute('aria-pressed', String(i === 0));
      b.addEventListener('click', () => {
        if (i > 0) this.query({ address: `${c.city}${c.town ?? ''} ${c.rest ?? ''}`.trim() });
      });
      box.append(b);
    });
  }

  focus(r) {
    this.map?.flyTo({ center: [r.lon, r.lat], zoom: Math.max(this.map.getZoom(), 13) });
  }

  drawOnMap() {
    if (!this.map || !this.last) return;
    const { answer, point } = this.last;
    const results = answer.results.map((r) => pointFeature(r.lon, r.lat, { id: r.id }));
    this.map.getSource('results').setData(featureCollection(results));
    const place = answer.address ? `${answer.address.city}${answer.address.town ?? ''}` : '';
    this.map.getSource('query').setData(featureCollection([pointFeature(point.lon, point.lat, { label: place })]));
    this.placeMarkers(answer.results);
    const lons = [point.lon, ...answer.results.map((r) => r.lon)];
    const lats = [point.lat, ...answer.results.map((r) => r.lat)];
    // Keep the home and the rings clear of what lies over the map: the attribution along the
    // bottom and the open legend at the top left.
    const box = (sel) => this.map.getContainer().parentElement.querySelector(sel)?.getBoundingClientRect();
    const canvas = this.map.getContainer().getBoundingClientRect();
    const attrib = box('.maplibregl-ctrl-bottom-right');
    const legend = box('#legend');
    const bottom = 40 + (attrib ? Math.max(0, canvas.bottom - attrib.top) : 0);
    const left = 40 + (legend && legend.width < canvas.width / 2 ? legend.width : 0);
    const padding = { top: 50, right: 60, bottom, left };
    const fits = bottom + padding.top < canvas.height - 80 && left + padding.right < canvas.width - 80;
    this.map.fitBounds(
      [[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]],
      { padding: fits ? padding : 30, maxZoom: 14, duration: 600 },
    );
  }

  /** Rank numbers beside the result rings, matching the list. */
  placeMarkers(results) {
    for (const m of this.markers) m.remove();
    this.markers = results.map((r, i) => rankMarker(this.map, r.lon, r.lat, i + 1, r.name));
  }

  showMarkers(on) {
    for (const m of this.markers) m.getElement().hidden = !on;
  }
}

/** Where the answer was computed for: the clicked point, or the geocoded address. */
function queryPoint(where, answer) {
  if (where.lat !== undefined) return { lat: where.lat, lon: where.lon };
  const a = answer.address ?? {};
  return { lat: a.lat ?? answer.lat, lon: a.lon ?? answer.lon };
}

function resultItem(r, rule, onFocus) {
  const li = el('li', 'result');
  li.dataset.id = r.id;
  li.dataset.visit = r.visit_16km;
  const name = el('button', 'result-name', r.name);
  name.type = 'button';
  name.addEventListener('click', onFocus);
  const kinds = el('div', 'result-kinds', kindNames(r).join('・'));
  // Straight line (the 16 km rule's measure) and the rule's state as words, not colour.
  const dist = el('div', 'result-distance');
  dist.append(el('span', 'result-straight', fmt('straight_km', { km: straightKm(r) })), ' ', badge(r, rule));
  if (r.visit_16km === 'to_confirm') {
    dist.append(' ', el('span', 'result-uncertainty', fmt('badge_uncertainty', { u: r.uncertainty_km.toFixed(1) })));
  }
  // By road: the whole trip (road plus the legs to and from the road) and the drive time,
  // or why the road layer has no answer here.
  const road = el('div', 'result-road');
  if (r.road_km != null) {
    road.append(fmt('road_trip', { km: r.road_km.toFixed(1), min: Math.round(r.drive_min) }));
  } else {
    road.append(`${t('road_none')}: ${t(`road_reason_${r.road_reason}`)}`);
  }
  const phone = el('div', 'result-phone', `${t('phone')}: `);
  if (r.phone) {
    const a = el('a', '', r.phone);
    a.href = `tel:${r.phone.replace(/[^0-9+]/g, '')}`;
    phone.append(a);
  } else {
    phone.append('—');
  }
  const addr = el('div', 'result-address', r.address);
  li.append(name, kinds, dist, road, phone, addr);
  // What the listed facility can do, as its resource list states it (24時間対応, 麻薬 …).
  if (r.capabilities?.length) {
    li.append(el('div', 'result-capabilities', `${t('capabilities')}: ${r.capabilities.join('・')}`));
  }
  // Where the row comes from and how fresh it is: the 厚生局 list or a local resource list.
  li.append(el('div', 'result-source', sourceText(r)));
  return li;
}
