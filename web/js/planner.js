// Planner view: coverage preset, sortable region table, what-if clinics, site suggestions.

import * as api from './api.js';
import { t, fmt, currentLang, onLangChange } from './i18n.js';
import {
  presetFilters, featureCollection, pointFeature, circleFeature, rankMarker, ROAD_LAYERS,
} from './mapstyle.js';

const COLUMNS = [
  { key: 'name', label: 'col_region', value: (s) => regionName(s), numeric: false },
  { key: 'covered_pct', label: 'col_covered', value: (s) => s.covered_pct, fmt: (v) => v.toFixed(1) },
  { key: 'gap_km2', label: 'col_gap', value: (s) => s.gap_km2, fmt: (v) => v.toFixed(1) },
  { key: 'towns_uncovered', label: 'col_towns', value: (s) => s.towns_uncovered, fmt: (v) => String(v) },
  // Children: the census by municipality (every region); uncovered only where cells exist.
  { key: 'children_0_14', label: 'col_children', value: (s) => s.children_0_14 ?? -1, fmt: count },
  { key: 'uncovered_0_14', label: 'col_uncovered_children', value: (s) => s.uncovered_0_14 ?? -1, fmt: count },
];

/** The columns of the CSV download: the API's keys, exactly as `/api/regions` answers them. */
export const CSV_KEYS = [
  'id', 'name', 'area_km2', 'covered_km2', 'gap_km2', 'covered_pct', 'providers_total',
  'towns_total', 'towns_uncovered', 'population', 'population_data_share', 'uncovered_population',
  'uncovered_65_plus', 'uncovered_75_plus', 'children_0_14', 'uncovered_0_14',
];

/** The municipal CSV's columns: `/api/municipalities`' keys (`cells.x` = the nested `cells`). */
export const MUNI_CSV_KEYS = [
  'jis_code', 'name', 'unit', 'region_id', 'region', 'area_km2', 'covered_km2', 'gap_km2',
  'covered_pct', 'providers_total', 'towns_total', 'towns_uncovered', 'population',
  'population_65_plus', 'children_0_14', 'cells.population_data_share',
  'cells.uncovered_population', 'cells.uncovered_65_plus', 'cells.uncovered_0_14',
];

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
function csvField(v) {
  const s = v == null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * The region table of a `/api/regions` answer as CSV: UTF-8 with a byte-order mark (so Excel
 * opens the Japanese names correctly), CRLF line ends, one row per region and the prefecture
 * total (id 0), then the preset, radius and data version on every row.
 */
export function regionsCsv(stats, preset) {
  const head = [...CSV_KEYS, 'preset', 'radius_km', 'data_version'];
  const rows = [...stats.regions, stats.total].map((r) =>
    [...CSV_KEYS.map((k) => r[k]), preset, stats.radius_km, stats.data_version]);
  return csvText(head, rows);
}

/** Rows and header as CSV text: UTF-8 BOM (Excel), CRLF line ends. */
function csvText(head, rows) {
  return '\ufeff' + [head, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * The municipal table of a `/api/municipalities` answer as CSV: one row per municipality
 * (unit `municipality`) and, after 熊本市, one per ward (unit `ward`: census figures, towns and
 * providers only — wards have no polygon in the data), then preset, radius and data version.
 */
export function municipalitiesCsv(answer, preset) {
  const head = [...MUNI_CSV_KEYS, 'preset', 'radius_km', 'data_version'];
  const value = (row, key) => key.split('.').reduce((v, k) => v?.[k], row);
  const line = (row) =>
    [...MUNI_CSV_KEYS.map((k) => value(row, k)), preset, answer.radius_km, answer.data_version];
  const rows = [];
  for (const m of answer.municipalities) {
    rows.push(line({ ...m, unit: 'municipality' }));
    for (const w of m.wards ?? []) {
      rows.push(line({ ...w, unit: 'ward', region_id: m.region_id, region: m.region }));
    }
  }
  return csvText(head, rows);
}

/** Saves text as a file, in the browser (nothing is sent anywhere). */
function saveFile(text, name, type) {
  const blob = new Blob([text], { type });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 0);
}

/** A head count, or — where the data has none (-1). */
function count(v) {
  return v < 0 ? '—' : Math.round(v).toLocaleString();
}

/** 熊本・上益城, or Kumamoto-Kamimashiki from the id-like `name_en` (kumamoto_kamimashiki). */
function regionName(s) {
  if (currentLang() !== 'en' || !s.name_en) return s.name;
  return s.name_en.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('-');
}

export class PlannerView {
  constructor(root, map) {
    this.root = root;
    this.map = map;
    this.preset = 'home_care';
    this.stats = null; // /api/regions answer for the preset
    this.scenario = null; // /api/scenarios answer for the sites below
    this.sites = [];
    this.sort = { key: 'covered_pct', dir: 1 };
    this.selected = null;
    this.bboxes = null; // region id -> [w, s, e, n], from /api/coverage
    this.seq = 0;
    this.muni = null; // /api/regions/{selected} answer (its municipalities)
    this.muniSeq = 0;
    this.active = false;
    this.markers = []; // numbered labels of the suggested sites
    this.whatif = root.querySelector('#whatif-toggle');
    for (const input of root.querySelectorAll('input[name=preset]')) {
      input.addEventListener('change', () => this.setPreset(input.value));
    }
    root.querySelector('#whatif-reset').addEventListener('click', () => this.resetScenario());
    root.querySelector('#suggest-button').addEventListener('click', () => this.suggest());
    root.querySelector('#download-csv').addEventListener('click', () => this.downloadCsv());
    root.querySelector('#download-muni-csv').addEventListener('click', () => this.download('muni'));
    root.querySelector('#download-gaps').addEventListener('click', () => this.download('gaps'));
    root.querySelector('#download-towns').addEventListener('click', () => this.download('towns'));
    this.wardsOpen = false;
    this.whatif.addEventListener('change', () => this.updateHint());
    this.road = root.querySelector('#road-toggle');
    this.road.addEventListener('change', () => this.showRoad());
    onLangChange(() => {
      this.render();
      this.renderMunicipalities();
    });
  }

  /** True when a map click should place a hypothetical clinic. */
  get whatIfOn() {
    return this.whatif.checked;
  }

  async setPreset(preset) {
    this.preset = preset;
    this.root.querySelector('#preset-note').hidden = preset !== 'pediatric_home';
    this.scenario = null;
    this.sites = [];
    this.clearSuggest();
    this.applyMapFilters();
    this.drawSites();
    this.loadMunicipalities();
    await this.load();
  }

  /** Saves the region table for the preset (the API's figures) as a CSV file, in the browser. */
  downloadCsv() {
    if (!this.stats) return;
    saveFile(regionsCsv(this.stats, this.preset),
      `carecover-regions-${this.preset}-${this.stats.data_version}.csv`, 'text/csv;charset=utf-8');
  }

  /**
   * Saves, for the preset, the municipal table as CSV (`muni`), the gap polygons (`gaps`, the
   * `gap` features of /api/coverage) or the uncovered towns (`towns`) as GeoJSON: the API's
   * answers, fetched now and written as they are.
   */
  async download(what) {
    const preset = this.preset;
    this.status(t('loading'));
    try {
      if (what === 'muni') {
        const a = await api.municipalities(preset);
        saveFile(municipalitiesCsv(a, preset),
          `carecover-municipalities-${preset}-${a.data_version}.csv`, 'text/csv;charset=utf-8');
      } else if (what === 'gaps') {
        const fc = await api.coverage(preset);
        const gaps = { ...fc, features: fc.features.filter((f) => f.properties.layer === 'gap') };
        saveFile(JSON.stringify(gaps), `carecover-gaps-${preset}-${fc.data_version}.geojson`,
          'application/geo+json');
      } else {
        const fc = await api.uncoveredTowns(preset);
        saveFile(JSON.stringify(fc), `carecover-uncovered-towns-${preset}-${fc.data_version}.geojson`,
          'application/geo+json');
      }
      this.status('');
    } catch (e) {
      this.status(`${t('error')}: ${e.message}`);
    }
  }

  // ---- the selected region's municipalities ----

  /** Fetches the selected region's municipalities for the preset (children 0–14 from the
   * 2020 census for all 45, towns beyond reach) and shows them under the region table. */
  async loadMunicipalities() {
    const box = this.root.querySelector('#muni');
    if (!this.selected) {
      box.hidden = true;
      return;
    }
    const seq = ++this.muniSeq;
    try {
      const region = await api.region(this.preset, this.selected);
      if (seq !== this.muniSeq) return;
      this.muni = region;
      this.renderMunicipalities();
    } catch (e) {
      if (seq === this.muniSeq) this.status(`${t('error')}: ${e.message}`);
    }
  }

  renderMunicipalities() {
    const box = this.root.querySelector('#muni');
    // /api/regions/{id}: { region: stats, municipalities: [...] }
    const region = this.muni;
    if (!region || region.region?.id !== this.selected) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    this.root.querySelector('#muni-title').textContent = fmt('muni_title', { region: regionName(region.region) });
    const body = this.root.querySelector('#muni-table tbody');
    body.replaceChildren();
    for (const m of region.municipalities ?? []) {
      body.append(this.muniRow(m, false));
      if (!m.wards?.length) continue;
      const toggle = document.createElement('button');
      toggle.type = 'button';
      toggle.className = 'wards-toggle';
      toggle.setAttribute('aria-expanded', String(this.wardsOpen));
      toggle.textContent = t(this.wardsOpen ? 'wards_hide' : 'wards_show');
      toggle.addEventListener('click', () => {
        this.wardsOpen = !this.wardsOpen;
        this.renderMunicipalities();
        this.root.querySelector('.wards-toggle')?.focus();
      });
      body.lastChild.querySelector('th').append(' ', toggle);
      if (this.wardsOpen) for (const w of m.wards) body.append(this.muniRow(w, true));
    }
  }

  /** One row of the municipal table: a municipality, or (ward) one of 熊本市's wards. */
  muniRow(m, ward) {
    const tr = document.createElement('tr');
    tr.dataset.jis = m.jis_code;
    if (ward) tr.className = 'ward';
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = m.name;
    const num = (text) => {
      const td = document.createElement('td');
      td.className = 'num';
      td.textContent = text;
      return td;
    };
    tr.append(
      name,
      num(count(m.population ?? -1)),
      num(count(m.population_65_plus ?? -1)),
      num(ward ? '—' : m.covered_pct.toFixed(1)),
      num(`${m.towns_uncovered} / ${m.towns_total}`),
      num(count(m.children_0_14 ?? -1)),
    );
    return tr;
  }

  async load() {
    const seq = ++this.seq;
    this.status(t('loading'));
    try {
      const stats = await api.regions(this.preset);
      if (seq !== this.seq) return;
      this.stats = stats;
      this.root.querySelector('#download-csv').disabled = false;
      this.status('');
      this.render();
    } catch (e) {
      if (seq === this.seq) this.status(`${t('error')}: ${e.message}`);
    }
  }

  status(text) {
    this.root.querySelector('#planner-status').textContent = text;
  }

  updateHint() {
    this.root.querySelector('#whatif-hint').hidden = !this.whatIfOn;
  }

  applyMapFilters() {
    if (!this.map?.getLayer('coverage-fill')) return;
    // The nurse view shows the real coverage: a what-if is drawn only while planning.
    const scenario = this.active ? this.scenario : null;
    const redrawn = scenario ? changedIds(scenario) : [];
    for (const [id, filter] of Object.entries(presetFilters(this.preset, redrawn))) this.map.setFilter(id, filter);
    const gaps = scenario ? scenario.changed_gaps.features : [];
    this.map.getSource('scenario-gaps').setData(featureCollection(gaps));
  }

  // ---- the table ----

  /** Rows as { id, before, after } (after only while a what-if is on). */
  rows() {
    if (this.scenario) {
      return this.scenario.regions.map((r) => ({ id: r.id, before: r.before, after: r.changed ? r.after : null }));
    }
    return (this.stats?.regions ?? []).map((s) => ({ id: s.id, before: s, after: null }));
  }

  totalRow() {
    if (this.scenario) return { id: 0, before: this.scenario.total.before, after: this.scenario.total.after };
    return this.stats ? { id: 0, before: this.stats.total, after: null } : null;
  }

  sortedRows() {
    const col = COLUMNS.find((c) => c.key === this.sort.key);
    const rows = this.rows();
    rows.sort((a, b) => {
      const va = col.value(a.after ?? a.before);
      const vb = col.value(b.after ?? b.before);
      const cmp = typeof va === 'string' ? va.localeCompare(vb, 'ja') : va - vb;
      return cmp * this.sort.dir || a.id - b.id;
    });
    return rows;
  }

  render() {
    this.renderHead();
    const body = this.root.querySelector('#region-table tbody');
    body.replaceChildren(...this.sortedRows().map((r) => this.rowElement(r)));
    const foot = this.root.querySelector('#region-table tfoot');
    const total = this.totalRow();
    foot.replaceChildren(...(total ? [this.rowElement(total, t('total'))] : []));
    this.root.querySelector('#whatif-reset').hidden = !this.sites.length;
    this.root.querySelector('#whatif-count').textContent = this.sites.length
      ? `${t('whatif_count')}: ${this.sites.length}` : '';
    this.renderSuggestButton();
  }

  renderHead() {
    const tr = this.root.querySelector('#region-table thead tr');
    tr.replaceChildren(...COLUMNS.map((c) => this.headCell(c)));
  }

  headCell(col) {
    const th = document.createElement('th');
    th.scope = 'col';
    const active = this.sort.key === col.key;
    th.setAttribute('aria-sort', active ? (this.sort.dir > 0 ? 'ascending' : 'descending') : 'none');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = t(col.label) + (active ? (this.sort.dir > 0 ? ' ▲' : ' ▼') : '');
    b.addEventListener('click', () => {
      this.sort = { key: col.key, dir: active ? -this.sort.dir : 1 };
      this.render();
    });
    th.append(b);
    return th;
  }

  rowElement(row, label) {
    const tr = document.createElement('tr');
    tr.dataset.region = row.id;
    if (row.after) tr.classList.add('changed');
    if (row.id && row.id === this.selected) tr.classList.add('selected');
    for (const col of COLUMNS) tr.append(this.cell(col, row, label));
    if (row.id) {
      tr.tabIndex = 0;
      tr.addEventListener('click', () => this.select(row.id));
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          this.select(row.id);
        }
      });
    }
    return tr;
  }

  cell(col, row, label) {
    const td = document.createElement(col.key === 'name' ? 'th' : 'td');
    if (col.key === 'name') {
      td.scope = 'row';
      td.textContent = label ?? regionName(row.before);
      return td;
    }
    const before = col.fmt(col.value(row.before));
    const after = row.after ? col.fmt(col.value(row.after)) : null;
    if (after !== null && after !== before) {
      const was = document.createElement('span');
      was.className = 'before';
      was.textContent = `${before} →`;
      const now = document.createElement('strong');
      now.textContent = after;
      td.append(was, now);
      td.classList.add('changed');
    } else {
      td.textContent = before;
    }
    if (col.key === 'towns_uncovered') td.title = `/ ${row.before.towns_total}`;
    return td;
  }

  // ---- region selection and zoom ----

  /** Selects the region under a map pixel, without moving the map. */
  selectAt(point) {
    const hit = this.map.queryRenderedFeatures(point, { layers: ['regions-fill'] })[0];
    if (hit) this.select(hit.properties.id, { zoom: false });
  }

  async select(id, { zoom = true } = {}) {
    this.selected = id;
    this.clearSuggest();
    this.render();
    this.loadMunicipalities();
    if (!this.map) return;
    this.map.setFilter('regions-selected', ['==', ['get', 'id'], id]);
    if (!zoom) return;
    const bbox = (await this.regionBoxes())[id];
    if (bbox) this.map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding: 30, duration: 700 });
  }

  /** Region extents from the coverage and gap features (together they tile each region). */
  async regionBoxes() {
    if (!this.bboxes) {
      const fc = await api.coverage('home_care');
      this.bboxes = {};
      for (const f of fc.features) extendBox(this.bboxes, f.properties.region_id, f.geometry.coordinates);
    }
    return this.bboxes;
  }

  // ---- what-if ----

  /** Adds a hypothetical clinic at lngLat and recomputes the table. */
  async addSite(lngLat) {
    this.sites.push({ lat: lngLat.lat, lon: lngLat.lng });
    this.drawSites();
    await this.runScenario();
  }

  async runScenario() {
    const seq = ++this.seq;
    if (!this.sites.length) {
      this.scenario = null;
      this.applyMapFilters();
      this.render();
      return;
    }
    this.status(t('loading'));
    try {
      const answer = await api.scenario(this.preset, this.sites);
      if (seq !== this.seq) return;
      this.scenario = answer;
      this.drawSites(); // at the answer's own radius
      this.status('');
    } catch (e) {
      if (seq !== this.seq) return;
      this.sites.pop();
      this.drawSites();
      this.status(`${t('error')}: ${e.message}`);
    }
    this.applyMapFilters();
    this.render();
  }

  resetScenario() {
    this.sites = [];
    this.drawSites();
    this.runScenario();
  }

  /**
   * The reach of a what-if site: the radius the server states for the current answer (the
   * scenario's, else the region table's); none before either has arrived.
   */
  radiusKm() {
    return this.scenario?.radius_km ?? this.stats?.radius_km ?? null;
  }

  drawSites() {
    if (!this.map?.getSource('whatif')) return;
    const pts = this.sites.map((s, i) => pointFeature(s.lon, s.lat, { n: i + 1 }));
    const radiusKm = this.radiusKm();
    const areas = radiusKm ? this.sites.map((s) => circleFeature(s.lon, s.lat, radiusKm)) : [];
    this.map.getSource('whatif').setData(featureCollection(pts));
    this.map.getSource('whatif-area').setData(featureCollection(areas));
  }

  // ---- suggestions ----

  renderSuggestButton() {
    const b = this.root.querySelector('#suggest-button');
    b.disabled = !this.selected;
    this.root.querySelector('#suggest-pick').hidden = Boolean(this.selected);
  }

  async suggest() {
    if (!this.selected) return;
    const list = this.root.querySelector('#suggest-list');
    list.replaceChildren();
    this.status(t('loading'));
    try {
      const s = await api.suggest(this.preset, this.selected, 3);
      this.status('');
      const unit = s.objective === 'uncovered_65_plus' ? t('gain_people') : t('gain_towns');
      for (const site of s.sites) list.append(suggestItem(site, unit, () => this.flyTo(site)));
      this.root.querySelector('#suggest-title').hidden = false;
      if (!this.map) return;
      const pts = s.sites.map((site, i) => pointFeature(site.lon, site.lat, { n: i + 1, town: site.town }));
      this.map.getSource('suggest').setData(featureCollection(pts));
      this.markers = s.sites.map((site, i) => rankMarker(this.map, site.lon, site.lat, i + 1, site.town));
    } catch (e) {
      this.status(`${t('error')}: ${e.message}`);
    }
  }

  clearSuggest() {
    for (const m of this.markers) m.remove();
    this.markers = [];
    this.root.querySelector('#suggest-list').replaceChildren();
    this.root.querySelector('#suggest-title').hidden = true;
    this.map?.getSource('suggest')?.setData(featureCollection([]));
  }

  /** Called when the planner tab is shown (true) or left (false). */
  setActive(on) {
    this.active = on;
    for (const m of this.markers) m.getElement().hidden = !on;
    this.applyMapFilters();
    this.showRoad();
  }

  /** The road-coverage overlay: while planning, when its box is ticked. */
  showRoad() {
    const on = this.active && this.road.checked;
    this.root.querySelector('#road-note').hidden = !this.road.checked;
    if (!this.map?.getLayer(ROAD_LAYERS[0])) return;
    for (const id of ROAD_LAYERS) this.map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
  }

  flyTo(site) {
    this.map?.flyTo({ center: [site.lon, site.lat], zoom: Math.max(this.map.getZoom(), 11) });
  }
}

function changedIds(scenario) {
  return scenario.regions.filter((r) => r.changed).map((r) => r.id);
}

function suggestItem(site, unit, onClick) {
  const li = document.createElement('li');
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = `${site.town}（+${Math.round(site.gain).toLocaleString()} ${unit}）`;
  b.addEventListener('click', onClick);
  li.append(b);
  return li;
}

/** Grows boxes[id] by every vertex of a (Multi)Polygon's coordinates. */
function extendBox(boxes, id, coords) {
  const b = boxes[id] ?? [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
    } else {
      for (const x of c) walk(x);
    }
  };
  walk(coords);
  boxes[id] = b;
}
