// Calls to this server's API only (relative URLs): clicked points and addresses are a
// patient's home and never leave for any other host.

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
  return getJson('/api/nearest', { ...where, k, kind: kinds.join(','), sort });
}

export function regions(preset) {
  return getJson('/api/regions', { preset });
}

/** One region with its municipalities (`/api/regions/{id}`), for the preset. */
export function region(preset, id) {
  return getJson(`/api/regions/${encodeURIComponent(id)}`, { preset });
}

/** Every municipality (`/api/municipalities`), 熊本市 with its wards, for the preset. */
export function municipalities(preset) {
  return getJson('/api/municipalities', { preset });
}

/** GeoJSON points of the towns beyond the preset's reach (`/api/uncovered_towns`). */
export function uncoveredTowns(preset) {
  return getJson('/api/uncovered_towns', { preset });
}

export function coverage(preset) {
  return getJson('/api/coverage', { preset });
}

export function scenario(preset, sites) {
  return postJson('/api/scenarios', { add: sites.map(({ lat, lon }) => ({ lat, lon })), preset });
}

export function suggest(preset, regionId, n = 3) {
  return getJson('/api/suggest', { region: regionId, n, preset });
}
