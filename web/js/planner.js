// Planner view: coverage preset, sortable region table, what-if clinics, site suggestions.

import * as api from './api.js';
import { t, fmt, currentLang, onLangChange } from './i18n.js';
import {
  presetFilters, featureCollection, pointFeature, circleFeature, rankMarker, ROAD_LAYERS,
  ACCESS_LAYERS, ACCESS_RAMP, ACCESS_OPACITY, accessLayers, accessColor, accessCellImage,
} from './mapstyle.js';

/** A count of people: rounded, with thousands separators; — where the data has none (null). */
function count(v) {
  return v == null ? '—' : Math.round(v).toLocaleString();
}

/** An access index (providers per 10 000 people 65+), or — where the area has no people. */
function index(v) {
  return v == null ? '—' : v.toFixed(2);
}

/**
 * The region table's columns. `value` gives the number to sort by (null: no data, sorted
 * first), `fmt` its text; `show(planner)` leaves a column out where it says nothing: uncovered
 * 65+ for the adult presets, uncovered children for 小児在宅, the access index only when the
 * answer carries it.
 */
const COLUMNS = [
  { key: 'name', label: 'col_region', value: (s) => regionName(s), numeric: false },
  { key: 'covered_pct', label: 'col_covered', value: (s) => s.covered_pct, fmt: (v) => v.toFixed(1) },
  { key: 'gap_km2', label: 'col_gap', value: (s) => s.gap_km2, fmt: (v) => v.toFixed(1) },
  { key: 'towns_uncovered', label: 'col_towns', value: (s) => s.towns_uncovered, fmt: (v) => String(v) },
  { key: 'population', label: 'col_population', value: (s) => s.population, fmt: count },
  { key: 'population_65_plus', label: 'col_65_plus', value: (s) => s.population_65_plus, fmt: count },
  { key: 'population_0_14', label: 'col_children', value: (s) => s.population_0_14, fmt: count },
  // Uncovered people of the preset's patients: 65+, or children for 小児在宅.
  {
    key: 'uncovered_65_plus', label: 'col_uncovered_65', value: (s) => s.uncovered_65_plus, fmt: count,
    show: (p) => p.preset !== 'pediatric_home',
  },
  {
    key: 'uncovered_0_14', label: 'col_uncovered_children', value: (s) => s.uncovered_0_14, fmt: count,
    show: (p) => p.preset === 'pediatric_home',
  },
  {
    key: 'access_index', label: 'col_access', value: (s) => s.access_index, fmt: index,
    show: (p) => hasAccess(p.stats?.total),
  },
];

/** A row's people figures: they change with the year, not with a what-if's coverage… */
const PEOPLE_KEYS = [
  'population', 'population_0_14', 'population_65_plus', 'population_75_plus', 'estimated_share',
  'population_data_share', 'uncovered_population', 'uncovered_0_14', 'uncovered_65_plus',
  'uncovered_75_plus', 'access_index',
];
/** …except the uncovered people, which a what-if changes (for the year it counts). */
const UNCOVERED_KEYS = ['uncovered_population', 'uncovered_0_14', 'uncovered_65_plus', 'uncovered_75_plus'];

/** True when an answer's row carries the accessibility index (the server's access layer). */
function hasAccess(row) {
  return row != null && Object.hasOwn(row, 'access_index');
}

/**
 * 推計 62 % / est. 62 %: how much of a row's 500 m cell people are estimated (no census cells
 * there: spread from the municipality's figures), from `estimated_share` (0–1). Null when none
 * is (or the row has no cells).
 */
export function estimatedLabel(share) {
  if (share == null || !(share > 0)) return null;
  const pct = share < 0.005 ? '<1' : String(Math.round(share * 100));
  return { text: fmt('est_marker', { pct }), title: fmt('est_title', { pct }) };
}

/** The estimated marker as an element (a line under the row's name), or null. */
function estimatedTag(share) {
  const label = estimatedLabel(share);
  if (!label) return null;
  const tag = document.createElement('span');
  tag.className = 'est';
  tag.textContent = label.text;
  tag.title = label.title;
  return tag;
}

/** True when an answer's people are the census (not a projection). */
function isCensus(answer) {
  return String(answer?.people_basis ?? '').startsWith('census');
}

/** The region table's CSV columns: the API's keys, exactly as `/api/regions` answers them. */
export const CSV_KEYS = [
  'id', 'name', 'area_km2', 'covered_km2', 'gap_km2', 'covered_pct', 'providers_total',
  'towns_total', 'towns_uncovered', 'population', 'population_0_14', 'population_65_plus',
  'population_75_plus', 'estimated_share', 'population_data_share', 'uncovered_population',
  'uncovered_0_14', 'uncovered_65_plus', 'uncovered_75_plus',
];

/** The municipal CSV's columns: `/api/municipalities`' keys (`cells.x` = the nested `cells`). */
export const MUNI_CSV_KEYS = [
  'jis_code', 'name', 'unit', 'region_id', 'region', 'area_km2', 'covered_km2', 'gap_km2',
  'covered_pct', 'providers_total', 'towns_total', 'towns_uncovered', 'population',
  'population_65_plus', 'children_0_14', 'cells.population', 'cells.population_0_14',
  'cells.population_65_plus', 'cells.population_75_plus', 'cells.estimated_share',
  'cells.population_data_share', 'cells.uncovered_population', 'cells.uncovered_0_14',
  'cells.uncovered_65_plus', 'cells.uncovered_75_plus',
];

/** What every CSV row ends with: the people's year and basis, the layer and the data. */
const CSV_TAIL = ['year', 'people_basis', 'preset', 'radius_km', 'data_version'];

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
function csvField(v) {
  const s = v == null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * The region table of a `/api/regions` answer as CSV: UTF-8 with a byte-order mark (so Excel
 * opens the Japanese names correctly), CRLF line ends, one row per region and the prefecture
 * total (id 0); then `access_index` when the answer has it, and on every row the people's
 * `year` and `people_basis`, the preset, radius and data version.
 */
export function regionsCsv(stats, preset) {
  const keys = hasAccess(stats.total) ? [...CSV_KEYS, 'access_index'] : CSV_KEYS;
  const tail = [stats.year, stats.people_basis, preset, stats.radius_km, stats.data_version];
  const rows = [...stats.regions, stats.total].map((r) => [...keys.map((k) => r[k]), ...tail]);
  return csvText([...keys, ...CSV_TAIL], rows);
}

/** Rows and header as CSV text: UTF-8 BOM (Excel), CRLF line ends. */
function csvText(head, rows) {
  return '\ufeff' + [head, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * The municipal table of a `/api/municipalities` answer as CSV: one row per municipality
 * (unit `municipality`) and, after 熊本市, one per ward (unit `ward`: census figures, towns and
 * providers only — wards have no polygon in the data); then `access_index` when the answer
 * has it, the people's year and basis, preset, radius and data version.
 */
export function municipalitiesCsv(answer, preset) {
  const keys = answer.municipalities.some(hasAccess) ? [...MUNI_CSV_KEYS, 'access_index'] : MUNI_CSV_KEYS;
  const tail = [answer.year, answer.people_basis, preset, answer.radius_km, answer.data_version];
  const value = (row, key) => key.split('.').reduce((v, k) => v?.[k], row);
  const line = (row) => [...keys.map((k) => value(row, k)), ...tail];
  const rows = [];
  for (const m of answer.municipalities) {
    rows.push(line({ ...m, unit: 'municipality' }));
    for (const w of m.wards ?? []) {
      rows.push(line({ ...w, unit: 'ward', region_id: m.region_id, region: m.region }));
    }
  }
  return csvText([...keys, ...CSV_TAIL], rows);
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
    this.year = null; // the people's year; null = the server's default (the census year)
    this.years = null; // the years the server has people for, once known
    this.stats = null; // /api/regions answer for the preset and year
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
    this.heatSeq = 0;
    this.heatShown = null; // { preset, year, max, tiles } while the heat map is drawn
    this.noApi = false; // a static map without a live API: no what-if, no suggestions
    this.censusYear = null;
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
    this.yearSelect = root.querySelector('#year-select');
    this.yearSelect.addEventListener('change', () => this.setYear(Number(this.yearSelect.value)));
    this.heat = root.querySelector('#heat-toggle');
    this.heat.addEventListener('change', () => this.showHeat());
    onLangChange(() => {
      this.render();
      this.renderMunicipalities();
      this.renderYears();
      this.renderHeatLegend();
    });
  }

  /**
   * A static map (`site`: its static.json): the presets it holds only; no heat map when its
   * tiles are not in the folder; no what-if or suggestions without a live API.
   */
  setStatic(site) {
    const radios = [...this.root.querySelectorAll('input[name=preset]')];
    for (const input of radios) if (!site.presets.includes(input.value)) input.closest('label').remove();
    if (!site.presets.includes(this.preset)) {
      const first = this.root.querySelector('input[name=preset]');
      if (first) {
        first.checked = true;
        this.preset = first.value;
        this.root.querySelector('#preset-note').hidden = this.preset !== 'pediatric_home';
      }
    }
    if (!site.heat_map) {
      this.heat.checked = false;
      this.root.querySelector('.heat-toggle').hidden = true;
    }
    if (!site.api) {
      this.noApi = true;
      this.whatif.checked = false;
      this.root.querySelector('.whatif').hidden = true;
      this.renderSuggestButton();
    }
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
    this.showHeat();
    this.loadMunicipalities();
    await this.load();
  }

  /**
   * Switches the people's year: the region and municipality tables are asked again with
   * `year=` (coverage does not change with it; people, uncovered people and the access index
   * do), and the heat map follows.
   */
  async setYear(year) {
    if (!Number.isInteger(year)) return;
    this.year = year;
    if (this.yearSelect.value !== String(year)) this.yearSelect.value = String(year);
    this.showHeat();
    this.loadMunicipalities();
    await this.load();
  }

  /**
   * Saves the region table shown (the API's figures) as a CSV file, in the browser, labelled
   * with the preset the figures are for: the answer's own, not the switch's, which runs ahead
   * while a new preset's figures are on their way.
   */
  downloadCsv() {
    if (!this.stats) return;
    const preset = this.stats.preset ?? this.preset;
    saveFile(regionsCsv(this.stats, preset),
      `carecover-regions-${preset}-${this.stats.year}-${this.stats.data_version}.csv`, 'text/csv;charset=utf-8');
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
        const a = await api.municipalities(preset, this.year);
        saveFile(municipalitiesCsv(a, preset),
          `carecover-municipalities-${preset}-${a.year}-${a.data_version}.csv`, 'text/csv;charset=utf-8');
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

  /** Fetches the selected region's municipalities for the preset and year (people, 65+ and
   * 0–14 for all 45, uncovered 65+ from the cells, towns beyond reach, the access index) and
   * shows them under the region table. */
  async loadMunicipalities() {
    const box = this.root.querySelector('#muni');
    if (!this.selected) {
      box.hidden = true;
      return;
    }
    const seq = ++this.muniSeq;
    try {
      const region = await api.region(this.preset, this.selected, this.year);
      if (seq !== this.muniSeq) return;
      this.muni = region;
      this.renderMunicipalities();
    } catch (e) {
      if (seq === this.muniSeq) this.status(`${t('error')}: ${e.message}`);
    }
  }

  renderMunicipalities() {
    const box = this.root.querySelector('#muni');
    // /api/regions/{id}: { region: stats, municipalities: [...], year, people_basis, … }
    const region = this.muni;
    if (!region || region.region?.id !== this.selected) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    this.root.querySelector('#muni-title').textContent = fmt('muni_title', {
      region: regionName(region.region), year: region.year, basis: t(isCensus(region) ? 'basis_census' : 'basis_projection'),
    });
    const columns = this.muniColumns();
    const head = this.root.querySelector('#muni-table thead tr');
    head.replaceChildren(...columns.map(([label], i) => {
      const th = document.createElement('th');
      th.scope = 'col';
      if (i) th.className = 'num';
      th.textContent = t(label);
      return th;
    }));
    const body = this.root.querySelector('#muni-table tbody');
    body.replaceChildren();
    for (const m of region.municipalities ?? []) {
      body.append(this.muniRow(m, false, columns));
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
      if (this.wardsOpen) for (const w of m.wards) body.append(this.muniRow(w, true, columns));
    }
  }

  /**
   * The municipal table's columns after the name: [label, text of a municipality, of a ward].
   * People, 65+ and 0–14 are the municipal table's figures for the year; uncovered 65+ comes
   * from the 500 m cells (`cells`); wards have no polygon, so no coverage of their own.
   */
  muniColumns() {
    const columns = [
      ['col_muni'],
      ['col_population', (m) => count(m.population)],
      ['col_65_plus', (m) => count(m.population_65_plus)],
      ['col_children', (m) => count(m.children_0_14)],
      ['col_covered', (m) => m.covered_pct.toFixed(1), () => '—'],
      ['col_towns', (m) => `${m.towns_uncovered} / ${m.towns_total}`],
      ['col_uncovered_65', (m) => count(m.cells?.uncovered_65_plus), () => '—'],
    ];
    if (this.muni?.municipalities?.some(hasAccess)) {
      columns.push(['col_access', (m) => index(m.access_index), () => '—']);
    }
    return columns;
  }

  /** One row of the municipal table: a municipality, or (ward) one of 熊本市's wards. */
  muniRow(m, ward, columns) {
    const tr = document.createElement('tr');
    tr.dataset.jis = m.jis_code;
    if (ward) tr.className = 'ward';
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = m.name;
    const est = ward ? null : estimatedTag(m.cells?.estimated_share);
    if (est) name.append(est);
    tr.append(name);
    for (const [, value, wardValue] of columns.slice(1)) {
      const td = document.createElement('td');
      td.className = 'num';
      td.textContent = (ward && wardValue ? wardValue : value)(m);
      tr.append(td);
    }
    return tr;
  }

  async load() {
    const seq = ++this.seq;
    this.status(t('loading'));
    try {
      const stats = await api.regions(this.preset, this.year);
      if (seq !== this.seq) return;
      this.stats = stats;
      this.year = stats.year ?? this.year;
      this.root.querySelector('#download-csv').disabled = false;
      this.status('');
      this.render();
      this.loadYears(stats);
      if (this.heat.checked && !this.heatShown) this.showHeat();
    } catch (e) {
      if (seq !== this.seq) return;
      if (e.code === 'invalid_year' && this.year !== null) {
        // A year the data does not have (from the page's URL): the server's default instead.
        this.year = null;
        await this.load();
        return;
      }
      this.status(`${t('error')}: ${e.message}`);
    }
  }

  /** Learns the years the server has people for (once) and fills the year switch. */
  async loadYears(answer) {
    if (this.years) {
      this.renderYears();
      return;
    }
    let years = [];
    try {
      years = await api.peopleYears(answer);
    } catch {
      // not said: the switch offers the answer's own year only
    }
    if (answer.year != null && !years.includes(answer.year)) years = [...years, answer.year].sort((a, b) => a - b);
    // The answer without `year=` is the census year; every other year is a projection.
    if (this.censusYear == null && isCensus(answer)) this.censusYear = answer.year;
    this.years = years;
    this.renderYears();
  }

  /** The year switch: one option per year the server has, labelled census or projection. */
  renderYears() {
    const select = this.yearSelect;
    const years = this.years ?? (this.year != null ? [this.year] : []);
    const census = this.censusYear ?? years[0];
    select.replaceChildren(...years.map((y) => {
      const o = document.createElement('option');
      o.value = String(y);
      o.textContent = fmt(y === census ? 'year_option_census' : 'year_option_projection', { year: y });
      return o;
    }));
    if (this.year != null) select.value = String(this.year);
    select.disabled = years.length < 2;
  }

  /**
   * The line above the region table: the people's year, census or projection, the 75+ caveat
   * where the server says 75+ is not projected (`people_method`), and what 推計 % means.
   */
  renderPeopleNote() {
    const box = this.root.querySelector('#people-note');
    const a = this.stats;
    if (!a?.year) {
      box.replaceChildren();
      return;
    }
    const census = isCensus(a);
    const head = document.createElement('strong');
    head.textContent = fmt('people_heading', { year: a.year, basis: t(census ? 'basis_census' : 'basis_projection') });
    const parts = [t(census ? 'people_census' : 'people_projection')];
    if (!census && /75\+/.test(a.people_method ?? '')) parts.push(t('people_75_caveat'));
    if ([...a.regions, a.total].some((r) => r.estimated_share > 0)) parts.push(t('people_est_note'));
    if (this.scenario && !this.scenarioSameYear()) parts.push(fmt('whatif_people_note', { year: a.year }));
    if (this.scenario && hasAccess(a.total)) parts.push(t('whatif_access_note'));
    box.replaceChildren(head, ' ', parts.join(' '));
    box.title = a.people_method ?? '';
    box.dataset.basis = a.people_basis ?? '';
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

  /**
   * Rows as { id, before, after } (after only while a what-if is on). Before is the year's row;
   * a what-if changes the coverage columns, and the uncovered people only when the scenario
   * counts the same year's people (scenarios count the census year unless they say `year`).
   */
  rows() {
    const byId = new Map((this.stats?.regions ?? []).map((s) => [s.id, s]));
    if (this.scenario) {
      return this.scenario.regions.map((r) => this.scenarioRow(r.id, byId.get(r.id) ?? r.before, r.changed ? r.after : null));
    }
    return [...byId.values()].map((s) => ({ id: s.id, before: s, after: null }));
  }

  totalRow() {
    if (this.scenario) return this.scenarioRow(0, this.stats?.total ?? this.scenario.total.before, this.scenario.total.after);
    return this.stats ? { id: 0, before: this.stats.total, after: null } : null;
  }

  scenarioRow(id, before, after) {
    if (!after) return { id, before, after: null };
    const merged = { ...before };
    for (const [k, v] of Object.entries(after)) {
      if (!PEOPLE_KEYS.includes(k) || (this.scenarioSameYear() && UNCOVERED_KEYS.includes(k))) merged[k] = v;
    }
    return { id, before, after: merged };
  }

  /** True when the what-if's people figures are for the year the table shows. */
  scenarioSameYear() {
    if (!this.scenario || !this.stats) return true;
    return this.scenario.year != null ? this.scenario.year === this.stats.year : isCensus(this.stats);
  }

  /** The columns shown now (see COLUMNS' `show`). */
  columns() {
    return COLUMNS.filter((c) => !c.show || c.show(this));
  }

  sortedRows() {
    const col = this.columns().find((c) => c.key === this.sort.key);
    const rows = this.rows();
    const num = (v) => (v == null ? -Infinity : v);
    rows.sort((a, b) => {
      const va = col.value(a.after ?? a.before);
      const vb = col.value(b.after ?? b.before);
      const cmp = typeof va === 'string' ? va.localeCompare(vb, 'ja') : num(va) - num(vb);
      return (cmp || 0) * this.sort.dir || a.id - b.id;
    });
    return rows;
  }

  render() {
    // A column the preset hides (uncovered 65+ for 小児在宅) sorts no more.
    if (!this.columns().some((c) => c.key === this.sort.key)) this.sort = { key: 'covered_pct', dir: 1 };
    this.renderHead();
    this.renderPeopleNote();
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
    tr.replaceChildren(...this.columns().map((c) => this.headCell(c)));
  }

  headCell(col) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.dataset.key = col.key;
    const active = this.sort.key === col.key;
    th.setAttribute('aria-sort', active ? (this.sort.dir > 0 ? 'ascending' : 'descending') : 'none');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = t(col.label) + (active ? (this.sort.dir > 0 ? ' ▲' : ' ▼') : '');
    if (col.key === 'access_index') b.title = t('col_access_title');
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
    for (const col of this.columns()) tr.append(this.cell(col, row, label));
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
    td.dataset.key = col.key;
    if (col.key === 'name') {
      td.scope = 'row';
      td.textContent = label ?? regionName(row.before);
      const est = estimatedTag(row.before.estimated_share);
      if (est) td.append(est);
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
      // Coverage and gaps tile each region under any preset: the current one's extents.
      const fc = await api.coverage(this.preset);
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
    b.hidden = this.noApi;
    this.root.querySelector('#suggest-pick').hidden = this.noApi || Boolean(this.selected);
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
    this.showHeat();
  }

  // ---- the access heat map ----

  /**
   * The access index heat map: while planning, when its box is ticked, the server's
   * `/tiles/access/{preset}/{year}/…` cells under the provider points, following the preset
   * and year switches. Its colour scale is the preset's (from the census year's prefecture
   * index), the same for every year, so years compare by colour.
   */
  async showHeat() {
    const checked = this.heat.checked;
    this.root.querySelector('#heat-note').hidden = !checked;
    const map = this.map;
    const on = this.active && checked && this.year != null;
    const seq = ++this.heatSeq;
    if (!map?.getLayer('municipalities-line') || !on) {
      for (const id of ACCESS_LAYERS) if (map?.getLayer(id)) map.setLayoutProperty(id, 'visibility', 'none');
      this.heatShown = null;
      this.renderHeatLegend();
      return;
    }
    const preset = this.preset;
    const year = this.year;
    let max;
    try {
      max = await this.heatScale(preset);
    } catch (e) {
      if (seq === this.heatSeq) this.status(`${t('error')}: ${e.message}`);
      return;
    }
    if (seq !== this.heatSeq) return;
    const tiles = [api.accessTiles(preset, year)];
    if (!map.hasImage('access-cell')) map.addImage('access-cell', accessCellImage(), { sdf: true });
    const source = map.getSource('access');
    if (source && JSON.stringify(source.tiles) !== JSON.stringify(tiles)) {
      // Another preset or year: a new source. (setTiles would re-parse the tiles already
      // loaded instead of fetching the new URL's.)
      for (const id of ACCESS_LAYERS) if (map.getLayer(id)) map.removeLayer(id);
      map.removeSource('access');
    }
    if (!map.getSource('access')) {
      map.addSource('access', { type: 'vector', tiles, ...ACCESS_ZOOMS });
      for (const [before, layer] of accessLayers(max)) map.addLayer(layer, before);
    } else {
      map.setPaintProperty('access-fill', 'fill-color', accessColor(max));
      map.setPaintProperty('access-cells', 'icon-color', accessColor(max));
      for (const id of ACCESS_LAYERS) map.setLayoutProperty(id, 'visibility', 'visible');
    }
    this.heatShown = { preset, year, max, tiles: tiles[0] };
    this.renderHeatLegend();
  }

  /**
   * The top of the preset's colour scale: twice the prefecture's index in the census year
   * (`/api/access`, no `year=`), rounded up to a round number, so the prefecture's mean sits in
   * the lower half of the ramp and a few outlying cells (a clinic among few people) do not
   * flatten the rest. Cells above it take the top colour. Asked once per preset.
   */
  async heatScale(preset) {
    this.heatScales ??= new Map();
    if (!this.heatScales.has(preset)) {
      const ask = api.access(preset).then((a) => roundUp(Math.max(2 * (a.total?.access_index ?? 0), 0.1)));
      this.heatScales.set(preset, ask);
      ask.catch(() => this.heatScales.delete(preset));
    }
    return this.heatScales.get(preset);
  }

  /** The heat map's legend (on the map's legend, above the other keys) while it is shown. */
  renderHeatLegend() {
    const box = document.getElementById('heat-legend');
    if (!box) return;
    const shown = this.heatShown;
    box.hidden = !shown;
    if (!shown) {
      box.replaceChildren();
      return;
    }
    const div = (cls, ...content) => {
      const d = document.createElement('div');
      d.className = cls;
      d.append(...content);
      return d;
    };
    const span = (text) => {
      const e = document.createElement('span');
      e.textContent = text;
      return e;
    };
    const bar = div('heat-bar');
    bar.style.background = `linear-gradient(to right, ${ACCESS_RAMP.join(', ')})`;
    bar.setAttribute('role', 'img');
    bar.setAttribute('aria-label', `${t('heat_low')} 0 – ${t('heat_high')} ≥${fmtTick(shown.max)}`);
    const ticks = div('heat-ticks', span('0'), span(fmtTick(shown.max / 2)), span(`≥${fmtTick(shown.max)}`));
    const swatch = document.createElement('span');
    swatch.className = 'swatch est-light';
    swatch.style.background = ACCESS_RAMP[2];
    swatch.style.opacity = String(ACCESS_OPACITY.estimated);
    box.replaceChildren(
      div('heat-title', fmt('heat_title', { year: shown.year })),
      div('heat-unit', t('heat_unit')),
      bar,
      ticks,
      div('heat-ends', span(t('heat_low')), span(t('heat_high'))),
      div('heat-est', swatch, span(t('heat_estimated'))),
    );
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

/** The zooms the server cuts access tiles for (none below; MapLibre overzooms the last). */
const ACCESS_ZOOMS = { minzoom: 7, maxzoom: 14 };

/** The first of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^n at or above v: a legend's top. */
function roundUp(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * p).find((x) => x >= v - 1e-9);
}

/** A legend tick: at most two decimals, no trailing zeros. */
function fmtTick(v) {
  return String(Math.round(v * 100) / 100);
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
