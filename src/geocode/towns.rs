//! Town entries: one per row of the towns file, plus synthetic parents.
//!
//! A 大字 that the file lists only by its 丁目 (水前寺一〜六丁目) or only by
//! its 小字 (下原田町字…) gets a synthetic entry so that `熊本市中央区水前寺`
//! or `人吉市下原田町` still resolve; its point is the member point nearest
//! the members' median. Rows without a point keep their name (so they are
//! still matched) and borrow their parent's point.

use std::collections::HashMap;

use super::error::GeocodeError;
use super::index::Unit;
use super::kana::kana_name_key;
use super::load::{latlon, LatLon, Tables};
use super::normalize::name_key;
use super::numerals::is_kanji_numeral;
use super::points::{in_bbox, medoid};

/// A town (町丁目, 大字, 小字) or a synthetic parent 大字.
#[derive(Debug, Clone)]
pub(crate) struct TownEntry {
    pub unit: u32,
    /// Display name as in the towns file; a 小字 is appended as `字…`.
    pub name: String,
    pub point: Option<LatLon>,
    /// True for a parent made up from its 丁目/小字 rows.
    pub synthetic: bool,
    /// The enclosing 大字 (real or synthetic), used when `point` is missing.
    pub parent: Option<u32>,
    /// True when `point` comes from the postal-code table because no
    /// member 丁目 has a point (approximate).
    pub point_from_postal: bool,
    /// Match key (see `normalize::name_key`), 小字 included: the path to this entry in its
    /// unit's town trie.
    pub key: Vec<char>,
}

/// Builds the town entries and fills each unit's town trie.
///
/// `warnings` receives one line per row without a point or outside
/// Kumamoto; errors name the towns file row whose `jis_code` is unknown.
pub(crate) fn build_towns(
    units: &mut [Unit],
    by_jis: &HashMap<String, u32>,
    tables: &Tables,
    warnings: &mut Vec<String>,
) -> Result<Vec<TownEntry>, GeocodeError> {
    let (town_rows, postal_rows) = (tables.towns, tables.postal);
    let towns_file = tables.towns_file;
    // Towns.
    let mut towns: Vec<TownEntry> = Vec::with_capacity(town_rows.len() + 200);
    let mut keys: Vec<Vec<char>> = Vec::with_capacity(town_rows.len() + 200);
    // (unit, parent key) → (display name, member ids), in first-seen order.
    let mut groups: Vec<(u32, Vec<char>, String, Vec<u32>)> = Vec::new();
    let mut group_index: HashMap<(u32, Vec<char>), usize> = HashMap::new();
    for r in town_rows {
        let unit = *by_jis.get(&r.jis_code).ok_or_else(|| GeocodeError::Field {
            file: towns_file.to_string(),
            row: r.line,
            field: "jis_code".into(),
            message: format!("{:?} is not in {}", r.jis_code, tables.municipalities_file),
        })?;
        let city_full = &units[unit as usize].city_full;
        let name = if r.koaza.is_empty() {
            r.town.clone()
        } else {
            format!("{}字{}", r.town, r.koaza)
        };
        let point = r.point.map(latlon);
        match point {
            None => warnings.push(format!(
                "{towns_file} row {}: {city_full} {name} has no lat/lon; it is still matched, \
                 answered with a nearby point and a note",
                r.line
            )),
            Some(p) if !in_bbox(p) => warnings.push(format!(
                "{towns_file} row {}: {city_full} {name} point {:.6},{:.6} is outside Kumamoto",
                r.line, p.0, p.1
            )),
            Some(_) => {}
        }
        let mut key = name_key(&r.town);
        key.extend(name_key(&r.koaza));
        let id = towns.len() as u32;
        // Parent group: the 大字 of a 丁目 row, or the town of a 小字 row.
        let parent = if r.chome.is_some() {
            Some(strip_chome(&r.town))
        } else if !r.koaza.is_empty() {
            Some(r.town.clone())
        } else {
            None
        };
        if let Some(base) = parent {
            let gkey = (unit, name_key(&base));
            let g = *group_index.entry(gkey.clone()).or_insert_with(|| {
                groups.push((unit, gkey.1.clone(), base, Vec::new()));
                groups.len() - 1
            });
            groups[g].3.push(id);
        }
        towns.push(TownEntry {
            unit,
            name,
            point,
            synthetic: false,
            parent: None,
            point_from_postal: false,
            key: key.clone(),
        });
        keys.push(key);
    }

    // 3. Parents: a real row with the parent's key, else a synthetic
    //    entry at the member point nearest the members' median.
    let mut real_by_key: HashMap<(u32, &[char]), u32> = HashMap::new();
    for (id, t) in towns.iter().enumerate() {
        real_by_key
            .entry((t.unit, keys[id].as_slice()))
            .or_insert(id as u32);
    }
    // Postal towns by (unit, key): a last resort for a 大字 none of whose
    // 丁目 has a point (世安一〜三丁目 in 熊本市中央区).
    let mut postal_points: HashMap<(u32, Vec<char>), LatLon> = HashMap::new();
    for r in postal_rows {
        if let (Some(&unit), Some(p)) = (by_jis.get(&r.jis_code), r.point.map(latlon)) {
            if !r.town.is_empty() {
                postal_points.entry((unit, name_key(&r.town))).or_insert(p);
            }
        }
    }
    let mut new_entries: Vec<(TownEntry, Vec<char>)> = Vec::new();
    let mut parent_of: Vec<(u32, u32)> = Vec::new();
    for (unit, gkey, base, members) in &groups {
        let parent_id = match real_by_key.get(&(*unit, gkey.as_slice())) {
            Some(&id) => id,
            None => {
                let points: Vec<LatLon> = members
                    .iter()
                    .filter_map(|&m| towns[m as usize].point)
                    .collect();
                let own = medoid(&points);
                let from_postal = if own.is_none() {
                    postal_points.get(&(*unit, gkey.clone())).copied()
                } else {
                    None
                };
                let id = (towns.len() + new_entries.len()) as u32;
                new_entries.push((
                    TownEntry {
                        unit: *unit,
                        name: base.clone(),
                        point: own.or(from_postal),
                        synthetic: true,
                        parent: None,
                        point_from_postal: from_postal.is_some(),
                        key: gkey.clone(),
                    },
                    gkey.clone(),
                ));
                id
            }
        };
        parent_of.extend(members.iter().map(|&m| (m, parent_id)));
    }
    for (m, p) in parent_of {
        towns[m as usize].parent = Some(p);
    }
    for (entry, key) in new_entries {
        towns.push(entry);
        keys.push(key);
    }

    // 4. Town tries (with a の→野 alias: the file spells 市の原 what
    //    Japan Post spells 市野原).
    for (id, key) in keys.iter().enumerate() {
        let trie = &mut units[towns[id].unit as usize].trie;
        trie.insert(key, id as u32);
        if key.contains(&'の') {
            let alias: Vec<char> = key
                .iter()
                .map(|&c| if c == 'の' { '野' } else { c })
                .collect();
            trie.insert(&alias, id as u32);
        }
    }

    // 5. Kana tries: the reading of a 大字 leads to the 大字 itself (a 丁目 or 小字 row
    //    leads to its parent; the matcher then reads the 丁目 or 小字 from the query).
    for (id, r) in town_rows.iter().enumerate() {
        if r.oaza_kana.is_empty() {
            continue;
        }
        let target = if r.chome.is_some() || !r.koaza.is_empty() {
            towns[id].parent.unwrap_or(id as u32)
        } else {
            id as u32
        };
        let unit = towns[id].unit as usize;
        units[unit]
            .kana_trie
            .insert(&kana_name_key(&r.oaza_kana), target);
    }

    Ok(towns)
}

/// Town name without its trailing `N丁目` (kanji or Arabic numeral).
fn strip_chome(town: &str) -> String {
    let Some(base) = town.strip_suffix("丁目") else {
        return town.to_string();
    };
    base.trim_end_matches(|c: char| is_kanji_numeral(c) || c.is_ascii_digit())
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::strip_chome;

    #[test]
    fn strip_chome_handles_kanji_and_arabic() {
        assert_eq!(strip_chome("水前寺六丁目"), "水前寺");
        assert_eq!(strip_chome("八幡十一丁目"), "八幡");
        assert_eq!(strip_chome("武蔵ヶ丘北2丁目"), "武蔵ヶ丘北");
        assert_eq!(strip_chome("京町本丁"), "京町本丁");
    }
}
