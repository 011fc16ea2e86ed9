//! Matching a normalised query against the gazetteer.
//!
//! Order: prefecture (optional 熊本県; another prefecture stops here) →
//! longest municipality name (with or without 郡; 熊本市 with or without a
//! ward) → longest town key in that unit → fallbacks (postal code,
//! municipality point). Scores are documented in the module doc of
//! [`crate::geocode`].

use super::answer::{reason, Candidate, GeocodeAnswer, Level};
use super::candidates::{Found, TownHit};
use super::index::{Gazetteer, UnitKind};
use super::normalize::{normalize_query, NormalizedQuery};
use super::rest::clean_rest;
use super::scoring::*;
use super::trie::Trie;

/// Outcome of matching the text part (postal code excluded).
enum TextOutcome {
    Empty,
    NotInKumamoto,
    NoMatch,
    Found(Vec<Found>),
}

impl Gazetteer {
    /// Geocodes one Kumamoto address to at most `limit` candidates, best
    /// first (`limit` 0 is treated as 1).
    ///
    /// An empty `candidates` list always comes with a `reason`
    /// (`empty_query`, `not_in_kumamoto`, `no_match`). Nothing is logged.
    pub fn geocode(&self, query: &str, limit: usize) -> GeocodeAnswer {
        let q = normalize_query(query);
        let text = self.match_text(&q);
        let found = match (q.postal_code, text) {
            (_, TextOutcome::NotInKumamoto) => {
                return GeocodeAnswer::empty(reason::NOT_IN_KUMAMOTO)
            }
            (None, TextOutcome::Empty) => return GeocodeAnswer::empty(reason::EMPTY_QUERY),
            (None, TextOutcome::NoMatch) => return GeocodeAnswer::empty(reason::NO_MATCH),
            (None, TextOutcome::Found(f)) => f,
            (Some(code), TextOutcome::Empty | TextOutcome::NoMatch) => {
                let rest = clean_rest(&q.text, &q.spaces);
                let f = self.postal_candidates(code, &rest, None);
                if f.is_empty() {
                    return GeocodeAnswer::empty(self.postal_reason(code));
                }
                f
            }
            (Some(code), TextOutcome::Found(mut f)) => {
                if !f.iter().any(|x| x.cand.level == Level::Town) {
                    let rest = f.first().map(|x| x.cand.rest.clone()).unwrap_or_default();
                    let written = f.first().map(|x| x.unit);
                    f.extend(self.postal_candidates(code, &rest, written));
                } else {
                    // The text already found the town; keep the postal code
                    // only as a warning sign when it points elsewhere.
                    let units: Vec<u32> = f.iter().map(|x| x.unit).collect();
                    let rest = f.first().map(|x| x.cand.rest.clone()).unwrap_or_default();
                    let extra = self.postal_candidates(code, &rest, None);
                    f.extend(
                        extra
                            .into_iter()
                            .filter(|p| !units.iter().any(|&u| self.compatible(u, p.unit)))
                            .map(|mut p| {
                                p.cand.score *= F_POSTAL_CONFLICT;
                                p.cand.note = Some(NOTE_POSTAL_CONFLICT.to_string());
                                p
                            }),
                    );
                }
                f
            }
        };
        let mut candidates: Vec<Candidate> = Vec::with_capacity(found.len());
        for f in found {
            let dup = candidates.iter().any(|c| {
                c.level == f.cand.level && c.jis_code == f.cand.jis_code && c.town == f.cand.town
            });
            if !dup {
                candidates.push(f.cand);
            }
        }
        for c in &mut candidates {
            // Products of the factors above; 3 decimals are plenty.
            c.score = (c.score * 1000.0).round() / 1000.0;
        }
        candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
        candidates.truncate(limit.max(1));
        GeocodeAnswer {
            candidates,
            reason: None,
        }
    }

    fn postal_reason(&self, code: u32) -> &'static str {
        if self.postal_areas.contains(&(code / 10_000)) {
            reason::NO_MATCH
        } else {
            reason::NOT_IN_KUMAMOTO
        }
    }

    /// Whether units `a` and `b` are the same place or a ward of a city.
    pub(super) fn compatible(&self, a: u32, b: u32) -> bool {
        if a == b {
            return true;
        }
        let city_of = |u: u32| match self.units.get(u as usize).map(|x| &x.kind) {
            Some(UnitKind::Ward { city }) => *city,
            _ => u,
        };
        city_of(a) == city_of(b)
    }

    fn match_text(&self, q: &NormalizedQuery) -> TextOutcome {
        let key = &q.key;
        if key.is_empty() {
            return TextOutcome::Empty;
        }
        let mut pos = 0;
        if key.starts_with(&self.prefecture) {
            pos = self.prefecture.len();
        } else if self.other_prefectures.iter().any(|p| key.starts_with(p)) {
            return TextOutcome::NotInKumamoto;
        }
        let Some((end, node)) = self.muni_trie.longest_prefix(key, pos) else {
            return TextOutcome::NoMatch;
        };
        let mut out = Vec::new();
        for &u in self.muni_trie.values(node) {
            self.match_in_unit(u, q, end, &mut out);
        }
        if out.is_empty() {
            TextOutcome::NoMatch
        } else {
            TextOutcome::Found(out)
        }
    }

    /// Town candidates for unit `u` with the town part starting at `start`.
    fn match_in_unit(&self, u: u32, q: &NormalizedQuery, start: usize, out: &mut Vec<Found>) {
        let Some(unit) = self.units.get(u as usize) else {
            return;
        };
        match &unit.kind {
            UnitKind::WholeCity { wards } => {
                let n = self.match_wards(wards, q, start, None, out);
                if n == 0 {
                    out.push(self.municipality_candidate(u, q, start, SCORE_WHOLE_CITY));
                }
            }
            UnitKind::Ward { .. } | UnitKind::Plain => {
                let hit = self.match_town(&unit.trie, &q.key, start);
                if let Some(hit) = hit {
                    if self.hit_candidates(u, q, hit, 1.0, None, out) > 0 {
                        return;
                    }
                }
                if let UnitKind::Ward { city } = unit.kind {
                    if let Some(UnitKind::WholeCity { wards }) =
                        self.units.get(city as usize).map(|c| &c.kind)
                    {
                        let others: Vec<u32> = wards.iter().copied().filter(|&w| w != u).collect();
                        self.match_wards(&others, q, start, Some(NOTE_OTHER_WARD), out);
                    }
                }
                let mut m = self.municipality_candidate(u, q, start, SCORE_MUNICIPALITY);
                if hit.is_some() {
                    // The town exists but neither it nor its 大字 has a point.
                    m.cand.note = Some(NOTE_TOWN_WITHOUT_POINT.to_string());
                }
                out.push(m);
            }
        }
    }

    /// Matches the town in each of `wards`; keeps the wards with the longest
    /// match. `other_ward_note` marks a search outside the written ward.
    /// Returns the number of candidates pushed.
    fn match_wards(
        &self,
        wards: &[u32],
        q: &NormalizedQuery,
        start: usize,
        other_ward_note: Option<&'static str>,
        out: &mut Vec<Found>,
    ) -> usize {
        let hits: Vec<(u32, TownHit)> = wards
            .iter()
            .filter_map(|&w| {
                let unit = self.units.get(w as usize)?;
                Some((w, self.match_town(&unit.trie, &q.key, start)?))
            })
            .collect();
        let Some(best_end) = hits.iter().map(|(_, h)| h.end).max() else {
            return 0;
        };
        let top: Vec<&(u32, TownHit)> = hits.iter().filter(|(_, h)| h.end == best_end).collect();
        let (factor, note) = match (other_ward_note, top.len()) {
            (Some(n), _) => (F_OTHER_WARD, Some(n)),
            (None, 1) => (F_WARDLESS_UNIQUE, None),
            (None, _) => (F_WARDLESS_SEVERAL, Some(NOTE_SEVERAL_WARDS)),
        };
        top.iter()
            .map(|&&(w, hit)| self.hit_candidates(w, q, hit, factor, note, out))
            .sum()
    }

    /// Longest town key of `trie` at `key[start..]`: returns (end, node).
    ///
    /// Besides exact trie steps it accepts a 字 that the trie does not
    /// expect (optional 字 before a 小字) and reads `6-` or a final `6`
    /// after a 大字 as `6丁目` when that 丁目 exists.
    fn match_town(&self, trie: &Trie, key: &[char], start: usize) -> Option<TownHit> {
        let mut node = Trie::ROOT;
        let mut i = start;
        let mut best: Option<TownHit> = None;
        while let Some(&c) = key.get(i) {
            if c.is_ascii_digit() && node != Trie::ROOT {
                let j = key[i..]
                    .iter()
                    .position(|d| !d.is_ascii_digit())
                    .map_or(key.len(), |p| i + p);
                let follows = key.get(j).copied();
                if follows.is_none() || follows == Some('-') {
                    let path = key[i..j].iter().copied().chain(['丁', '目']);
                    if let Some(t) = trie.walk(node, path) {
                        if !trie.values(t).is_empty() {
                            let real_here = trie.values(node).iter().any(|&id| {
                                self.towns.get(id as usize).is_some_and(|t| !t.synthetic)
                            });
                            best = Some(TownHit {
                                end: if follows.is_some() { j + 1 } else { j },
                                node: t,
                                also: real_here.then_some((i, node)),
                            });
                            break;
                        }
                    }
                }
            }
            if let Some(next) = trie.child(node, c) {
                node = next;
                i += 1;
                if !trie.values(node).is_empty() {
                    best = Some(TownHit {
                        end: i,
                        node,
                        also: None,
                    });
                }
            } else if c == '字' {
                i += 1;
            } else {
                break;
            }
        }
        best
    }
}
