// The carecover map widget: a MapLibre map of this server's vector tiles, a nurse view
// (nearest providers) and a planner view (coverage by medical region, what-if, suggestions).

import { t, translate, toggleLang, onLangChange } from './js/i18n.js';
import {
  buildStyle, hatchImage, PROVIDER_CLASSES, PROVIDER_LAYERS, RESOURCE_CLASSES, COLORS, VIEW_LAYERS,
} from './js/mapstyle.js';
import { NurseView, resourceKinds } from './js/nurse.js';
import { sourceText } from './js/referral.js';
import * as api from './js/api.js';
import { PlannerView } from './js/planner.js';

// Map errors, kept for the browser test and shown to the user.
window.carecoverErrors = [];

function showNotice(node) {
  const box = document.getElementById('notice');
  box.replaceChildren(node);
  box.hidden = false;
}

function missingMapLibre() {
  const p = document.createElement('p');
  const code = document.createElement('code');
  code.textContent = 'cargo build --release';
  p.append(t('no_maplibre'), ' ', code);
  showNotice(p);
  document.getElementById('legend').hidden = true;
}

/** Fetches a JSON document of this server, or null with a notice (and the error kept). */
async function serverJson(path) {
  try {
    const r = await fetch(path);
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return await r.json();
  } catch (e) {
    window.carecoverErrors.push(String(e.message ?? e));
    const p = document.createElement('p');
    p.textContent = `${t('map_error')}: ${e.message ?? e}`;
    showNotice(p);
    return null;
  }
}

/**
 * The map's first view and its style, fetched together (neither waits for the other): the
 * server's map style (basemap, labels, coverage, providers) and the area it serves, the
 * TileJSON `bounds` [west, south, east, north] it derives from the data. Null style: no map.
 */
async function serverMap() {
  const [style, tilejson] = await Promise.all([serverJson('style.json'), serverJson('tiles.json')]);
  if (style && api.staticSite()) staticUrls(style);
  const b = tilejson?.bounds;
  const bounds = Array.isArray(b) && b.length === 4 ? [[b[0], b[1]], [b[2], b[3]]] : null;
  return { style, bounds, center: tilejson?.center ?? null };
}

/**
 * A static export's style names the archive (`pmtiles://kumamoto.pmtiles`) and the glyphs
 * (`fonts/…`) relative to the folder, so that it works under any path prefix: made absolute
 * here against the page's own URL, as MapLibre needs.
 */
function staticUrls(style) {
  const here = (path) => new URL(path, document.baseURI).href;
  for (const source of Object.values(style.sources ?? {})) {
    if (typeof source.url === 'string' && source.url.startsWith('pmtiles://')) {
      source.url = `pmtiles://${here(source.url.slice('pmtiles://'.length))}`;
    }
  }
  // `{` and `}` of the template must stay as they are: the folder's URL, then the template.
  if (typeof style.glyphs === 'string' && !/^[a-z]+:/.test(style.glyphs)) {
    style.glyphs = here('./') + style.glyphs;
  }
}

/** Loads a classic script of the page's own folder (the static map's pmtiles reader). */
function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`${src} did not load`));
    document.head.append(script);
  });
}

/**
 * A static export: the tiles are read from the PMTiles archive with HTTP range requests, by
 * the pmtiles protocol (vendor/pmtiles.js, shipped in the folder). False (with a notice) when
 * that cannot be set up.
 */
async function setupStatic() {
  try {
    await loadScript('vendor/pmtiles.js');
    const protocol = new window.pmtiles.Protocol();
    window.maplibregl.addProtocol('pmtiles', protocol.tile);
    return true;
  } catch (e) {
    window.carecoverErrors.push(String(e.message ?? e));
    const p = document.createElement('p');
    p.textContent = `${t('map_error')}: ${e.message ?? e}`;
    showNotice(p);
    return false;
  }
}

/** A map narrower than 640 px (a phone, or a small <iframe>): its credits fold. */
function narrowMap() {
  return document.getElementById('map').clientWidth <= 640;
}

/** The opening view: the served area fitted (else the TileJSON centre, else MapLibre's). */
function initialView({ bounds, center }) {
  if (bounds) return { bounds, fitBoundsOptions: { padding: 8 } };
  if (Array.isArray(center) && center.length >= 2) return { center: center.slice(0, 2), zoom: center[2] ?? 8 };
  return {};
}

function createMap({ style, ...view }) {
  const map = new window.maplibregl.Map({
    container: 'map',
    style: buildStyle(style, 'home_care'),
    // CJK labels from the server's glyphs (BIZ UDPGothic), not the browser's local fonts:
    // the same map everywhere, headless browsers without Japanese fonts included.
    localIdeographFontFamily: false,
    ...initialView(view),
    minZoom: 5,
    maxZoom: 17,
    dragRotate: false,
    pitchWithRotate: false,
    // Every source stays credited in full on wide screens; on phones it folds to an (i)
    // button after the first interaction.
    attributionControl: { compact: narrowMap() },
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new window.maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new window.maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  map.on('styleimagemissing', (e) => {
    if (e.id === 'hatch' && !map.hasImage('hatch')) map.addImage('hatch', hatchImage());
  });
  map.on('error', (e) => {
    const message = e.error?.message ?? String(e.error ?? 'unknown map error');
    window.carecoverErrors.push(message);
    const p = document.createElement('p');
    p.textContent = `${t('map_error')}: ${message}`;
    showNotice(p);
  });
  return map;
}

/** A provider's or resource's name, address, what it offers and its source, on hover. */
function providerPopup(map) {
  const popup = new window.maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 8 });
  for (const layer of PROVIDER_LAYERS) {
    map.on('mouseenter', layer, (e) => {
      map.getCanvas().style.cursor = 'pointer';
      const p = e.features[0].properties;
      const div = document.createElement('div');
      div.className = 'provider-popup';
      const strong = document.createElement('strong');
      strong.textContent = p.name;
      div.append(strong, document.createElement('br'), p.address ?? '');
      const line = (cls, text) => {
        const d = document.createElement('div');
        d.className = cls;
        d.textContent = text;
        div.append(d);
      };
      if (p.facility_type === 'resource') {
        const kind = RESOURCE_CLASSES.find(([cls]) => cls === p.class)?.[1];
        if (kind) line('popup-kind', t(`kind_${kind}`));
      }
      if (p.capabilities) line('popup-capabilities', `${t('capabilities')}: ${p.capabilities}`);
      if (p.source) line('popup-source', sourceText(p));
      popup.setLngLat(e.features[0].geometry.coordinates).setDOMContent(div).addTo(map);
    });
    map.on('mouseleave', layer, () => {
      map.getCanvas().style.cursor = '';
      popup.remove();
    });
  }
  // A pop-up belongs to the point under the pointer: once the map moves (a search fitting its
  // results), it would name a place the pointer has left.
  map.on('movestart', () => popup.remove());
}

function legendItem(swatchClass, color, key) {
  const li = document.createElement('li');
  const sw = document.createElement('span');
  sw.className = `swatch ${swatchClass}`;
  sw.style.setProperty('--c', color);
  const label = document.createElement('span');
  label.dataset.i18n = key;
  label.textContent = t(key);
  li.append(sw, label);
  return li;
}

/** The legend; the local resource kinds the data has (`resources`) after the providers. */
function renderLegend(resources = []) {
  const list = document.getElementById('legend-list');
  const group = document.createElement('li');
  group.className = 'legend-group';
  group.dataset.i18n = 'legend_resources';
  group.textContent = t('legend_resources');
  const resourceItems = resources.map((k) => {
    const [cls, , color] = RESOURCE_CLASSES.find(([, kind]) => kind === k.kind) ?? [k.class, k.kind, '#555555'];
    const li = legendItem('resource', color, `kind_${k.kind}`);
    li.dataset.class = cls;
    return li;
  });
  // A static map without an API has no search results, what-if sites or suggestions to key.
  const liveOnly = api.liveApi() ? [] : ['legend_result', 'legend_whatif', 'legend_suggest'];
  const items = [
    legendItem('area', COLORS.coverage, 'legend_coverage'),
    legendItem('area hatch', COLORS.gap, 'legend_gap'),
    legendItem('area', COLORS.road, 'legend_road'),
    ...PROVIDER_CLASSES.map(([, color, key]) => legendItem('dot', color, key)),
    legendItem('ring', COLORS.pediatric, 'legend_pediatric'),
    ...(resourceItems.length ? [group, ...resourceItems] : []),
    legendItem('dot small', COLORS.townCovered, 'legend_town_cov'),
    legendItem('dot small', COLORS.townGap, 'legend_town_gap'),
    legendItem('line', COLORS.roadBusy, 'legend_road_busy'),
    legendItem('line', COLORS.roadOther, 'legend_road_other'),
    legendItem('ring', COLORS.result, 'legend_result'),
    legendItem('ring', COLORS.whatif, 'legend_whatif'),
    legendItem('dot outlined', COLORS.suggest, 'legend_suggest'),
  ];
  list.replaceChildren(...items.filter((li) => !liveOnly.includes(li.querySelector('[data-i18n]')?.dataset.i18n)));
}

/** Shows the overlays of the current view only (nurse results, planner sites). */
function showViewLayers(map, view) {
  if (!map?.getLayer('results-ring')) return;
  for (const [owner, ids] of Object.entries(VIEW_LAYERS)) {
    for (const id of ids) map.setLayoutProperty(id, 'visibility', owner === view ? 'visible' : 'none');
  }
}

function setupTabs(state, map, nurse, planner) {
  const tabs = document.querySelectorAll('[role=tab]');
  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      state.view = tab.dataset.view;
      for (const other of tabs) {
        const on = other === tab;
        other.setAttribute('aria-selected', String(on));
        other.tabIndex = on ? 0 : -1;
        document.getElementById(other.getAttribute('aria-controls')).hidden = !on;
      }
      showViewLayers(map, state.view);
      // A wider panel while planning (the region table's people columns), on wide screens.
      document.body.classList.toggle('planning', state.view === 'planner');
      nurse.showMarkers(state.view === 'nurse');
      planner.setActive(state.view === 'planner');
    });
    // WAI-ARIA tabs: arrow keys move between the tabs, and select them.
    tab.addEventListener('keydown', (e) => {
      const list = [...tabs];
      const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (!step) return;
      e.preventDefault();
      const next = list[(list.indexOf(tab) + step + list.length) % list.length];
      next.focus();
      next.click();
    });
  }
}

/**
 * The page's own URL parameters, for links and embedding (`<iframe src="/?view=planner&
 * preset=pediatric_home&lang=en">`): `view` (nurse | planner), `preset` (a planner preset),
 * `year` (the people's year: one the server has, else its default), `lang` (ja | en, read by
 * i18n.js). Unknown values are ignored: the page opens as usual.
 */
function applyUrlParams(planner) {
  const params = new URLSearchParams(location.search);
  const year = params.get('year');
  if (/^\d{4}$/.test(year ?? '')) planner.year = Number(year);
  const preset = params.get('preset');
  const radio = [...document.querySelectorAll('input[name=preset]')].find((r) => r.value === preset);
  if (radio) {
    radio.checked = true;
    planner.setPreset(preset);
  } else {
    planner.load();
  }
  if (params.get('view') === 'planner') document.getElementById('tab-planner').click();
}

async function main() {
  translate();
  renderLegend();
  document.getElementById('lang-toggle').addEventListener('click', toggleLang);
  if (window.matchMedia('(max-width: 720px)').matches || narrowMap()) document.getElementById('legend').open = false;
  const state = { view: 'nurse' };
  // A static export (its index.html says so) reads static.json first: which presets and years
  // it holds, and the API (if any) that nearest and what-if may call.
  const site = await api.init().catch((e) => {
    window.carecoverErrors.push(`static.json: ${e.message ?? e}`);
    const p = document.createElement('p');
    p.textContent = `${t('map_error')}: ${e.message ?? e}`;
    showNotice(p);
    return null;
  });
  const staticOk = !document.querySelector('meta[name="carecover-static"]') || (site && window.maplibregl && await setupStatic());

  // The kinds the data has: the nurse view's resource group and the legend's resource entries.
  const kinds = api.kinds().catch((e) => {
    window.carecoverErrors.push(`kinds: ${e.message ?? e}`);
    return null;
  });
  let map = null;
  const served = window.maplibregl && staticOk ? await serverMap() : { style: null };
  if (served.style) {
    map = createMap(served);
    window.carecoverMap = map;
  } else if (window.maplibregl) {
    document.getElementById('legend').hidden = true;
  } else {
    missingMapLibre();
    onLangChange(missingMapLibre);
  }
  const nurse = new NurseView(document.getElementById('nurse-view'), map);
  const planner = new PlannerView(document.getElementById('planner-view'), map);
  if (site) {
    planner.setStatic(site);
    if (!api.liveApi()) nurse.disable();
  }
  window.carecover = { nurse, planner, state, site };
  setupTabs(state, map, nurse, planner);
  applyUrlParams(planner);
  // Registered before any wait, so that the map's load event cannot pass unseen.
  if (map) setupMap(map, state, nurse, planner);
  const resources = resourceKinds(await kinds);
  nurse.setResourceKinds(resources);
  renderLegend(resources);
}

/** The map's popups and its load and click handlers. */
function setupMap(map, state, nurse, planner) {
  providerPopup(map);
  map.on('load', () => {
    // On a phone or in a small frame the credits start folded behind their (i) button: expanded they would cover
    // most of the small map. They stay one tap away.
    if (narrowMap()) {
      map.getContainer().querySelector('.maplibregl-compact-show')?.classList.remove('maplibregl-compact-show');
    }
    showViewLayers(map, state.view);
    planner.applyMapFilters(); // a preset chosen (from the URL) before the style loaded
    planner.showHeat();
  });
  map.on('click', (e) => {
    map.getContainer().querySelector('.maplibregl-compact-show')?.classList.remove('maplibregl-compact-show');
    if (state.view === 'nurse') nurse.onMapClick(e.lngLat);
    else if (planner.whatIfOn) planner.addSite(e.lngLat);
    else planner.selectAt(e.point);
  });
}

main();
