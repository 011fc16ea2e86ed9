//! The other ways into a town: after a former municipality name (鹿本郡植木町岩野), without
//! any municipality (水前寺6-18-1), and by its kana reading (くまもとし すいぜんじ).
//!
//! Each way ends in an ordinary town hit in one unit's town trie, so 丁目 numbers, 小字,
//! house numbers and building names after the town are read exactly as for a fully
//! written address (`matcher.rs`).

use super::answer::Level;
use super::candidates::{Found, TownHit};
use super::index::{Gazetteer, UnitKind};
use super::kana::{fold_kana, is_kana, KanaKey};
use super::normalize::NormalizedQuery;
use super::rest::clean_rest;
use super::scoring::*;
use super::trie::Trie;

/// How a town hit was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Via {
    /// The town name as written.
    Direct,
    /// After a former municipality name (index into `Gazetteer::formers`).
    Former(u32),
    /// By the 大字's kana reading.
    Kana,
}

/// A town hit in one unit.
#[derive(Debug, Clone, Copy)]
pub(super) struct UnitHit {
    pub unit: u32,
    pub hit: TownHit,
    pub via: Via,
}

impl Gazetteer {
    /// The longest town hits in unit `u` at `start`: the name as written, the name after a
    /// former municipality of this unit (八代市泉村柿迫), or its kana reading. Ties keep
    /// every way (the written name first); duplicates become one candidate later.
    pub(super) fn unit_hits(&self, u: u32, q: &NormalizedQuery, start: usize) -> Vec<UnitHit> {
        let Some(unit) = self.units.get(u as usize) else {
            return Vec::new();
        };
        let mut hits = Vec::new();
        if let Some(hit) = self.match_town(&unit.trie, &q.key, start) {
            hits.push(UnitHit {
                unit: u,
                hit,
                via: Via::Direct,
            });
        }
        if let Some((end, node)) = self.former_trie.longest_prefix(&q.key, start) {
            for &f in self.former_trie.values(node) {
                if let Some(hit) = self.former_hit(f, u, q, end) {
                    hits.push(UnitHit {
                        unit: u,
                        hit,
                        via: Via::Former(f),
                    });
                }
            }
        }
        if q.text.get(start).is_some_and(|&c| is_kana(c)) {
            let kk = fold_kana(&q.text[start..]);
            for hit in self.kana_hits(u, q, start, &kk) {
                hits.push(UnitHit {
                    unit: u,
                    hit,
                    via: Via::Kana,
                });
            }
        }
        let Some(best) = hits.iter().map(|h| h.hit.end).max() else {
            return hits;
        };
        hits.retain(|h| h.hit.end == best);
        hits
    }

    /// The town after former municipality `f`'s name (which ends at `end`), read in unit
    /// `u` as if `f`'s 町名 prefix had been written.
    fn former_hit(&self, f: u32, u: u32, q: &NormalizedQuery, end: usize) -> Option<TownHit> {
        let former = self.formers.get(f as usize)?;
        if former.unit != u {
            return None;
        }
        let trie = &self.units.get(u as usize)?.trie;
        let node = trie.walk(Trie::ROOT, former.prefix.iter().copied())?;
        self.match_town_from(trie, node, &q.key, end)
    }

    /// Towns of unit `u` whose 大字 reading starts the text at `start` (`kk` is the folded
    /// kana run there); the 丁目, 小字 and numbers after it are read from the text.
    fn kana_hits(&self, u: u32, q: &NormalizedQuery, start: usize, kk: &KanaKey) -> Vec<TownHit> {
        let Some(unit) = self.units.get(u as usize) else {
            return Vec::new();
        };
        let Some((kend, node)) = unit.kana_trie.longest_prefix(&kk.chars, 0) else {
            return Vec::new();
        };
        // The text position after the reading, past any lengthening vowel folded away.
        let run = q.text[start..].iter().take_while(|&&c| is_kana(c)).count();
        let end = start + kk.pos.get(kend).copied().unwrap_or(run);
        unit.kana_trie
            .values(node)
            .iter()
            .filter_map(|&id| {
                let town = self.towns.get(id as usize)?;
                let tnode = unit.trie.walk(Trie::ROOT, town.key.iter().copied())?;
                self.match_town_from(&unit.trie, tnode, &q.key, end)
            })
            .collect()
    }

    /// Pushes the candidates of `hits` with `factor` and `note`, marking those reached
    /// through a former name or a reading; returns how many had a usable point.
    pub(super) fn push_hits(
        &self,
        hits: &[UnitHit],
        q: &NormalizedQuery,
        factor: f64,
        note: Option<&'static str>,
        out: &mut Vec<Found>,
    ) -> usize {
        let mut pushed = 0;
        for h in hits {
            let before = out.len();
            pushed += self.hit_candidates(h.unit, q, h.hit, factor, note, out);
            let (f, extra) = match h.via {
                Via::Direct => continue,
                Via::Kana => (F_KANA, NOTE_KANA.to_string()),
                Via::Former(f) => {
                    let Some(former) = self.formers.get(f as usize) else {
                        continue;
                    };
                    let city = self
                        .units
                        .get(former.unit as usize)
                        .map_or("", |x| x.city_full.as_str());
                    (
                        F_FORMER,
                        format!(
                            "written with the former municipality {} (merged {}; now {city})",
                            former.name, former.ceased
                        ),
                    )
                }
            };
            for found in &mut out[before..] {
                found.cand.score *= f;
                found.cand.note = Some(match found.cand.note.take() {
                    Some(n) => format!("{extra}; {n}"),
                    None => extra.clone(),
                });
            }
        }
        pushed
    }

    /// Whether a town found without a written municipality is believable: long enough, or
    /// followed by a number, a space or nothing (`中` must not match `中央…`).
    fn plausible_unwritten(&self, q: &NormalizedQuery, start: usize, hit: &TownHit) -> bool {
        if hit.end - start >= MIN_UNWRITTEN_TOWN_CHARS || q.spaces.get(hit.end) == Some(&true) {
            return true;
        }
        rest_is_clean(&clean_rest(&q.text[hit.end..], &q.spaces[hit.end..]))
    }

    /// No current municipality written at `pos`: a former municipality name, else a town
    /// anywhere in Kumamoto. Pushes candidates; returns whether the text fits towns in
    /// several municipalities.
    pub(super) fn match_unwritten(
        &self,
        q: &NormalizedQuery,
        pos: usize,
        out: &mut Vec<Found>,
    ) -> bool {
        let mut hits: Vec<UnitHit> = Vec::new();
        let mut former_units: Vec<(u32, usize)> = Vec::new();
        if let Some((end, node)) = self.former_trie.longest_prefix(&q.key, pos) {
            for &f in self.former_trie.values(node) {
                let Some(former) = self.formers.get(f as usize) else {
                    continue;
                };
                former_units.push((former.unit, end));
                let units = match self.units.get(former.unit as usize).map(|x| &x.kind) {
                    Some(UnitKind::WholeCity { wards }) => wards.clone(),
                    _ => vec![former.unit],
                };
                for u in units {
                    let Some(unit) = self.units.get(u as usize) else {
                        continue;
                    };
                    let Some(node) = unit.trie.walk(Trie::ROOT, former.prefix.iter().copied())
                    else {
                        continue;
                    };
                    if let Some(hit) = self.match_town_from(&unit.trie, node, &q.key, end) {
                        hits.push(UnitHit {
                            unit: u,
                            hit,
                            via: Via::Former(f),
                        });
                    }
                }
            }
        }
        for (u, unit) in self.units.iter().enumerate() {
            if matches!(unit.kind, UnitKind::WholeCity { .. }) {
                continue;
            }
            if let Some(hit) = self.match_town(&unit.trie, &q.key, pos) {
                if self.plausible_unwritten(q, pos, &hit) {
                    hits.push(UnitHit {
                        unit: u as u32,
                        hit,
                        via: Via::Direct,
                    });
                }
            }
        }
        let before = out.len();
        let ambiguous = self.push_anywhere(hits, q, out);
        if out.len() == before {
            // A former name alone (鹿本郡植木町): the point of the unit that holds it.
            for (u, end) in former_units {
                out.push(self.municipality_candidate(u, q, end, SCORE_MUNICIPALITY));
            }
        }
        ambiguous
    }

    /// Pushes the longest of `hits` found without a written municipality: one unit gets
    /// [`F_NO_MUNI_UNIQUE`], several get [`F_NO_MUNI_SEVERAL`] and make the answer
    /// ambiguous. A hit through a former name says which municipality was meant.
    fn push_anywhere(&self, hits: Vec<UnitHit>, q: &NormalizedQuery, out: &mut Vec<Found>) -> bool {
        let Some(best) = hits.iter().map(|h| h.hit.end).max() else {
            return false;
        };
        let mut top: Vec<UnitHit> = hits.into_iter().filter(|h| h.hit.end == best).collect();
        if top.iter().any(|h| matches!(h.via, Via::Former(_))) {
            top.retain(|h| matches!(h.via, Via::Former(_)));
            self.push_hits(&top, q, 1.0, None, out);
            return false;
        }
        let several = top.iter().any(|h| h.unit != top[0].unit);
        let (factor, note) = if several {
            (F_NO_MUNI_SEVERAL, NOTE_NO_MUNI_SEVERAL)
        } else {
            (F_NO_MUNI_UNIQUE, NOTE_NO_MUNI_UNIQUE)
        };
        let n = self.push_hits(&top, q, factor, Some(note), out);
        several && n > 1
    }

    /// The text at `pos` is kana: a municipality reading then a town (in any spelling), or
    /// a town reading anywhere in Kumamoto. Returns whether the answer is ambiguous.
    pub(super) fn match_kana_text(
        &self,
        q: &NormalizedQuery,
        pos: usize,
        out: &mut Vec<Found>,
    ) -> bool {
        let kk = fold_kana(&q.text[pos..]);
        let run = q.text[pos..].iter().take_while(|&&c| is_kana(c)).count();
        let at = |k: usize| pos + kk.pos.get(k).copied().unwrap_or(run);
        let kstart = if kk.chars.starts_with(&self.prefecture_kana) {
            self.prefecture_kana.len()
        } else {
            0
        };
        if let Some((kend, node)) = self.muni_kana_trie.longest_prefix(&kk.chars, kstart) {
            // Where the town begins is not certain: a vowel right after the municipality's
            // reading may lengthen its last syllable (あさぎりちょう|めんだ) or begin the town
            // (ちゅうおうく|うおやまち, あさぎりちょう|おかはる). Try each, the earliest first.
            let after_last = pos + kk.pos[kend - 1] + 1;
            let starts = after_last..=at(kend).max(after_last);
            let mut first_try: Option<(Vec<Found>, bool)> = None;
            for start in starts {
                let mut tried = Vec::new();
                let mut ambiguous = false;
                for &u in self.muni_kana_trie.values(node) {
                    ambiguous |= self.match_in_unit(u, q, start, &mut tried);
                }
                if tried.iter().any(|f| f.cand.level == Level::Town) {
                    out.extend(tried);
                    return ambiguous;
                }
                first_try.get_or_insert((tried, ambiguous));
            }
            if let Some((tried, _)) = first_try {
                out.extend(tried);
            }
        }
        let start = at(kstart);
        let kk = fold_kana(&q.text[start..]);
        let mut hits = Vec::new();
        for (u, unit) in self.units.iter().enumerate() {
            if matches!(unit.kind, UnitKind::WholeCity { .. }) {
                continue;
            }
            for hit in self.kana_hits(u as u32, q, start, &kk) {
                if self.plausible_unwritten(q, start, &hit) {
                    hits.push(UnitHit {
                        unit: u as u32,
                        hit,
                        via: Via::Kana,
                    });
                }
            }
        }
        let mut wide = Vec::new();
        let ambiguous = self.push_anywhere(hits, q, &mut wide);
        if wide.iter().any(|f| f.cand.level == Level::Town) || out.is_empty() {
            out.clear();
            out.extend(wide);
            return ambiguous;
        }
        false
    }
}
