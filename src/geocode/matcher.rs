//! Matching a normalised query against the gazetteer.
//!
//! Order: prefecture (optional 熊本県; another prefecture stops here) →
//! longest municipality name (with or without 郡; 熊本市 with or without a
//! ward) → longest town key in that unit, also read after a former municipality name or
//! from its kana reading (`search.rs`) → without a municipality: a former municipality
//! name or a town anywhere in Kumamoto → the same in kana → fallbacks (postal code,
//! municipality point). Scores are documented in the module doc of
//! [`crate::geocode`].

use super::answer::{reason, Candidate, GeocodeAnswer, Level};
use super::candidates::{Found, TownHit};
use super::index::{Gazetteer, UnitKind};
use super::kana::is_kana;
use super::normalize::{normalize_query, NormalizedQuery};
use super::rest::clean_rest;
use super::scoring::*;
use super::search::UnitHit;
use super::trie::{NodeId, Trie};

/// Outcome of matching the text part (postal code excluded).
enum TextOutcome {
    Empty,
    NotInKumamoto,
    NoMatch,
    /// Candidates, and whether the text fits several towns without saying which.
    Found(Vec<Found>, bool),
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
        let ambiguous = matches!(text, TextOutcome::Found(_, true));
        let found = match (q.postal_code, text) {
            (_, TextOutcome::NotInKumamoto) => {
                return GeocodeAnswer::empty(reason::NOT_IN_KUMAMOTO)
            }
            (None, TextOutcome::Empty) => return GeocodeAnswer::empty(reason::EMPTY_QUERY),
            (None, TextOutcome::NoMatch) => return GeocodeAnswer::empty(reason::NO_MATCH),
            (None, TextOutcome::Found(f, _)) => f,
            (Some(code), TextOutcome::Empty | TextOutcome::NoMatch) => {
                let rest = clean_rest(&q.text, &q.spaces);
                let f = self.postal_candidates(code, &rest, None);
                if f.is_empty() {
                    return GeocodeAnswer::empty(self.postal_reason(code));
                }
                f
            }
            (Some(code), TextOutcome::Found(mut f, _)) => {
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
            ambiguous,
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
        let mut out = Vec::new();
        let mut ambiguous = false;
        if let Some((end, node)) = self.muni_trie.longest_prefix(key, pos) {
            for &u in self.muni_trie.values(node) {
                ambiguous |= self.match_in_unit(u, q, end, &mut out);
            }
        } else {
            ambiguous = self.match_unwritten(q, pos, &mut out);
        }
        let town_found = |f: &[Found]| f.iter().any(|x| x.cand.level == Level::Town);
        if !town_found(&out) && q.text.get(pos).is_some_and(|&c| is_kana(c)) {
            let mut kana_out = Vec::new();
            let kana_ambiguous = self.match_kana_text(q, pos, &mut kana_out);
            if town_found(&kana_out) || (out.is_empty() && !kana_out.is_empty()) {
                out = kana_out;
                ambiguous = kana_ambiguous;
            }
        }
        if out.is_empty() {
            TextOutcome::NoMatch
        } else {
            TextOutcome::Found(out, ambiguous)
        }
    }

    /// Town candidates for unit `u` with the town part starting at `start`; returns
    /// whether the town was found in several wards without a ward written.
    pub(super) fn match_in_unit(
        &self,
        u: u32,
        q: &NormalizedQuery,
        start: usize,
        out: &mut Vec<Found>,
    ) -> bool {
        let Some(unit) = self.units.get(u as usize) else {
            return false;
        };
        match &unit.kind {
            UnitKind::WholeCity { wards } => {
                let (n, ambiguous) = self.match_wards(wards, q, start, None, out);
                if n == 0 {
                    out.push(self.municipality_candidate(u, q, start, SCORE_WHOLE_CITY));
                }
                ambiguous
            }
            UnitKind::Ward { .. } | UnitKind::Plain => {
                let hits = self.unit_hits(u, q, start);
                if !hits.is_empty() && self.push_hits(&hits, q, 1.0, None, out) > 0 {
                    return false;
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
                if !hits.is_empty() {
                    // The town exists but neither it nor its 大字 has a point.
                    m.cand.note = Some(NOTE_TOWN_WITHOUT_POINT.to_string());
                }
                out.push(m);
                false
            }
        }
    }

    /// Matches the town in each of `wards`; keeps the wards with the longest
    /// match. `other_ward_note` marks a search outside the written ward.
    /// Returns the number of candidates pushed and whether several wards had the town
    /// (no ward written).
    fn match_wards(
        &self,
        wards: &[u32],
        q: &NormalizedQuery,
        start: usize,
        other_ward_note: Option<&'static str>,
        out: &mut Vec<Found>,
    ) -> (usize, bool) {
        let hits: Vec<UnitHit> = wards
            .iter()
            .flat_map(|&w| self.unit_hits(w, q, start))
            .collect();
        let Some(best_end) = hits.iter().map(|h| h.hit.end).max() else {
            return (0, false);
        };
        let top: Vec<UnitHit> = hits.into_iter().filter(|h| h.hit.end == best_end).collect();
        let several = top.iter().any(|h| h.unit != top[0].unit);
        let (factor, note) = match (other_ward_note, several) {
            (Some(n), _) => (F_OTHER_WARD, Some(n)),
            (None, false) => (F_WARDLESS_UNIQUE, None),
            (None, true) => (F_WARDLESS_SEVERAL, Some(NOTE_SEVERAL_WARDS)),
        };
        let n = self.push_hits(&top, q, factor, note, out);
        (n, several && other_ward_note.is_none() && n > 1)
    }

    /// Longest town key of `trie` at `key[start..]`: returns (end, node).
    pub(super) fn match_town(&self, trie: &Trie, key: &[char], start: usize) -> Option<TownHit> {
        self.match_town_from(trie, Trie::ROOT, key, start)
    }

    /// Longest town key of `trie` that continues from `node` (a key already read, e.g. a
    /// former municipality's 町名 prefix or a town found by its reading) with
    /// `key[start..]`: returns (end, node). A non-root `node` that holds a town is itself
    /// a match ending at `start`.
    ///
    /// Besides exact trie steps it accepts a 字 that the trie does not
    /// expect (optional 字 before a 小字) and reads `6-` or a final `6`
    /// after a 大字 as `6丁目` when that 丁目 exists.
    pub(super) fn match_town_from(
        &self,
        trie: &Trie,
        from: NodeId,
        key: &[char],
        start: usize,
    ) -> Option<TownHit> {
        let mut node = from;
        let mut i = start;
        let mut best: Option<TownHit> = (from != Trie::ROOT && !trie.values(from).is_empty())
            .then_some(TownHit {
                end: start,
                node: from,
                also: None,
            });
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
