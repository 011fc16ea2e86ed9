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
    download_csv: '圏域の表をCSVで保存（Excel対応）',
    download_muni_csv: '市町村の表をCSVで保存',
    download_gaps: '空白地域をGeoJSONで保存',
    download_towns: '未カバーの町丁目をGeoJSONで保存',
    downloads: 'ダウンロード',
    muni_title: '{region}の市町村（人口・65歳以上・0–14歳は2020年国勢調査）',
    col_population: '人口',
    col_65_plus: '65歳以上',
    wards_show: '区別に表示',
    wards_hide: '区を閉じる',
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
    // Nurse view: the 16 km rule in words and the referral sheet (issue 13).
    straight_km: '直線 {km} km',
    badge_within: '○ 16 km以内',
    badge_beyond: '× 16 km超',
    badge_beyond_exception: '× 16 km超（例外で訪問可）',
    badge_to_confirm: '△ 要確認',
    badge_uncertainty: '位置の誤差 ±{u} km',
    rule_title: '16 km ルール',
    rule_law: '往診・訪問診療は、医療機関から患者さんの家まで直線で16 km以内のときに算定できます。ただし、家から16 km以内に対応できる医療機関がない場合は、16 kmを超える医療機関も訪問できます（例外）。',
    rule_does_not_apply: 'この地点では、選んだ種類の医療機関が16 km以内に{n}件あります。例外には当たらないため、16 km以内の医療機関に依頼します。',
    rule_confirm_more: 'ほかに{c}件が16 km前後で要確認です。',
    rule_applies: 'この地点から16 km以内に、選んだ種類の医療機関はありません。例外により、16 kmを超える医療機関も訪問できます。',
    rule_exception_to_confirm: 'この地点から確実に16 km以内といえる医療機関はなく、{c}件が要確認です。実際の住所どうしの距離を確かめるまで、例外に当たるかどうかは決まりません。',
    rule_point_exact: '検索地点は地図上で指定した位置です（誤差なし）。',
    rule_point_town: '住所は町丁目・大字の代表点に置いています（誤差は最大 約{u} km）。',
    rule_point_postal_code: '住所は郵便番号の代表点に置いています（誤差は最大 約{u} km）。',
    rule_point_municipality: '住所は市町村までしか分かっていません（誤差は最大 約{u} km）。町名まで入力すると判定が確かになります。',
    rule_to_confirm_meaning: '要確認とは: 医療機関と住所の位置は町丁目・大字の代表点（町なかで100〜500 m、山間部では数 kmずれることがあります）なので、16 kmとの差が位置の誤差より小さいときは、以内とも超とも言えません。実際の住所どうしの直線距離で確かめてください。',
    rule_points_note: '距離は町丁目・大字の代表点どうしの直線距離です。16 kmとの差が位置の誤差より小さいものは「要確認」と表示します。',
    print_sheet: '紹介用シートを印刷',
    sheet_title: '在宅緩和ケア 紹介用シート（最寄りの医療機関）',
    sheet_area: '患者さんの地域',
    sheet_area_point: '地図上で指定した地点（北緯{lat}・東経{lon} 付近）',
    sheet_kinds: '医療機関の種類',
    sheet_made: '作成日',
    sheet_map_alt: '患者さんの地域と医療機関（番号は表の順位）の地図',
    sheet_map_patient: '患者さんの地域',
    sheet_map_caption: '地図: 黒い輪が患者さんの地域（町丁目の代表点）、黄色の輪と番号が表の医療機関です。',
    sheet_col_rank: '順',
    sheet_col_name: '医療機関・種類',
    sheet_col_phone: '電話',
    sheet_col_address: '所在地',
    sheet_col_straight: '直線 km',
    sheet_col_road: '道路 km',
    sheet_col_drive: '車 分',
    sheet_col_16: '16 km',
    sheet_data: 'データ',
    sheet_version: 'データ版',
    sheet_privacy: 'このシートはブラウザの中だけで作られ、どこにも送信・保存されません。番地・建物名は載せていません。',
    sheet_print: '印刷する',
    sheet_close: '閉じる',
    src_providers: '医療機関',
    src_addresses: '住所',
    src_postal_codes: '郵便番号',
    src_roads: '道路',
    src_boundaries: '行政区域',
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
    kind_palliative_care_team: 'Palliative care team',
    kind_clinic_bed_palliative: 'Palliative care in clinic beds',
    kind_outpatient_palliative: 'Outpatient palliative care',
    kind_home_medical_mgmt: 'Comprehensive home medical management',
    kind_home_backup_hospital: 'Home-care backup hospital',
    kind_home_visit_nursing_by_inst: 'Home-visit nursing by the institution',
    kind_pediatric_primary_care: 'Pediatric primary care (outpatient)',
    kind_pediatric_inpatient: 'Pediatric ward',
    kind_pediatric_icu: 'Pediatric ICU',
    kind_pediatric_after_hours: 'Pediatric nights and holidays',
    pediatric_note: 'Pediatric kinds are proxies from the facility standards: no standard marks home visits to children (pediatric primary care is an outpatient fee).',
    preset_pediatric_home: 'Children at home (小児在宅)',
    preset_pediatric_home_note: 'Children at home: home-care support clinics/hospitals holding a pediatric standard (primary care, nights and holidays, PICU), or any hospital with a pediatric ward.',
    col_children: 'Age 0–14',
    col_muni: 'Municipality',
    download_csv: 'Save the region table as CSV (opens in Excel)',
    download_muni_csv: 'Save the municipal table as CSV',
    download_gaps: 'Save the gaps as GeoJSON',
    download_towns: 'Save the uncovered towns as GeoJSON',
    downloads: 'Downloads',
    muni_title: 'Municipalities of {region} (people, 65+ and 0–14: 2020 census)',
    col_population: 'People',
    col_65_plus: '65+',
    wards_show: 'by ward',
    wards_hide: 'hide wards',
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
    // Nurse view: the 16 km rule in words and the referral sheet (issue 13).
    straight_km: 'Straight line {km} km',
    badge_within: '○ Within 16 km',
    badge_beyond: '× Beyond 16 km',
    badge_beyond_exception: '× Beyond 16 km (may visit: exception)',
    badge_to_confirm: '△ To confirm',
    badge_uncertainty: 'points ±{u} km',
    rule_title: 'The 16 km rule',
    rule_law: 'Home visits (往診・訪問診療) can be billed only to homes within 16 km in a straight line of the clinic, unless no capable provider exists within 16 km of the home: then a provider beyond 16 km may visit (the exception).',
    rule_does_not_apply: 'Providers of the chosen kinds within 16 km of this place: {n}. The exception does not apply: ask a provider within 16 km.',
    rule_confirm_more: ' Near 16 km and to be confirmed: {c} more.',
    rule_applies: 'No provider of the chosen kinds is within 16 km of this place. By the exception, a provider beyond 16 km may visit.',
    rule_exception_to_confirm: 'No provider of the chosen kinds is surely within 16 km of this place; to be confirmed: {c}. Whether the exception applies depends on their distances between the real addresses.',
    rule_point_exact: 'The searched point is the place chosen on the map (exact).',
    rule_point_town: 'The address is placed at its town\'s representative point (up to about {u} km off).',
    rule_point_postal_code: 'The address is placed at its postal code\'s point (up to about {u} km off).',
    rule_point_municipality: 'Only the municipality of the address is known (up to about {u} km off). Give the town to make the answer firm.',
    rule_to_confirm_meaning: 'To confirm: providers and addresses are placed at town-level representative points (100–500 m off in towns, several km in the mountains), so where a distance differs from 16 km by less than the points\' uncertainty it is neither within nor beyond. Check the straight-line distance between the real addresses.',
    rule_points_note: 'Distances are straight lines between town-level representative points. Any within the points\' uncertainty of 16 km are marked "to confirm".',
    print_sheet: 'Print referral sheet',
    sheet_title: 'Home palliative care referral sheet (nearest providers)',
    sheet_area: "Patient's area",
    sheet_area_point: 'A point chosen on the map (near {lat}° N, {lon}° E)',
    sheet_kinds: 'Provider kinds',
    sheet_made: 'Made on',
    sheet_map_alt: "Map of the patient's area and the providers (numbers as in the table)",
    sheet_map_patient: "Patient's area",
    sheet_map_caption: "Map: the black ring is the patient's area (the town's point); yellow rings and numbers are the table's providers.",
    sheet_col_rank: '#',
    sheet_col_name: 'Provider and kinds',
    sheet_col_phone: 'Phone',
    sheet_col_address: 'Address',
    sheet_col_straight: 'Straight km',
    sheet_col_road: 'Road km',
    sheet_col_drive: 'Drive min',
    sheet_col_16: '16 km',
    sheet_data: 'Data',
    sheet_version: 'Data version',
    sheet_privacy: 'Made in your browser only: nothing is sent or stored. Street numbers and building names are left out.',
    sheet_print: 'Print',
    sheet_close: 'Close',
    src_providers: 'Providers',
    src_addresses: 'Addresses',
    src_postal_codes: 'Postal codes',
    src_roads: 'Roads',
    src_boundaries: 'Boundaries',
  },
};

let lang = initialLang();
const listeners = [];

function initialLang() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked === 'en' || asked === 'ja') return asked;
  return storedLang() === 'en' ? 'en' : 'ja';
}

// Storage is denied to a page framed by another site (an intranet <iframe>) under the
// browser's third-party rules: the language then lasts for the visit only.
function storedLang() {
  try {
    return localStorage.getItem('carecover.lang');
  } catch {
    return null;
  }
}

function storeLang(value) {
  try {
    localStorage.setItem('carecover.lang', value);
  } catch {
    // not allowed here (see storedLang)
  }
}

export function currentLang() {
  return lang;
}

export function t(key) {
  return STRINGS[lang][key] ?? STRINGS.ja[key] ?? key;
}

/** Fills a translated template: fmt('road_trip', { km: 3 }) replaces {km}. */
export function fmt(key, values = {}) {
  return Object.entries(values).reduce((s, [k, v]) => s.split(`{${k}}`).join(String(v)), t(key));
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
  storeLang(lang);
  translate();
  for (const fn of listeners) fn(lang);
}
