// Browser test of the static public map (`carecover export --static DIR`): Debian's nginx
// serves the exported folder under a path prefix on a loopback port, with no carecover
// process running, and headless Chromium (playwright-core, /usr/bin/chromium) checks that the
// map draws from the PMTiles archive (range requests), that nothing is asked of any other
// origin, and that the planner's table shows the live API's figures (fetched first from a
// live carecover, stopped before the static page is opened).
//
//   STATIC_DIR=dir NGINX=/usr/sbin/nginx node --test web/tests/static.mjs
//
// STATIC_DIR: the exported folder (tests/it/static_site.rs writes it). CARECOVER_BIN: the
// binary for the reference figures. CHROMIUM: the browser. Screenshots go to target/browser/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, SHOTS, CHROMIUM, CHROMIUM_ARGS, freePort, mapIdle } from './common.mjs';

const NGINX = process.env.NGINX ?? '/usr/sbin/nginx';
const STATIC_DIR = process.env.STATIC_DIR;
const PREFIX = '/map/';
const TEST = { timeout: 240_000 };
const READY_TIMEOUT_MS = 240_000;

async function until(what, ok, child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${child.log}`);
    try {
      if (await ok()) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready after ${READY_TIMEOUT_MS} ms:\n${child.log}`);
}

function logged(child) {
  child.log = '';
  const keep = (d) => { child.log = (child.log + d).slice(-8000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

async function stop(child) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** The live API's answers for `paths`, from a carecover started for it and stopped after. */
async function liveAnswers(paths) {
  const bin = process.env.CARECOVER_BIN ?? path.join(ROOT, 'target', 'debug', 'carecover');
  assert.ok(existsSync(bin), `no carecover binary at ${bin} (set CARECOVER_BIN)`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = logged(spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`], {
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CARECOVER_'))),
    stdio: ['ignore', 'pipe', 'pipe'],
  }));
  try {
    await until('carecover', async () => (await fetch(`${base}/readyz`)).ok, child);
    const out = {};
    for (const p of paths) {
      const r = await fetch(base + p);
      assert.equal(r.status, 200, p);
      out[p] = await r.text();
    }
    return out;
  } finally {
    await stop(child);
  }
}

/** nginx serving STATIC_DIR at PREFIX on a loopback port, from a temporary config. */
async function startNginx() {
  assert.ok(existsSync(NGINX), `the static map test needs nginx: none at ${NGINX} (apt-get install nginx, or set NGINX=path)`);
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carecover-nginx-'));
  const root = path.resolve(STATIC_DIR);
  // Debian's mime.types is in /etc/nginx; the few types the folder needs are listed here so
  // the test does not depend on it. Range requests are nginx's default for static files.
  const conf = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  types {
    text/html html;
    text/javascript js;
    text/css css;
    application/json json;
    application/x-protobuf pbf;
    application/vnd.pmtiles pmtiles;
    font/ttf ttf;
  }
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/css text/javascript application/json;
  server {
    listen 127.0.0.1:${port};
    location ${PREFIX} {
      alias ${root}/;
      index index.html;
    }
  }
}
`;
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const test = spawnSync(NGINX, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
  assert.equal(test.status, 0, `nginx -t: ${test.stderr}`);
  const child = logged(spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const base = `http://127.0.0.1:${port}`;
  await until('nginx', async () => (await fetch(`${base}${PREFIX}static.json`)).ok, child);
  return { child, base, dir };
}

/** Rendered features of the map's layers that draw `sourceLayer`. */
function renderedOf(page, sourceLayer) {
  return page.evaluate((sourceLayer) => {
    const map = window.carecoverMap;
    const layers = map.getStyle().layers.filter((l) => l['source-layer'] === sourceLayer).map((l) => l.id);
    return map.queryRenderedFeatures({ layers }).filter((f) => f.sourceLayer === sourceLayer).length;
  }, sourceLayer);
}

let config;
let live;
let nginx;
let browser;
let page;
const problems = []; // page and console errors, failed requests, requests to other origins
const responses = []; // { path, status, range }

before(async () => {
  assert.ok(STATIC_DIR && existsSync(path.join(STATIC_DIR, 'index.html')), `STATIC_DIR=${STATIC_DIR} holds no exported map`);
  config = JSON.parse(readFileSync(path.join(STATIC_DIR, 'static.json'), 'utf8'));
  const paths = ['/api/v1/kinds'];
  for (const preset of config.presets) {
    paths.push(`/api/v1/regions?preset=${preset}`, `/api/v1/coverage?preset=${preset}`);
    for (const year of config.years) paths.push(`/api/v1/regions?preset=${preset}&year=${year}`, `/api/v1/regions/3?preset=${preset}&year=${year}`);
  }
  // Reference figures from a live carecover, which is stopped again before nginx starts.
  live = await liveAnswers(paths);
  nginx = await startNginx();
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(90_000);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== nginx.base) problems.push(`request to ${u.origin}: ${u.href}`);
  });
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
    if (u.protocol.startsWith('http')) responses.push({ path: u.pathname, status: r.status(), range: r.request().headers().range ?? null });
  });
}, TEST);

after(async () => {
  await browser?.close();
  await stop(nginx?.child);
  if (nginx) rmSync(nginx.dir, { recursive: true, force: true });
}, TEST);

test('every planner file of the folder is the live API\'s answer, byte for byte', TEST, async () => {
  const file = (rel) => readFileSync(path.join(STATIC_DIR, rel), 'utf8');
  assert.equal(file('data/kinds.json'), live['/api/v1/kinds']);
  for (const preset of config.presets) {
    assert.equal(file(`data/${preset}/${config.base_year}/regions.json`), live[`/api/v1/regions?preset=${preset}`], preset);
    assert.equal(file(`data/${preset}/coverage.json`), live[`/api/v1/coverage?preset=${preset}`], preset);
    for (const year of config.years) {
      assert.equal(file(`data/${preset}/${year}/regions.json`), live[`/api/v1/regions?preset=${preset}&year=${year}`], `${preset} ${year}`);
      assert.equal(file(`data/${preset}/${year}/regions/3.json`), live[`/api/v1/regions/3?preset=${preset}&year=${year}`], `${preset} ${year} region 3`);
    }
  }
});

test('nginx serves the archive by ranges and no carecover answers', TEST, async () => {
  const r = await fetch(`${nginx.base}${PREFIX}${config.archive}`, { headers: { Range: 'bytes=0-126' } });
  assert.equal(r.status, 206);
  const head = Buffer.from(await r.arrayBuffer());
  assert.equal(head.length, 127);
  assert.equal(head.subarray(0, 7).toString(), 'PMTiles');
  const api = await fetch(`${nginx.base}${PREFIX}api/v1/regions`);
  assert.equal(api.status, 404, 'no API behind the static folder');
});

test('the static map draws from the archive under a path prefix, asking nothing of any other origin', TEST, async () => {
  await page.goto(`${nginx.base}${PREFIX}`);
  await page.waitForFunction(() => window.carecoverMap !== undefined);
  await mapIdle(page, 90_000);
  assert.deepEqual(await page.evaluate(() => window.carecoverErrors), [], 'map errors');
  assert.equal(await page.evaluate(() => window.carecover.site?.mode), 'static');
  assert.ok(await renderedOf(page, 'providers') > 50, 'providers drawn');
  assert.ok(await renderedOf(page, 'regions') >= 10, 'regions drawn');
  assert.ok(await renderedOf(page, 'coverage') > 0, 'coverage drawn');
  const archive = responses.filter((x) => x.path === `${PREFIX}${config.archive}`);
  assert.ok(archive.length >= 2 && archive.every((x) => x.status === 206 && x.range), `the archive is read by ranges: ${JSON.stringify(archive)}`);
  assert.ok(responses.some((x) => x.path.startsWith(`${PREFIX}fonts/`) && x.status === 200), 'label glyphs from the folder');
  const outside = responses.filter((x) => !x.path.startsWith(PREFIX));
  assert.deepEqual(outside, [], 'every request under the prefix');
  const attribution = await page.locator('.maplibregl-ctrl-attrib').innerText();
  for (const source of ['九州厚生局', '国土数値情報', 'SIL OFL']) {
    assert.ok(attribution.includes(source), `attribution names ${source}: ${attribution}`);
  }
  // Without an API URL the nurse search is replaced by a note, and nothing is asked of /api.
  assert.equal(await page.locator('#static-note').isVisible(), true);
  assert.equal(await page.locator('#search-form').isVisible(), false);
  await page.screenshot({ path: path.join(SHOTS, 'static-nurse-1280.png') });
  assert.deepEqual(problems, []);
});

test('the planner table shows the live API\'s figures for each exported preset and year', TEST, async () => {
  await page.click('#tab-planner');
  assert.equal(await page.locator('.heat-toggle').isVisible(), false, 'no heat map in the static folder');
  assert.equal(await page.locator('.whatif').isVisible(), false, 'no what-if without an API');
  const radios = await page.$$eval('input[name=preset]', (rs) => rs.map((r) => r.value));
  assert.deepEqual(radios, config.presets, 'only the exported presets are offered');
  for (const preset of config.presets) {
    await page.check(`input[name=preset][value=${preset}]`);
    for (const year of [config.base_year, config.years.at(-1)]) {
      if (year !== config.base_year || (await page.locator('#year-select').isEnabled())) {
        await page.selectOption('#year-select', String(year));
      }
      const want = JSON.parse(live[`/api/v1/regions?preset=${preset}&year=${year}`]);
      await page.waitForFunction(([p, y]) => {
        const s = window.carecover.planner.stats;
        return s?.preset === p && s?.year === y && document.querySelectorAll('#region-table tbody tr').length > 0;
      }, [preset, year]);
      assert.deepEqual(await page.evaluate(() => window.carecover.planner.stats), want, `${preset} ${year}`);
      const shown = await page.$$eval('#region-table tbody tr', (trs) => trs.map((tr) => [
        Number(tr.dataset.region),
        tr.querySelector('[data-key=covered_pct]').innerText,
        tr.querySelector('[data-key=towns_uncovered]').innerText,
      ]));
      assert.equal(shown.length, want.regions.length);
      for (const [id, pct, towns] of shown) {
        const r = want.regions.find((x) => x.id === id);
        assert.equal(pct, r.covered_pct.toFixed(1), `${preset} ${year} region ${id} covered %`);
        assert.equal(towns, String(r.towns_uncovered), `${preset} ${year} region ${id} towns`);
      }
    }
  }
  // A region's municipalities come from its file.
  await page.click('#region-table tbody tr[data-region="3"]');
  await page.waitForSelector('#muni-table tbody tr');
  await mapIdle(page, 90_000);
  await page.screenshot({ path: path.join(SHOTS, 'static-planner-1280.png') });
  assert.deepEqual(problems, []);
});
