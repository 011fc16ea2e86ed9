// Japanese first, English on request. Elements carry data-i18n="key" (text) or
// data-i18n-attr="attr:key" (an attribute); dynamic text calls t(key).

const STRINGS = {
  ja: {
    title: '熊本県 在宅緩和ケアマップ',
    lang_toggle: 'English',
    view_nurse: '退院調整（最寄り）',
    view_planner: '計画（カバー率）',
    search_label: '患者さんの住所',
    search_placeholder: '例: 熊本市中央区水前寺6丁目18-1',
    search_button: '検索',
    click_hint: '地図をクリックするか住所を入力すると、選んだ種類の最寄り5件を表示します。',
    kinds_legend: '医療機関の種類',
    kind_home_care_support_clinic: '在宅療養支援診療所',
    kind_home_care_support_hospital: '在宅療養支援病院',
    kind_enhanced_home_palliative: '在宅緩和ケア充実診療所・病院',
    kind_palliative_care_ward: '緩和ケア病棟',
    kind_home_cancer_comprehensive: '在宅がん医療総合診療',
    kind_pediatric_primary_care: '小児かかりつけ診療（外来）',
    kind_pediatric_inpatient: '小児入院医療管理（病棟）',
    kind_pediatric_icu: '小児特定集中治療室',
    kind_pediatric_after_hours: '小児夜間・休日診療',
    pediatric_note: '小児の種類は施設基準からの目安です。小児の訪問診療を示す届出はありません（小児かかりつけは外来の届出）。',
    preset_pediatric_home: '小児在宅',
    preset_pediatric_home_note: '小児在宅: 在宅療養支援診療所・病院のうち小児の届出（かかりつけ・夜間休日・PICU）があるもの、または小児入院医療管理料の病院。',
    col_children: '0–14歳',
    col_muni: '市町村',
    download_csv: '表をCSVで保存（Excel対応）',
    muni_title: '{region}の市町村（0–14歳は2020年国勢調査）',
    col_uncovered_children: '未カバー 0–14歳',
    legend_pediatric: '小児の届出あり',
    no_kind: '種類を1つ以上選んでください。',
    nearest_title: '最寄りの医療機関',
    within16: '16 km以内',
    sort_road: '道路距離の近い順に並べる',
    road_trip: '道路で {km} km・車で約 {min} 分',
    road_none: '道路の距離なし',
    road_reason_no_road_within_3km: 'この地点から3 km以内に道路データがありません',
    road_reason_provider_no_road_within_3km: '医療機関から3 km以内に道路データがありません',
    road_reason_not_connected: '道路データ上でつながっていません',
    road_reason_no_road_network: '道路データがありません',
    drive_note_uniform: '道路距離と所要時間の目安: 道路データ（既定は国土交通省「通れる道マップ」: 2026年7月30日〜8月19日に車が走った道路）上の最短経路を平均時速{kmh} kmで換算し、道路までの区間は時速{offroad} kmとしています。通行の少ない山間部の道路は含まれないことがあり、実際より長くなる場合があります。16 km の判定は直線距離です。',
    drive_note_osm: '道路距離と所要時間の目安: OpenStreetMap の道路上の最短経路を、制限速度（なければ道路種別の標準速度）で換算し、道路までの区間は時速{offroad} kmとしています。16 km の判定は直線距離です。',
    yes: 'はい',
    no: 'いいえ',
    phone: '電話',
    loading: '読み込み中…',
    not_found: '住所が見つかりませんでした。',
    ambiguous: '同じ町名が複数の市町村にあります。該当するものを選んでください:',
    error: 'エラー',
    matched: '検索地点',
    preset_legend: '対象（プリセット）',
    preset_home_care: '在宅療養支援',
    preset_enhanced_palliative: '在宅緩和ケア充実',
    preset_strengthened: '機能強化型',
    col_region: '二次医療圏',
    col_covered: 'カバー率 %',
    col_gap: '空白 km²',
    col_towns: '未カバー 町丁目',
    total: '県全体',
    whatif: '仮想の診療所を追加（what-if）',
    road_toggle: '道路で16 km 圏（在宅療養支援）を重ねる',
    road_note: '青: 在宅療養支援の医療機関から道路で16 km 以内の道路の両側1 km（国土交通省 通れる道マップのプローブ道路網、阿蘇・球磨・天草は道路データが少なく対象外）。',
    legend_road: '道路で16 km 圏',
    whatif_hint: 'what-if: 地図をクリックすると仮想の診療所を置き、表に 前 → 後 を表示します。',
    whatif_reset: '仮想診療所を消す',
    whatif_count: '仮想診療所',
    suggest: '選んだ圏域の候補地を3か所提案',
    suggest_pick: '表の行を選ぶと圏域にズームし、候補地を提案できます。',
    suggest_title: '候補地',
    gain_people: '人（65歳以上）',
    gain_towns: '町丁目',
    legend_title: '凡例',
    legend_coverage: '16 km 圏内（カバー）',
    legend_gap: '空白地域',
    legend_ward: '緩和ケア病棟',
    legend_enhanced: '在宅緩和ケア充実',
    legend_clinic: '在宅療養支援診療所',
    legend_hospital: '在宅療養支援病院',
    legend_other: 'その他',
    legend_town_cov: '町丁目（カバー）',
    legend_town_gap: '町丁目（空白）',
    legend_road_busy: '道路（通行が多い）',
    legend_road_other: '道路（通行あり）',
    legend_result: '検索結果',
    legend_whatif: '仮想の診療所（what-if）',
    legend_suggest: '提案された候補地',
    no_maplibre: 'このサーバーには地図ライブラリ (MapLibre GL JS) が組み込まれていません（ビルド時に npm またはそのレジストリが使えませんでした）。Node.js と npm を用意して、サーバーを再ビルドしてください:',
    map_error: '地図の読み込みに失敗しました',
    panel_toggle: 'パネル',
  },
  en: {
    title: 'Kumamoto home palliative-care map',
    lang_toggle: '日本語',
    view_nurse: 'Discharge (nearest)',
    view_planner: 'Planning (coverage)',
    search_label: "Patient's address",
    search_placeholder: 'e.g. 熊本市中央区水前寺6丁目18-1',
    search_button: 'Search',
    click_hint: 'Click the map or enter an address to list the 5 nearest providers of the chosen kinds.',
    kinds_legend: 'Provider kinds',
    kind_home_care_support_clinic: 'Home-care support clinic',
    kind_home_care_support_hospital: 'Home-care support hospital',
    kind_enhanced_home_palliative: 'Enhanced home palliative care',
    kind_palliative_care_ward: 'Palliative care ward',
    kind_home_cancer_comprehensive: 'Home cancer comprehensive care',
    kind_pediatric_primary_care: 'Pediatric primary care (outpatient)',
    kind_pediatric_inpatient: 'Pediatric ward',
    kind_pediatric_icu: 'Pediatric ICU',
    kind_pediatric_after_hours: 'Pediatric nights and holidays',
    pediatric_note: 'Pediatric kinds are proxies from the facility standards: no standard marks home visits to children (pediatric primary care is an outpatient fee).',
    preset_pediatric_home: 'Children at home (小児在宅)',
    preset_pediatric_home_note: 'Children at home: home-care support clinics/hospitals holding a pediatric standard (primary care, nights and holidays, PICU), or any hospital with a pediatric ward.',
    col_children: 'Age 0–14',
    col_muni: 'Municipality',
    download_csv: 'Save the table as CSV (opens in Excel)',
    muni_title: 'Municipalities of {region} (age 0–14: 2020 census)',
    col_uncovered_children: 'Uncovered 0–14',
    legend_pediatric: 'Holds a pediatric standard',
    no_kind: 'Choose at least one kind.',
    nearest_title: 'Nearest providers',
    within16: 'Within 16 km',
    sort_road: 'Rank by road distance',
    road_trip: 'By road {km} km, about {min} min by car',
    road_none: 'No road distance',
    road_reason_no_road_within_3km: 'no road data within 3 km of this point',
    road_reason_provider_no_road_within_3km: 'no road data within 3 km of the provider',
    road_reason_not_connected: 'not connected in the road data',
    road_reason_no_road_network: 'no road data',
    drive_note_uniform: 'Road distance and drive time are estimates: the shortest path on the road data (by default the MLIT passable-roads map: roads cars drove 2026-07-30 to 08-19) at an average {kmh} km/h, with the stretch to the road at {offroad} km/h. Quiet mountain roads may be missing, so some trips come out longer. The 16 km rule uses the straight-line distance.',
    drive_note_osm: 'Road distance and drive time are estimates: the shortest path on OpenStreetMap roads at their speed limits (else a default per road class), with the stretch to the road at {offroad} km/h. The 16 km rule uses the straight-line distance.',
    yes: 'yes',
    no: 'no',
    phone: 'Phone',
    loading: 'Loading…',
    not_found: 'Address not found.',
    ambiguous: 'Several municipalities have this town name. Choose one:',
    error: 'Error',
    matched: 'Searched point',
    preset_legend: 'Preset',
    preset_home_care: 'Home-care support',
    preset_enhanced_palliative: 'Enhanced palliative',
    preset_strengthened: 'Strengthened (機能強化型)',
    col_region: 'Medical region',
    col_covered: 'Covered %',
    col_gap: 'Gap km²',
    col_towns: 'Uncovered towns',
    total: 'Prefecture',
    whatif: 'Add a hypothetical clinic (what-if)',
    road_toggle: 'Overlay the 16 km reach by road (home care)',
    road_note: 'Blue: 1 km either side of roads within 16 road-km of a home-care provider (MLIT probe road network; Aso, Kuma and Amakusa have too little road data and are left out).',
    legend_road: 'Within 16 km by road',
    whatif_hint: 'What-if: click the map to place a hypothetical clinic; the table shows before → after.',
    whatif_reset: 'Clear hypothetical clinics',
    whatif_count: 'Hypothetical clinics',
    suggest: 'Suggest 3 sites in the selected region',
    suggest_pick: 'Select a table row to zoom to a region and get site suggestions.',
    suggest_title: 'Suggested sites',
    gain_people: 'people aged 65+',
    gain_towns: 'towns',
    legend_title: 'Legend',
    legend_coverage: 'Within 16 km (covered)',
    legend_gap: 'Gap',
    legend_ward: 'Palliative care ward',
    legend_enhanced: 'Enhanced home palliative',
    legend_clinic: 'Home-care support clinic',
    legend_hospital: 'Home-care support hospital',
    legend_other: 'Other',
    legend_town_cov: 'Town (covered)',
    legend_town_gap: 'Town (gap)',
    legend_road_busy: 'Road (driven often)',
    legend_road_other: 'Road (driven)',
    legend_result: 'Search result',
    legend_whatif: 'Hypothetical clinic (what-if)',
    legend_suggest: 'Suggested site',
    no_maplibre: 'This server was built without the map library (MapLibre GL JS): npm or its registry was not available at build time. Install Node.js and npm, then rebuild the server:',
    map_error: 'The map failed to load',
    panel_toggle: 'Panel',
  },
};

let lang = initialLang();
const listeners = [];

function initialLang() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked === 'en' || asked === 'ja') return asked;
  return localStorage.getItem('carecover.lang') === 'en' ? 'en' : 'ja';
}

export function currentLang() {
  return lang;
}

export function t(key) {
  return STRINGS[lang][key] ?? STRINGS.ja[key] ?? key;
}

/** Applies the language to every marked element under root. */
export function translate(root = document) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(',')) {
      const [attr, key] = pair.split(':');
      el.setAttribute(attr, t(key));
    }
  }
}

/** Calls fn after each language change (dynamic lists re-render themselves). */
export function onLangChange(fn) {
  listeners.push(fn);
}

export function toggleLang() {
  lang = lang === 'ja' ? 'en' : 'ja';
  localStorage.setItem('carecover.lang', lang);
  translate();
  for (const fn of listeners) fn(lang);
}
