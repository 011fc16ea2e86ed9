// What the browser tests share: where things are, how Chromium starts, a free port, and
// waiting for the map to settle.

import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Screenshots and downloads of the tests. */
export const SHOTS = path.join(ROOT, 'target', 'browser');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Headless Chromium with software WebGL (swiftshader), nothing fetched in the background. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A TCP port free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once the map (`window.carecoverMap`) has drawn everything it asked for, or at its
 * first error (the callers then assert there was none); rejects when neither happens in time.
 */
export function mapIdle(page, ms = 60_000) {
  return page.evaluate((ms) => new Promise((resolve, reject) => {
    const map = window.carecoverMap;
    if (map.loaded() && map.areTilesLoaded() && !map.isMoving()) return resolve();
    const timer = setTimeout(() => reject(new Error(`the map is not idle after ${ms} ms`)), ms);
    const done = () => { clearTimeout(timer); resolve(); };
    map.once('idle', done);
    map.once('error', done);
  }), ms);
}
