//! The domain's rules, in one place: the legal home-visit radius, the default kinds, and the
//! named coverage layers (presets) the map draws. Engines take these as parameters; none of
//! them knows the law.

use crate::coverage::{CoverageParams, CoverageResult, CoverageSet};
use crate::data::{Dataset, KindFilter, KindRule, KindSet, ProviderKind};
use std::ops::RangeInclusive;

/// The legal home-visit radius, metres (16 km rule: 往診・訪問診療は原則 16 km 以内). The one
/// place the figure lives: nearest answers (`within_16km`, `visit_16km`), the index's exact
/// boundary and coverage's default radius use it.
pub const HOME_VISIT_RADIUS_M: f64 = 16_000.0;

/// The default coverage radius, km: the legal home-visit radius.
pub const DEFAULT_RADIUS_KM: f64 = HOME_VISIT_RADIUS_M / 1000.0;

/// Margin kept around the service area when an OpenStreetMap extract is clipped
/// (`carecover clip-osm`), metres: half the home-visit radius. A road trip of at most 16 km
/// between two places in the prefecture can stray at most 8 km outside it, so every such trip
/// stays on the clipped network (a road that crosses into 大分 or 宮崎 and comes back, the
/// coast road through 出水 in 鹿児島).
pub const OSM_CLIP_MARGIN_M: f64 = HOME_VISIT_RADIUS_M / 2.0;

/// The default kinds of coverage: 在宅療養支援診療所 and 在宅療養支援病院.
pub fn home_care_kinds() -> KindSet {
    KindSet::from_kinds([
        ProviderKind::HomeCareSupportClinic,
        ProviderKind::HomeCareSupportHospital,
    ])
}

/// Every preset's parameters, the default layer first: what a snapshot pins.
pub fn preset_params() -> Vec<CoverageParams> {
    Preset::ALL.iter().map(|p| p.params()).collect()
}

/// 在宅療養支援診療所 + 在宅療養支援病院 at 16 km, every tier: the default layer.
pub fn default_home_care() -> CoverageParams {
    Preset::HomeCare.params()
}

/// The named layers precomputed for every snapshot (the map's presets), all at 16 km.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    /// `home_care`: 在宅療養支援診療所 + 在宅療養支援病院 (the default).
    HomeCare,
    /// `enhanced_palliative`: 在宅緩和ケア充実診療所・病院加算.
    EnhancedPalliative,
    /// `strengthened`: 機能強化型 home-care support (tier ≤ 2).
    Strengthened,
    /// `pediatric_home` (小児在宅): 在宅療養支援診療所・病院 that also hold a pediatric
    /// standard (小児かかりつけ, 小児夜間・休日, 小児特定集中治療室), or any hospital with a
    /// pediatric ward (小児入院医療管理料) whatever its home-care filings.
    ///
    /// Why: no standard marks home visits to children. The first part is the nearest proxy
    /// for a home-care team that also sees children (only a handful hold both); the second
    /// is the hospital a child cared for at home is admitted to and whose pediatricians back
    /// the home team — in practice pediatric home care in Kumamoto is run from these wards.
    /// Both reach the same 16 km as the other presets.
    PediatricHome,
}

impl Preset {
    pub const ALL: [Preset; 4] = [
        Self::HomeCare,
        Self::EnhancedPalliative,
        Self::Strengthened,
        Self::PediatricHome,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::HomeCare => "home_care",
            Self::EnhancedPalliative => "enhanced_palliative",
            Self::Strengthened => "strengthened",
            Self::PediatricHome => "pediatric_home",
        }
    }

    /// The Japanese name a planner reads.
    pub fn name_ja(self) -> &'static str {
        match self {
            Self::HomeCare => "在宅療養支援",
            Self::EnhancedPalliative => "在宅緩和ケア充実",
            Self::Strengthened => "機能強化型",
            Self::PediatricHome => "小児在宅",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == s)
    }

    /// Which providers the preset counts.
    pub fn rule(self) -> KindRule {
        use ProviderKind::*;
        let home_care = home_care_kinds();
        match self {
            Self::HomeCare | Self::Strengthened => home_care.into(),
            Self::EnhancedPalliative => KindSet::from_kinds([EnhancedHomePalliative]).into(),
            Self::PediatricHome => {
                let with = |k: ProviderKind| KindFilter {
                    any: home_care,
                    all: KindSet::from_kinds([k]),
                };
                KindRule::or(&[
                    with(PediatricPrimaryCare),
                    with(PediatricAfterHours),
                    with(PediatricIcu),
                    // Home-care support ∧ pediatric ward is inside this clause.
                    KindFilter::any(KindSet::from_kinds([PediatricInpatient])),
                ])
            }
        }
    }

    /// This preset's layer in a snapshot's coverage (every preset is pinned there; a set built
    /// without it answers its default layer).
    pub fn layer(self, set: &CoverageSet) -> &CoverageResult {
        set.pinned_or_default(self.params())
    }

    /// The parameters this preset stands for.
    pub fn params(self) -> CoverageParams {
        let tier_max = match self {
            Self::Strengthened => Some(2),
            _ => None,
        };
        // Every preset is valid by construction: kinds named, 16 km, tier 2.
        CoverageParams::new(self.rule(), DEFAULT_RADIUS_KM, tier_max)
            .unwrap_or_else(|e| unreachable!("preset {} is invalid: {e}", self.name()))
    }
}

/// The area the service answers for, from the data (no constant): the bounding box of the
/// medical regions' polygons.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceArea {
    west: f64,
    south: f64,
    east: f64,
    north: f64,
}

impl ServiceArea {
    /// Margin around the data within which a query point is accepted, degrees: a home just
    /// across the prefecture's border still gets an answer (its nearest providers are in it).
    pub const QUERY_MARGIN_DEG: f64 = 1.0;

    /// The regions' bounding box (an empty dataset gives an empty area at 0, 0).
    pub fn of(ds: &Dataset) -> Self {
        let mut r = ds.regions.iter().map(|r| r.bbox);
        let Some(first) = r.next() else {
            return Self {
                west: 0.0,
                south: 0.0,
                east: 0.0,
                north: 0.0,
            };
        };
        let mut a = Self {
            west: first.min().x,
            south: first.min().y,
            east: first.max().x,
            north: first.max().y,
        };
        for b in r {
            a.west = a.west.min(b.min().x);
            a.south = a.south.min(b.min().y);
            a.east = a.east.max(b.max().x);
            a.north = a.north.max(b.max().y);
        }
        a
    }

    /// TileJSON `bounds` (west, south, east, north), rounded outward to 0.01°.
    pub fn bounds(&self) -> [f64; 4] {
        let down = |x: f64| (x * 100.0).floor() / 100.0;
        let up = |x: f64| (x * 100.0).ceil() / 100.0;
        [
            down(self.west),
            down(self.south),
            up(self.east),
            up(self.north),
        ]
    }

    /// TileJSON `center`: the middle of [`Self::bounds`] at zoom 8 (the whole prefecture on
    /// a 1,000-pixel map).
    pub fn center(&self) -> [f64; 3] {
        let [w, s, e, n] = self.bounds();
        let mid = |a: f64, b: f64| ((a + b) * 50.0).round() / 100.0;
        [mid(w, e), mid(s, n), 8.0]
    }

    /// Longitudes a query point may have: the area grown by [`Self::QUERY_MARGIN_DEG`],
    /// rounded outward to whole degrees.
    pub fn query_lon(&self) -> RangeInclusive<f64> {
        (self.west - Self::QUERY_MARGIN_DEG).floor()..=(self.east + Self::QUERY_MARGIN_DEG).ceil()
    }

    /// Latitudes a query point may have (as [`Self::query_lon`]).
    pub fn query_lat(&self) -> RangeInclusive<f64> {
        (self.south - Self::QUERY_MARGIN_DEG).floor()..=(self.north + Self::QUERY_MARGIN_DEG).ceil()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_layer_is_home_care_at_the_legal_radius() {
        let d = default_home_care();
        assert_eq!(
            d,
            CoverageParams::new(home_care_kinds(), 16.0, None).unwrap()
        );
        assert_eq!(d.radius_m(), HOME_VISIT_RADIUS_M);
    }

    #[test]
    fn the_service_area_is_the_regions_extent() {
        let ds = crate::data::Dataset::load(
            crate::data::DataFiles::Builtin,
            &crate::data::Manifest::builtin().unwrap(),
        )
        .unwrap();
        let a = ServiceArea::of(&ds);
        // Kumamoto: 天草 in the west (牛深 ~129.98 °E) to 高森 in the east (~131.3 °E).
        let [w, s, e, n] = a.bounds();
        assert!(
            (129.9..130.0).contains(&w) && (131.2..131.4).contains(&e),
            "{w} {e}"
        );
        assert!(
            (32.0..32.2).contains(&s) && (33.1..33.3).contains(&n),
            "{s} {n}"
        );
        for r in &ds.regions {
            assert!(r.bbox.min().x >= w && r.bbox.max().x <= e);
            assert!(r.bbox.min().y >= s && r.bbox.max().y <= n);
        }
        assert!(a.query_lon().contains(&(w - 0.9)) && !a.query_lon().contains(&(e + 2.0)));
    }

    #[test]
    fn presets_round_trip_through_their_names() {
        for p in Preset::ALL {
            assert_eq!(Preset::parse(p.name()), Some(p));
        }
        assert_eq!(Preset::Strengthened.params().tier_max(), Some(2));
    }

    #[test]
    fn the_pediatric_preset_is_home_care_with_a_pediatric_standard_or_a_pediatric_ward() {
        use ProviderKind::*;
        let r = Preset::PediatricHome.params().rule();
        let has = |ks: &[ProviderKind]| r.matches(KindSet::from_kinds(ks.iter().copied()));
        for ped in [
            PediatricPrimaryCare,
            PediatricAfterHours,
            PediatricIcu,
            PediatricInpatient,
        ] {
            assert!(has(&[HomeCareSupportClinic, ped]), "{ped}");
            assert!(has(&[HomeCareSupportHospital, ped]), "{ped}");
        }
        assert!(has(&[PediatricInpatient]));
        assert!(!has(&[PediatricPrimaryCare]));
        assert!(!has(&[HomeCareSupportClinic]));
        assert!(!has(&[PediatricIcu]));
    }
}
