// Calls to this server's API only (relative URLs): clicked points and addresses are a
// patient's home and never leave for any other host.
//
// A static export of the map (`carecover export --static`) marks its index.html with
// `<meta name="carecover-static" content="static.json">`: the page then reads the planners'
// figures from the folder's JSON files (the API's answers, written by the export), and the
// features that need a live server (nearest, address search, what-if, suggestions) call the
// one API that static.json names, or are hidden when it names none.

// Coverage is asked for by the preset's name (`preset=home_care`, …): the server knows what
// each preset counts and its radius, and every coverage answer says both (`preset`,
// `radius_km`). The page keeps no copy of those rules.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function parse(resp) {
  const body = await resp.json().catch(() => null);
  if (!resp.ok) {
    const err = body?.error ?? {};
    throw new ApiError(resp.status, err.code ?? 'http_' + resp.status, err.message ?? resp.statusText);
  }
  return body;
}

/** static.json of a static export; null on the live server. */
let site = null;

/**
 * Learns whether the page is a static export (its `<meta name="carecover-static">`) and reads
 * its static.json. Resolves to that config, or null on the live server (no request made).
 */
export async function init() {
  const meta = document.querySelector('meta[name="carecover-static"]');
  if (!meta) return null;
  const resp = await fetch(meta.content, { headers: { Accept: 'application/json' } });
  if (!resp.ok) throw new Error(`${meta.content}: HTTP ${resp.status}`);
  site = await resp.json();
  return site;
}

/** The static export's config, or null on the live server. */
export function staticSite() {
  return site;
}

/** True when nearest, address search, what-if and suggestions can be asked (live, or a
 * static export with an API URL). */
export function liveApi() {
  return !site || Boolean(site.api);
}

/** A path of the live API: relative on the live server, under the configured API when static. */
function apiPath(path) {
  return site?.api ? `${site.api}/${path}` : path;
}

/** A planner figure of a static export: data/{preset}/[{year}/]{name}, the API's answer. */
function staticFile(name, preset, year) {
  if (!site.presets.includes(preset)) {
    return Promise.reject(new ApiError(400, 'unknown_preset', `preset ${preset} is not in this map`));
  }
  if (year === undefined) return getJson(`data/${preset}/${name}`);
  const y = year ?? site.base_year;
  if (!site.years.includes(y)) {
    return Promise.reject(new ApiError(400, 'invalid_year', `year ${y} is not in this map`));
  }
  return getJson(`data/${preset}/${y}/${name}`);
}

export async function getJson(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const qs = q.toString();
  const resp = await fetch(qs ? `${path}?${qs}` : path, { headers: { Accept: 'application/json' } });
  return parse(resp);
}

export async function postJson(path, body) {
  const resp = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return parse(resp);
}

export function nearest({ lat, lon, address, kinds, k = 5, sort = 'distance' }) {
  const where = address ? { address } : { lat: lat.toFixed(6), lon: lon.toFixed(6) };
  return getJson(apiPath('api/nearest'), { ...where, k, kind: kinds.join(','), sort });
}

/** Every kind with its group, labels and how many rows of the data hold it (`/api/kinds`). */
export function kinds() {
  return site ? getJson('data/kinds.json') : getJson('api/kinds');
}

// People figures are for a year (`year=`: the census year by default, or a projected one);
// every planner answer says which (`year`, `people_basis`, `people_method`). A null year asks
// for the server's default.

export function regions(preset, year = null) {
  return site ? staticFile('regions.json', preset, year) : getJson('api/regions', { preset, year });
}

/** One region with its municipalities (`/api/regions/{id}`), for the preset and year. */
export function region(preset, id, year = null) {
  if (site) return staticFile(`regions/${Number(id)}.json`, preset, year);
  return getJson(`api/regions/${encodeURIComponent(id)}`, { preset, year });
}

/** Every municipality (`/api/municipalities`), 熊本市 with its wards, for the preset and year. */
export function municipalities(preset, year = null) {
  if (site) return staticFile('municipalities.json', preset, year);
  return getJson('api/municipalities', { preset, year });
}

/** The accessibility index per region and municipality (`/api/access`), for the preset and year. */
export function access(preset, year = null) {
  return site ? staticFile('access.json', preset, year) : getJson('api/access', { preset, year });
}

/** The URL template of the access heat-map tiles (absolute: MapLibre fetches them in a worker). */
export function accessTiles(preset, year) {
  const base = new URL('tiles/access/', document.baseURI).href;
  return `${base}${encodeURIComponent(preset)}/${encodeURIComponent(year)}/{z}/{x}/{y}.pbf`;
}

/**
 * The years the people figures exist for, ascending (the first is the census year): the
 * answer's own `years` when it lists them, else the `year` parameter the server documents in
 * `/openapi.json` (its `enum`, else the years its description lists within its range).
 * Empty when neither says.
 */
export async function peopleYears(answer) {
  if (Array.isArray(answer?.years) && answer.years.length) return [...answer.years].sort((a, b) => a - b);
  if (site) return [...site.years];
  const doc = await getJson('openapi.json');
  const ops = Object.values(doc.paths?.['/api/v1/regions'] ?? doc.paths?.['/api/regions'] ?? {});
  const param = ops.flatMap((op) => op.parameters ?? []).find((p) => p.name === 'year');
  if (!param) return [];
  const schema = param.schema ?? {};
  if (Array.isArray(schema.enum)) return [...schema.enum].sort((a, b) => a - b);
  const lo = schema.minimum ?? -Infinity;
  const hi = schema.maximum ?? Infinity;
  // "2020 (census, default) or a projected year: 2025, 2030, … (IPSS 2023; …)": the years
  // outside the parenthesised remarks.
  const named = (param.description ?? '').replace(/\([^)]*\)/g, ' ').match(/\b\d{4}\b/g) ?? [];
  return [...new Set(named.map(Number))].filter((y) => y >= lo && y <= hi).sort((a, b) => a - b);
}

/** GeoJSON points of the towns beyond the preset's reach (`/api/uncovered_towns`). */
export function uncoveredTowns(preset) {
  if (site) return staticFile('uncovered_towns.json', preset);
  return getJson('api/uncovered_towns', { preset });
}

export function coverage(preset) {
  return site ? staticFile('coverage.json', preset) : getJson('api/coverage', { preset });
}

export function scenario(preset, sites) {
  return postJson(apiPath('api/scenarios'), { add: sites.map(({ lat, lon }) => ({ lat, lon })), preset });
}

export function suggest(preset, regionId, n = 3) {
  return getJson(apiPath('api/suggest'), { region: regionId, n, preset });
}
