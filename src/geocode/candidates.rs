//! Turning matches into [`Candidate`]s: points, scores, notes, `rest`.

use super::answer::{Candidate, Level};
use super::index::{Gazetteer, PostalQuality};
use super::normalize::NormalizedQuery;
use super::rest::clean_rest;
use super::scoring::*;
use super::trie::NodeId;

/// Result of walking a unit's town trie.
#[derive(Debug, Clone, Copy)]
pub(super) struct TownHit {
    /// End of the match in the query key.
    pub end: usize,
    pub node: NodeId,
    /// When `N-` was read as N丁目 although the town without 丁目 exists
    /// too (元三町 and 元三町一丁目): that other reading.
    pub also: Option<(usize, NodeId)>,
}

/// A candidate with the unit it belongs to (for postal-code consistency).
pub(super) struct Found {
    pub unit: u32,
    pub cand: Candidate,
}

impl Gazetteer {
    /// Pushes the candidates of a hit (both readings when ambiguous);
    /// returns how many had a usable point.
    pub(super) fn hit_candidates(
        &self,
        u: u32,
        q: &NormalizedQuery,
        hit: TownHit,
        factor: f64,
        note: Option<&'static str>,
        out: &mut Vec<Found>,
    ) -> usize {
        match hit.also {
            None => self.town_candidates(u, q, (hit.end, hit.node), factor, note, out),
            Some(other) => {
                let n = note.or(Some(NOTE_CHOME_OR_BANCHI));
                self.town_candidates(
                    u,
                    q,
                    (hit.end, hit.node),
                    factor * F_CHOME_OR_BANCHI,
                    n,
                    out,
                ) + self.town_candidates(u, q, other, factor * F_BANCHI_READING, n, out)
            }
        }
    }

    /// Pushes one candidate per town stored at the hit's node; returns how
    /// many had a usable point.
    fn town_candidates(
        &self,
        u: u32,
        q: &NormalizedQuery,
        (end, node): (usize, NodeId),
        factor: f64,
        note: Option<&'static str>,
        out: &mut Vec<Found>,
    ) -> usize {
        let Some(unit) = self.units.get(u as usize) else {
            return 0;
        };
        let ids = unit.trie.values(node);
        let rest = clean_rest(&q.text[end..], &q.spaces[end..]);
        let mut score = factor;
        if !rest_is_clean(&rest) {
            score *= F_UNCLEAN_REST;
        }
        if ids.len() > 1 {
            score *= F_SAME_KEY;
        }
        let mut pushed = 0;
        for &id in ids {
            let Some(town) = self.towns.get(id as usize) else {
                continue;
            };
            let mut s = score;
            let mut n = note.map(str::to_string);
            let point = match (
                town.point,
                town.parent.and_then(|p| self.towns.get(p as usize)),
            ) {
                (Some(p), _) => {
                    if town.synthetic && town.point_from_postal {
                        s *= F_SYNTHETIC * F_BORROWED_POINT;
                        n = Some(format!(
                            "丁目 not given and none of {} has a point: approximate point from the postal-code table",
                            town.name
                        ));
                    } else if town.synthetic {
                        s *= F_SYNTHETIC;
                        n = Some(format!(
                            "丁目/小字 not given: point of the part of {} nearest its centre",
                            town.name
                        ));
                    }
                    p
                }
                (None, Some(parent)) if parent.point.is_some() => {
                    s *= F_BORROWED_POINT;
                    n = Some(if parent.point_from_postal {
                        format!(
                            "{} has no point in the data: approximate point of {} from the postal-code table",
                            town.name, parent.name
                        )
                    } else {
                        format!(
                            "{} has no point in the data: point of {}",
                            town.name, parent.name
                        )
                    });
                    match parent.point {
                        Some(p) => p,
                        None => continue,
                    }
                }
                _ => continue,
            };
            pushed += 1;
            out.push(Found {
                unit: u,
                cand: Candidate {
                    lat: point.0,
                    lon: point.1,
                    level: Level::Town,
                    city: unit.city_full.clone(),
                    town: Some(town.name.clone()),
                    score: s,
                    rest: rest.clone(),
                    jis_code: unit.jis_code.clone(),
                    note: n,
                },
            });
        }
        pushed
    }

    pub(super) fn municipality_candidate(
        &self,
        u: u32,
        q: &NormalizedQuery,
        start: usize,
        score: f64,
    ) -> Found {
        let (lat, lon, city, jis) = self
            .units
            .get(u as usize)
            .map(|x| {
                (
                    x.point.0,
                    x.point.1,
                    x.city_full.clone(),
                    x.jis_code.clone(),
                )
            })
            .unwrap_or_default();
        let start = start.min(q.text.len());
        Found {
            unit: u,
            cand: Candidate {
                lat,
                lon,
                level: Level::Municipality,
                city,
                town: None,
                score,
                rest: clean_rest(&q.text[start..], &q.spaces[start..]),
                jis_code: jis,
                note: Some(NOTE_MUNICIPALITY.to_string()),
            },
        }
    }

    /// Candidates for a postal code. `written` is the municipality named in
    /// the text, if any: codes of another municipality are marked.
    pub(super) fn postal_candidates(
        &self,
        code: u32,
        rest: &str,
        written: Option<u32>,
    ) -> Vec<Found> {
        let Some(entries) = self.postal.get(&code) else {
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|e| {
                let unit = self.units.get(e.unit as usize)?;
                let (mut score, mut note) = match e.quality {
                    PostalQuality::Exact => (SCORE_POSTAL_EXACT, None),
                    PostalQuality::Medoid => (
                        SCORE_POSTAL_MEDOID,
                        Some("the postal code covers several 丁目/小字: point of the one nearest the centre"),
                    ),
                    PostalQuality::CityMedian => (
                        SCORE_POSTAL_CITY,
                        Some("coarse point: the postal code's town has no point; municipality median"),
                    ),
                };
                if entries.len() > 1 {
                    score *= F_POSTAL_SEVERAL;
                }
                if written.is_some_and(|w| !self.compatible(w, e.unit)) {
                    score *= F_POSTAL_CONFLICT;
                    note = Some(NOTE_POSTAL_CONFLICT);
                }
                Some(Found {
                    unit: e.unit,
                    cand: Candidate {
                        lat: e.point.0,
                        lon: e.point.1,
                        level: Level::PostalCode,
                        city: unit.city_full.clone(),
                        town: (!e.town.is_empty()).then(|| e.town.clone()),
                        score,
                        rest: rest.to_string(),
                        jis_code: unit.jis_code.clone(),
                        note: note.map(str::to_string),
                    },
                })
            })
            .collect()
    }
}
