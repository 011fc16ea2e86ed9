// The widget's additions to the server's map style (`/style.json`, kept in tiles/style.json):
// GeoJSON overlays for answers, the gap hatching and the planner's what-if layers. Colours of
// the overlays and the legend live here; the basemap's live in the served style.

// The legend's colours of layers drawn by the served style must equal the style's paint (the
// browser test compares them with /style.json). Coverage, gaps and provider kinds use the
// Okabe–Ito colour-universal-design palette (Okabe & Ito 2008; Wong, Nature Methods 2011) with
// Paul Tol's "wine" for the palliative-care ward, so they stay apart in colour blindness (the
// browser test simulates protan, deutan and tritan vision, Machado et al. 2009, and asks for
// CIELAB ΔE ≥ 15 between any two): covered = bluish green, gap = vermillion plus hatching (a
// pattern, not colour alone), kinds = wine / orange / blue / sky blue / grey; rings
// (pediatric, results, what-if) differ by shape as well as colour.
export const COLORS = {
  coverage: '#009e73',
  gap: '#d55e00',
  townCovered: '#006e52',
  townGap: '#d55e00',
  result: '#ffd400',
  whatif: '#6a1b9a',
  suggest: '#fdd835',
  road: '#0072b2',
  roadBusy: '#f8cd78',
  roadOther: '#ffffff',
  pediatric: '#e91e63',
};

/** The fontstack of the served style's labels (`/fonts/{fontstack}/…`). */
export const LABEL_FONT = 'BIZ UDPGothic Regular';

export const PROVIDER_CLASSES = [
  ['palliative_care_ward', '#882255', 'legend_ward'],
  ['enhanced_home_palliative', '#e69f00', 'legend_enhanced'],
  ['home_care_support_clinic', '#0072b2', 'legend_clinic'],
  ['home_care_support_hospital', '#56b4e9', 'legend_hospital'],
  ['other', '#999999', 'legend_other'],
];

/**
 * Local resources (the resource lists: 訪問看護ステーション, pharmacies …), by tile `class`:
 * [class, kind, colour]. The served style draws them as rings with a white centre
 * (`resources-circle`), under the filled dots of the medical providers, so they differ by shape
 * as well as colour; their colours stay apart in simulated colour blindness (the browser
 * test's ΔE ≥ 15).
 */
export const RESOURCE_CLASSES = [
  ['home_visit_nursing', 'home_visit_nursing', '#009988'],
  ['pharmacy', 'pharmacy', '#117733'],
  ['home_care_pharmacy', 'home_care_pharmacy', '#332288'],
  ['care_home', 'care_home', '#997700'],
  ['care_manager', 'care_manager', '#aa4499'],
  ['other_resource', 'other', '#555555'],
];

/** The map layers of the providers tile layer a pointer can pick (medical and resources). */
export const PROVIDER_LAYERS = ['providers-circle', 'resources-circle'];

const EMPTY = { type: 'FeatureCollection', features: [] };

/** The GeoJSON overlays the page draws into, by source id. */
export const OVERLAYS = ['query', 'results', 'whatif', 'whatif-area', 'suggest', 'scenario-gaps'];

/** Overlay layers that belong to one view; hidden while the other view is shown. */
export const VIEW_LAYERS = {
  nurse: ['results-ring', 'query-point', 'query-label'],
  planner: ['whatif-point', 'whatif-area-line', 'suggest-point'],
};

function presetFilter(preset) {
  return ['==', ['get', 'preset'], preset];
}

/**
 * The widget's own layers, each placed before a layer of the server's style (`/style.json`):
 * the hatching (a `fill-pattern` image the widget draws itself, so the served style needs no
 * sprite), the planner's what-if areas and the points of both views, under the labels.
 */
function overlayLayers(preset) {
  return [
    ['gaps-fill', {
      // Regions a what-if changed: covered = the region minus the scenario's gaps drawn on top.
      id: 'scenario-covered', type: 'fill', source: 'carecover', 'source-layer': 'regions',
      filter: ['in', ['get', 'id'], ['literal', []]],
      paint: { 'fill-color': COLORS.coverage, 'fill-opacity': 0.22 },
    }],
    ['road-coverage-fill', {
      id: 'gaps-hatch', type: 'fill', source: 'carecover', 'source-layer': 'gaps',
      filter: presetFilter(preset),
      paint: { 'fill-pattern': 'hatch', 'fill-opacity': 0.8 },
    }],
    ['municipalities-line', {
      id: 'scenario-gaps-fill', type: 'fill', source: 'scenario-gaps',
      paint: { 'fill-color': COLORS.gap, 'fill-opacity': 0.12 },
    }],
    ['municipalities-line', {
      id: 'scenario-gaps-hatch', type: 'fill', source: 'scenario-gaps',
      paint: { 'fill-pattern': 'hatch', 'fill-opacity': 0.8 },
    }],
    ['municipalities-line', {
      id: 'whatif-area-line', type: 'line', source: 'whatif-area',
      paint: { 'line-color': COLORS.whatif, 'line-width': 1.5, 'line-dasharray': [3, 2] },
    }],
    ['town-labels', {
      id: 'results-ring', type: 'circle', source: 'results',
      paint: {
        'circle-radius': 11, 'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': COLORS.result, 'circle-stroke-width': 4,
      },
    }],
    ['town-labels', {
      id: 'query-point', type: 'circle', source: 'query',
      paint: {
        'circle-radius': 7, 'circle-color': '#111111',
        'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3,
      },
    }],
    [null, {
      // The searched place's name beside its point (the town the geocoder matched), drawn
      // above every other label so the nurse always sees where the home is.
      id: 'query-label', type: 'symbol', source: 'query',
      layout: {
        'text-field': ['get', 'label'], 'text-font': [LABEL_FONT], 'text-size': 14,
        // Above the point (the basemap names towns below theirs), drawn whatever collides and
        // hiding no other label.
        'text-anchor': 'bottom', 'text-offset': [0, -0.9],
        'text-allow-overlap': true, 'text-ignore-placement': true,
      },
      paint: { 'text-color': '#111111', 'text-halo-color': '#ffffff', 'text-halo-width': 2 },
    }],
    ['town-labels', {
      id: 'whatif-point', type: 'circle', source: 'whatif',
      paint: {
        'circle-radius': 7, 'circle-color': '#ffffff',
        'circle-stroke-color': COLORS.whatif, 'circle-stroke-width': 4,
      },
    }],
    ['town-labels', {
      id: 'suggest-point', type: 'circle', source: 'suggest',
      paint: {
        'circle-radius': 9, 'circle-color': COLORS.suggest,
        'circle-stroke-color': '#263238', 'circle-stroke-width': 2.5,
      },
    }],
  ];
}

/**
 * The widget's style: the server's `/style.json` (`base`, fetched by the page: the basemap,
 * labels, coverage and providers) with the widget's GeoJSON sources and overlay layers added
 * and `preset` showing. A layer whose anchor is missing from `base` goes on top.
 */
export function buildStyle(base, preset) {
  const style = structuredClone(base);
  for (const id of OVERLAYS) style.sources[id] = { type: 'geojson', data: EMPTY };
  for (const [before, layer] of overlayLayers(preset)) {
    const at = style.layers.findIndex((l) => l.id === before);
    style.layers.splice(at < 0 ? style.layers.length : at, 0, layer);
  }
  for (const layer of style.layers) {
    if (PRESET_LAYERS.includes(layer.id)) layer.filter = presetFilter(preset);
  }
  return style;
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

/** Diagonal vermillion hatching for gaps (COLORS.gap), drawn in code (no sprite sheet to fetch). */
export function hatchImage(size = 12) {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const onLine = (x + y) % size < 2;
      const i = (y * size + x) * 4;
      data[i] = 0xd5; data[i + 1] = 0x5e; data[i + 2] = 0x00;
      data[i + 3] = onLine ? 200 : 0;
    }
  }
  return { width: size, height: size, data };
}

/** A numbered HTML label beside a point (an HTML marker: stays legible above every label). */
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

/** A circle of radius_km around a point (spherical, 64 vertices): a preset's reach drawn. */
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

// ---- the access heat map (planner): /tiles/access/{preset}/{year}/{z}/{x}/{y}.pbf ----

/**
 * The access index colour ramp, low to high: viridis (van der Walt & Smith 2015), sequential,
 * even in lightness and readable in the three colour-blindnesses; low access is dark, so the
 * places with the least care per person stand out.
 */
export const ACCESS_RAMP = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];

/**
 * The heat map's layers, drawn under the municipal lines, roads, towns and providers: cells as
 * polygons (a fill) or as points at their centres (a rectangle of the cell's size, scaled with
 * the zoom), whichever the tiles carry.
 */
export const ACCESS_LAYERS = ['access-fill', 'access-cells'];

/** The ramp's stops for indices 0 … max (as many as ACCESS_RAMP). */
export function accessStops(max) {
  return ACCESS_RAMP.map((color, i) => [(max * i) / (ACCESS_RAMP.length - 1), color]);
}

/** fill-color / icon-color by `access_index`, clamped at the top stop. */
export function accessColor(max) {
  return ['interpolate', ['linear'], ['to-number', ['get', 'access_index'], 0], ...accessStops(max).flat()];
}

/** Cells whose people are estimated (no census cell there) are drawn lighter. */
export const ACCESS_OPACITY = { measured: 0.85, estimated: 0.4 };

function accessOpacity() {
  return ['case', ['==', ['get', 'source'], 'estimated'], ACCESS_OPACITY.estimated, ACCESS_OPACITY.measured];
}

/**
 * A 500 m cell on the screen at zoom 0, in pixels: a 1/2 regional mesh cell is 22.5" of
 * longitude by 15" of latitude, which Web Mercator draws, at Kumamoto's latitude (32.8° N),
 * 0.00625° wide and 0.00496° tall; MapLibre's world is 512 px × 2^z for 360°.
 */
const CELL_PX_Z0 = {
  w: (0.00625 / 360) * 512,
  h: (0.00625 / 1.5 / Math.cos((32.8 * Math.PI) / 180) / 360) * 512,
};

/** The cell image: a rectangle of the cell's shape as a signed distance field (tinted per cell). */
const CELL_IMAGE = { w: 25, h: 20, buffer: 4 };

/**
 * The cell rectangle as an SDF icon (MapLibre's convention, as TinySDF: alpha 191 on the
 * edge, rising inside, 8 px of distance per 255), so `icon-color` tints it per cell.
 */
export function accessCellImage() {
  const { w, h, buffer } = CELL_IMAGE;
  const width = w + 2 * buffer;
  const height = h + 2 * buffer;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Signed distance from the pixel's centre to the rectangle's edge (negative inside).
      const dx = Math.abs(x + 0.5 - width / 2) - w / 2;
      const dy = Math.abs(y + 0.5 - height / 2) - h / 2;
      const d = dx > 0 || dy > 0 ? Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) : Math.max(dx, dy);
      const i = (y * width + x) * 4;
      data[i] = 255; data[i + 1] = 255; data[i + 2] = 255;
      data[i + 3] = Math.max(0, Math.min(255, Math.round(255 - 255 * (d / 8 + 0.25))));
    }
  }
  return { width, height, data };
}

/** [before, layer] pairs of the heat map over the `access` source's `access` layer. */
export function accessLayers(max) {
  const valued = ['has', 'access_index'];
  // The icon's rectangle is the cell's width at every zoom (at least 2 px wide below z9).
  const size = (z) => Math.max(2, CELL_PX_Z0.w * 2 ** z) / CELL_IMAGE.w;
  return [
    ['municipalities-line', {
      id: 'access-fill', type: 'fill', source: 'access', 'source-layer': 'access',
      filter: ['all', valued, ['==', ['geometry-type'], 'Polygon']],
      paint: { 'fill-color': accessColor(max), 'fill-opacity': accessOpacity() },
    }],
    ['municipalities-line', {
      id: 'access-cells', type: 'symbol', source: 'access', 'source-layer': 'access',
      filter: ['all', valued, ['==', ['geometry-type'], 'Point']],
      layout: {
        'icon-image': 'access-cell',
        'icon-size': ['interpolate', ['exponential', 2], ['zoom'], 7, size(7), 8, size(8), 9, size(9), 22, size(22)],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        'icon-rotation-alignment': 'map',
        'icon-pitch-alignment': 'map',
      },
      paint: { 'icon-color': accessColor(max), 'icon-opacity': accessOpacity() },
    }],
  ];
}
