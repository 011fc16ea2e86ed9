// The 16 km answer in words (badges and the rule's explanation) and the printable referral
// sheet of the nurse view. Everything here runs in the browser: the sheet is built from the
// answer already on screen, printed with window.print(), and never sent or stored anywhere.

import { t, fmt, currentLang } from './i18n.js';

/** An element with an optional class and text (the nurse view's and the sheet's builder). */
export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * The 16 km state as a badge: a symbol and words (○ 16 km以内 / × 16 km超 / △ 要確認), never
 * colour alone. Beyond 16 km where the exception applies says so.
 */
export function badge(result, rule) {
  const state = result.visit_16km ?? (result.within_16km ? 'within' : 'beyond');
  const key = state === 'beyond' && rule?.exception === 'applies' ? 'badge_beyond_exception' : `badge_${state}`;
  const b = el('span', `badge badge-${state}`, t(key));
  b.dataset.state = state;
  if (state === 'to_confirm') b.title = fmt('badge_uncertainty', { u: result.uncertainty_km.toFixed(1) });
  return b;
}

/** Straight-line km, as the list and the sheet print it. */
export const straightKm = (r) => r.distance_km.toFixed(2);
export const roadKm = (r) => (r.road_km == null ? null : r.road_km.toFixed(1));
export const driveMin = (r) => (r.drive_min == null ? null : String(Math.round(r.drive_min)));

/**
 * The rule and what it means for this address, as paragraphs of text: the law, whether the
 * exception applies here, where the patient's point comes from, and what 要確認 means.
 */
export function ruleTexts(answer) {
  const rule = answer.rule_16km;
  if (!rule) return [t('rule_law')];
  const out = [t('rule_law')];
  const n = rule.providers_within;
  const c = rule.providers_to_confirm;
  if (rule.exception === 'does_not_apply') {
    out.push(fmt('rule_does_not_apply', { n }) + (c ? fmt('rule_confirm_more', { c }) : ''));
  } else if (rule.exception === 'applies') {
    out.push(t('rule_applies'));
  } else {
    out.push(fmt('rule_exception_to_confirm', { c }));
  }
  out.push(fmt(`rule_point_${rule.patient_point}`, { u: rule.patient_uncertainty_km.toFixed(1) }));
  const anyConfirm = c > 0 || answer.results.some((r) => r.visit_16km === 'to_confirm');
  out.push(t(anyConfirm ? 'rule_to_confirm_meaning' : 'rule_points_note'));
  return out;
}

/** The patient's area: municipality and town as the geocoder matched them, never the rest. */
export function patientArea(answer, point) {
  const a = answer.address;
  if (a) return [a.city, a.town].filter(Boolean).join(' ');
  return fmt('sheet_area_point', { lat: point.lat.toFixed(2), lon: point.lon.toFixed(2) });
}

/**
 * A picture of the map for the sheet, with the list's rank numbers drawn on it. Read inside
 * a render event, while the WebGL drawing buffer still holds the frame (the map is created
 * without preserveDrawingBuffer).
 */
export async function captureMap(map, results, point) {
  if (!map) return null;
  if (map.isMoving() || !map.loaded() || !map.areTilesLoaded()) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 5000);
      map.once('idle', () => { clearTimeout(timer); resolve(); });
    });
  }
  return new Promise((resolve) => {
    map.once('render', () => {
      try {
        const src = map.getCanvas();
        const c = document.createElement('canvas');
        c.width = src.width;
        c.height = src.height;
        const g = c.getContext('2d');
        g.drawImage(src, 0, 0);
        // Sized for the printed picture (about a third of the screen's size), not the screen.
        const scale = src.width / src.clientWidth;
        const r = Math.max(9 * scale, src.height / 26);
        g.font = `bold ${Math.round(r * 1.2)}px sans-serif`;
        g.textAlign = 'center';
        g.textBaseline = 'middle';
        results.forEach((res, i) => {
          const p = map.project([res.lon, res.lat]);
          // Up and to the right of the ring, or inside the picture where that leaves it.
          const x = Math.min(p.x * scale + r * 1.3, c.width - r);
          const up = p.y * scale - r * 1.1;
          const y = up - r < 0 ? p.y * scale + r * 1.1 : up;
          g.fillStyle = '#1f2a33';
          g.beginPath();
          g.arc(x, y, r, 0, Math.PI * 2);
          g.fill();
          g.fillStyle = '#fff';
          g.fillText(String(i + 1), x, y + r * 0.08);
        });
        if (point) {
          // The patient's area: a ring and its name on a white label.
          const p = map.project([point.lon, point.lat]);
          const x = p.x * scale;
          const y = p.y * scale;
          g.lineWidth = r * 0.35;
          g.strokeStyle = '#111';
          g.beginPath();
          g.arc(x, y, r * 1.2, 0, Math.PI * 2);
          g.stroke();
          const label = t('sheet_map_patient');
          g.font = `bold ${Math.round(r * 1.1)}px sans-serif`;
          const w = g.measureText(label).width + r;
          const lx = Math.min(Math.max(x, w / 2), c.width - w / 2);
          const ly = y + r * 2.6 > c.height - r ? y - r * 2.6 : y + r * 2.6;
          g.fillStyle = 'rgba(255,255,255,0.92)';
          g.fillRect(lx - w / 2, ly - r * 0.8, w, r * 1.6);
          g.strokeStyle = '#111';
          g.lineWidth = Math.max(1, r * 0.1);
          g.strokeRect(lx - w / 2, ly - r * 0.8, w, r * 1.6);
          g.fillStyle = '#111';
          g.fillText(label, lx, ly + r * 0.05);
        }
        resolve(c.toDataURL('image/png'));
      } catch {
        resolve(null);
      }
    });
    map.triggerRepaint();
  });
}

/** A result's kinds in the page's language (the API's Japanese names where no English). */
/** A result's source and its date: 出典: 九州厚生局…（2025-10-01時点）. */
export function sourceText(r) {
  const name = r.source_name || r.source || '—';
  return r.source_date ? fmt('source_dated', { name, date: r.source_date }) : fmt('source_undated', { name });
}

export function kindNames(r) {
  if (currentLang() === 'ja') return r.kinds_ja;
  return r.kinds.map((k, i) => (t(`kind_${k}`) === `kind_${k}` ? r.kinds_ja[i] : t(`kind_${k}`)));
}

function sheetTable(answer) {
  const table = el('table', 'sheet-table');
  const head = el('tr');
  for (const key of ['sheet_col_rank', 'sheet_col_name', 'sheet_col_phone', 'sheet_col_address',
    'sheet_col_straight', 'sheet_col_road', 'sheet_col_drive', 'sheet_col_16']) {
    const th = el('th', key.replace('sheet_col_', 'c-'), t(key));
    th.scope = 'col';
    head.append(th);
  }
  const thead = el('thead');
  thead.append(head);
  const body = el('tbody');
  answer.results.forEach((r, i) => {
    const tr = el('tr');
    tr.dataset.id = r.id;
    const name = el('td', 'c-name');
    name.append(el('strong', '', r.name), el('div', 'sheet-kinds', kindNames(r).join('・')));
    // A local resource is not the 厚生局 list: its own list and date under its name.
    if (r.facility_type === 'resource') name.append(el('div', 'sheet-source', sourceText(r)));
    const road = roadKm(r);
    tr.append(
      el('td', 'c-rank', String(i + 1)),
      name,
      el('td', 'c-phone', r.phone || '—'),
      el('td', 'c-address', r.address),
      el('td', 'c-straight num', straightKm(r)),
      el('td', 'c-road num', road ?? '—'),
      el('td', 'c-drive num', driveMin(r) ?? '—'),
    );
    const state = el('td', 'c-16');
    state.append(badge(r, answer.rule_16km));
    tr.append(state);
    body.append(tr);
  });
  table.append(thead, body);
  return table;
}

/**
 * Opens the referral sheet for the answer on screen (a print view over the page) and prints
 * it. `kinds`: the kinds chosen; `driveNote`: the list's drive-time note.
 */
export async function openSheet({ answer, point, kinds, map, driveNote }) {
  closeSheet();
  const image = await captureMap(map, answer.results, point);
  const sheet = el('div', 'sheet');
  sheet.id = 'print-sheet';
  sheet.lang = currentLang();
  sheet.setAttribute('role', 'dialog');
  sheet.setAttribute('aria-modal', 'true');
  sheet.setAttribute('aria-labelledby', 'sheet-title');

  const bar = el('div', 'sheet-toolbar');
  const print = el('button', 'sheet-print', t('sheet_print'));
  print.type = 'button';
  print.addEventListener('click', () => window.print());
  const close = el('button', 'sheet-close', t('sheet_close'));
  close.type = 'button';
  close.addEventListener('click', closeSheet);
  bar.append(print, close);

  const page = el('article', 'sheet-page');
  const title = el('h1', 'sheet-title', t('sheet_title'));
  title.id = 'sheet-title';
  const made = new Date().toLocaleDateString(currentLang() === 'ja' ? 'ja-JP' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric' });
  const meta = el('dl', 'sheet-meta');
  const row = (key, value, cls) => {
    const dt = el('dt', '', t(key));
    const dd = el('dd', cls, value);
    meta.append(dt, dd);
  };
  row('sheet_area', patientArea(answer, point), 'sheet-area');
  row('sheet_kinds', kinds.map((k) => t(`kind_${k}`)).join('・'));
  row('sheet_made', made);
  const rule = el('div', 'sheet-rule');
  for (const p of ruleTexts(answer)) rule.append(el('p', '', p));
  const figure = el('figure', 'sheet-map');
  if (image) {
    const img = el('img');
    img.src = image;
    img.alt = t('sheet_map_alt');
    await img.decode().catch(() => {});
    figure.append(img);
  }
  figure.append(el('figcaption', '', t('sheet_map_caption')));
  const notes = el('div', 'sheet-notes');
  if (driveNote) notes.append(el('p', '', driveNote));
  const data = el('div', 'sheet-data');
  data.append(el('h2', '', t('sheet_data')));
  const list = el('ul');
  for (const s of answer.sources ?? []) {
    const name = currentLang() === 'ja' ? s.name : s.name_en;
    list.append(el('li', '', `${t(`src_${s.role}`)}: ${name}（${s.date}）— ${s.credit}`));
  }
  data.append(list, el('p', 'sheet-version', `${t('sheet_version')}: ${answer.data_version}`));
  const privacy = el('p', 'sheet-privacy', t('sheet_privacy'));
  page.append(title, meta, rule, figure, sheetTable(answer), notes, data, privacy);
  sheet.append(bar, page);
  document.addEventListener('keydown', onEscape);
  // A modal view: the page behind is out of the keyboard's and screen readers' reach.
  for (const behind of document.querySelectorAll('body > :not(#print-sheet)')) behind.inert = true;
  document.body.append(sheet);
  document.body.classList.add('sheet-open');
  print.focus();
  window.print();
  return sheet;
}

function onEscape(e) {
  if (e.key === 'Escape') closeSheet();
}

/** Closes the print view and gives the focus back to the button that opened it. */
export function closeSheet() {
  const sheet = document.getElementById('print-sheet');
  if (!sheet) return;
  sheet.remove();
  for (const behind of document.querySelectorAll('body > *')) behind.inert = false;
  document.removeEventListener('keydown', onEscape);
  document.body.classList.remove('sheet-open');
  document.getElementById('print-sheet-button')?.focus();
}
