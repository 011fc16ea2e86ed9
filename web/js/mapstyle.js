// The map style, built here so the tile source URL follows the page's origin. No basemap and
// no glyphs: nothing but this server is reachable, so names live in the panel, not the map.

export const COLORS = {
  sea: '#d7e6ef',
  land: '#f6f4ee',
  regionLine: '#5b6770',
  selected: '#1b3a57',
  coverage: '#4caf7a',
  gap: '#d7263d',
  townCovered: '#2d7a4f',
  townGap: '#d7263d',
  result: '#ffd400',
  whatif: '#6a1b9a',
  suggest: '#fdd835',
  road: '#1e5fb4',
  pediatric: '#e91e63',
};

/** The pediatric kinds (provider properties in the tiles). */
export const PEDIATRIC_KINDS = [
  'pediatric_primary_care', 'pediatric_inpatient', 'pediatric_icu', 'pediatric_after_hours',
];

export const PROVIDER_CLASSES = [
  ['palliative_care_ward', '#8e24aa', 'legend_ward'],
  ['enhanced_home_palliative', '#ef6c00', 'legend_enhanced'],
  ['home_care_support_clinic', '#1565c0', 'legend_clinic'],
  ['home_care_support_hospital', '#00897b', 'legend_hospital'],
  ['other', '#9e9e9e', 'legend_other'],
];

const EMPTY = { type: 'FeatureCollection', features: [] };

/** The GeoJSON overlays the page draws into, by source id. */
export const OVERLAYS = ['query', 'results', 'whatif', 'whatif-area', 'suggest', 'scenario-gaps'];

function providerColor() {
  const m = ['match', ['get', 'class']];
  for (const [cls, color] of PROVIDER_CLASSES) m.push(cls, color);
  m.push('#9e9e9e');
  return m;
}

function providerRank() {
  const m = ['match', ['get', 'class']];
  PROVIDER_CLASSES.forEach(([cls], i) => m.push(cls, PROVIDER_CLASSES.length - i));
  m.push(0);
  return m;
}

/** Overlay layers that belong to one view; hidden while the other view is shown. */
export const VIEW_LAYERS = {
  nurse: ['results-ring', 'query-point'],
  planner: ['whatif-point', 'whatif-area-line', 'suggest-point'],
};

function presetFilter(preset) {
  return ['==', ['get', 'preset'], preset];
}

function baseLayers(preset) {
  return [
    { id: 'background', type: 'background', paint: { 'background-color': COLORS.sea } },
    {
      id: 'regions-fill', type: 'fill', source: 'carecover', 'source-layer': 'regions',
      paint: { 'fill-color': COLORS.land },
    },
    {
      id: 'coverage-fill', type: 'fill', source: 'carecover', 'source-layer': 'coverage',
      filter: presetFilter(preset),
      paint: { 'fill-color': COLORS.coverage, 'fill-opacity': 0.22 },
    },
    {
      // Regions a what-if changed: covered = the region minus the scenario's gaps drawn on top.
      id: 'scenario-covered', type: 'fill', source: 'carecover', 'source-layer': 'regions',
      filter: ['in', ['get', 'id'], ['literal', []]],
      paint: { 'fill-color': COLORS.coverage, 'fill-opacity': 0.22 },
    },
    {
      id: 'gaps-fill', type: 'fill', source: 'carecover', 'source-layer': 'gaps',
      filter: presetFilter(preset),
      paint: { 'fill-color': COLORS.gap, 'fill-opacity': 0.12 },
    },
    {
      id: 'gaps-hatch', type: 'fill', source: 'carecover', 'source-layer': 'gaps',
      filter: presetFilter(preset),
      paint: { 'fill-pattern': 'hatch', 'fill-opacity': 0.8 },
    },
    {
      // Practical reach (home_care, 16 road-km + the stated buffer), off until asked for.
      id: 'road-coverage-fill', type: 'fill', source: 'carecover', 'source-layer': 'road_coverage',
      layout: { visibility: 'none' },
      paint: { 'fill-color': COLORS.road, 'fill-opacity': 0.14 },
    },
    {
      id: 'road-coverage-line', type: 'line', source: 'carecover', 'source-layer': 'road_coverage',
      layout: { visibility: 'none' },
      paint: { 'line-color': COLORS.road, 'line-width': 1.2 },
    },
    {
      id: 'scenario-gaps-fill', type: 'fill', source: 'scenario-gaps',
      paint: { 'fill-color': COLORS.gap, 'fill-opacity': 0.12 },
    },
    {
      id: 'scenario-gaps-hatch', type: 'fill', source: 'scenario-gaps',
      paint: { 'fill-pattern': 'hatch', 'fill-opacity': 0.8 },
    },
    {
      id: 'whatif-area-line', type: 'line', source: 'whatif-area',
      paint: { 'line-color': COLORS.whatif, 'line-width': 1.5, 'line-dasharray': [3, 2] },
    },
    {
      id: 'regions-line', type: 'line', source: 'carecover', 'source-layer': 'regions',
      paint: { 'line-color': COLORS.regionLine, 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 0.8, 12, 2] },
    },
    {
      id: 'regions-selected', type: 'line', source: 'carecover', 'source-layer': 'regions',
      filter: ['==', ['get', 'id'], -1],
      paint: { 'line-color': COLORS.selected, 'line-width': 3.5 },
    },
  ];
}

function pointLayers() {
  return [
    {
      id: 'towns-circle', type: 'circle', source: 'carecover', 'source-layer': 'towns', minzoom: 12,
      paint: {
        'circle-radius': 2.5,
        'circle-color': ['case', ['get', 'covered'], COLORS.townCovered, COLORS.townGap],
        'circle-opacity': 0.7,
      },
    },
    {
      id: 'providers-circle', type: 'circle', source: 'carecover', 'source-layer': 'providers',
      // Providers share town points: draw the more palliative classes on top.
      layout: { 'circle-sort-key': providerRank() },
      paint: {
        'circle-color': providerColor(),
        'circle-radius': [
          'interpolate', ['linear'], ['zoom'],
          6, ['match', ['get', 'class'], 'palliative_care_ward', 5, 'other', 1.5, 3],
          13, ['match', ['get', 'class'], 'palliative_care_ward', 10, 'other', 4, 7],
        ],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': ['match', ['get', 'class'], 'palliative_care_ward', 2, 'other', 0, 1],
      },
    },
    {
      // Providers holding a pediatric standard (any of the four kinds): a ring on top.
      id: 'providers-pediatric', type: 'circle', source: 'carecover', 'source-layer': 'providers',
      filter: ['any', ...PEDIATRIC_KINDS.map((k) => ['==', ['get', k], true])],
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 6, 4, 13, 9],
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': COLORS.pediatric, 'circle-stroke-width': 2,
      },
    },
    {
      id: 'results-ring', type: 'circle', source: 'results',
      paint: {
        'circle-radius': 11, 'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': COLORS.result, 'circle-stroke-width': 4,
      },
    },
    {
      id: 'query-point', type: 'circle', source: 'query',
      paint: {
        'circle-radius': 7, 'circle-color': '#111111',
        'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3,
      },
    },
    {
      id: 'whatif-point', type: 'circle', source: 'whatif',
      paint: {
        'circle-radius': 7, 'circle-color': '#ffffff',
        'circle-stroke-color': COLORS.whatif, 'circle-stroke-width': 4,
      },
    },
    {
      id: 'suggest-point', type: 'circle', source: 'suggest',
      paint: {
        'circle-radius': 9, 'circle-color': COLORS.suggest,
        'circle-stroke-color': '#263238', 'circle-stroke-width': 2.5,
      },
    },
  ];
}

/** The whole style for `origin` (e.g. http://127.0.0.1:8080) with `preset` showing. */
export function buildStyle(origin, preset) {
  const sources = { carecover: { type: 'vector', url: `${origin}/tiles.json` } };
  for (const id of OVERLAYS) sources[id] = { type: 'geojson', data: EMPTY };
  return { version: 8, name: 'carecover', sources, layers: [...baseLayers(preset), ...pointLayers()] };
}

/** The road-coverage layers the planner's checkbox shows. */
export const ROAD_LAYERS = ['road-coverage-fill', 'road-coverage-line'];

/** Layers whose filter follows the planner's preset. */
export const PRESET_LAYERS = ['coverage-fill', 'gaps-fill', 'gaps-hatch'];

/**
 * Filters for the planner's preset with `redrawn` regions (changed by a what-if) taken out of
 * the tile layers and drawn from the scenario instead, by layer id.
 */
export function presetFilters(preset, redrawn = []) {
  let f = presetFilter(preset);
  if (redrawn.length) f = ['all', f, ['!', ['in', ['get', 'region_id'], ['literal', redrawn]]]];
  const filters = Object.fromEntries(PRESET_LAYERS.map((id) => [id, f]));
  filters['scenario-covered'] = ['in', ['get', 'id'], ['literal', redrawn]];
  return filters;
}

/** Diagonal red hatching for gaps, drawn in code (no sprite sheet to fetch). */
export function hatchImage(size = 12) {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const onLine = (x + y) % size < 2;
      const i = (y * size + x) * 4;
      data[i] = 0xd7; data[i + 1] = 0x26; data[i + 2] = 0x3d;
      data[i + 3] = onLine ? 200 : 0;
    }
  }
  return { width: size, height: size, data };
}

/** A numbered HTML label beside a point (the map has no glyphs for symbol text). */
export function rankMarker(map, lon, lat, n, title) {
  const label = document.createElement('div');
  label.className = 'rank-label';
  label.textContent = String(n);
  label.title = title;
  const marker = new window.maplibregl.Marker({ element: label, anchor: 'bottom-left', offset: [7, -7] });
  // MapLibre names every marker "Map marker"; a screen reader should hear the rank it shows.
  label.setAttribute('aria-label', `${n} ${title}`);
  return marker.setLngLat([lon, lat]).addTo(map);
}

export function featureCollection(features) {
  return { type: 'FeatureCollection', features };
}

export function pointFeature(lon, lat, properties = {}) {
  return { type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties };
}

/** A circle of radius_km around a point (spherical, 64 vertices): the 16 km reach drawn. */
export function circleFeature(lon, lat, radiusKm, properties = {}) {
  const R = 6371.0088;
  const d = radiusKm / R;
  const φ1 = (lat * Math.PI) / 180;
  const λ1 = (lon * Math.PI) / 180;
  const ring = [];
  for (let i = 0; i <= 64; i++) {
    const θ = (i / 64) * 2 * Math.PI;
    const φ2 = Math.asin(Math.sin(φ1) * Math.cos(d) + Math.cos(φ1) * Math.sin(d) * Math.cos(θ));
    const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(d) * Math.cos(φ1), Math.cos(d) - Math.sin(φ1) * Math.sin(φ2));
    ring.push([(λ2 * 180) / Math.PI, (φ2 * 180) / Math.PI]);
  }
  return { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties };
}
