//! [`CoverageParams`]: which providers count (kinds, tier) and how far they reach; and the named
//! [`Preset`]s the map draws.

use crate::data::{KindFilter, KindRule, KindSet, Provider, ProviderKind};

/// The default service radius, km: the legal home-visit radius.
pub const DEFAULT_RADIUS_KM: f64 = crate::index::HOME_VISIT_RADIUS_M / 1000.0;
/// Radii a request may ask for, km.
pub const RADIUS_KM_RANGE: std::ops::RangeInclusive<f64> = 1.0..=50.0;

/// Why coverage parameters were rejected; each names the parameter and value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamError {
    #[error("radius_km={0} must be a number from 1 to 50 (km)")]
    Radius(f64),
    #[error("tier_max={0} must be 1, 2 or 3")]
    Tier(u8),
    #[error("the kind set is empty")]
    NoKinds,
}

/// What counts as a service area: providers the kind rule selects (`kind=` any-of and
/// `require=` all-of, or a preset's or of such clauses; and, with `tier_max`, a home-care
/// support tier ≤ `tier_max`), each reaching `radius_m` metres (geodesic).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoverageParams {
    rule: KindRule,
    radius_m: f64,
    tier_max: Option<u8>,
}

impl CoverageParams {
    /// Validates: `radius_km` in [`RADIUS_KM_RANGE`], `tier_max` in 1–3 (1 = 機能強化型単独,
    /// 2 = 機能強化型連携, 3 = 従来型), every clause's any-of kinds not empty. `kinds` is a
    /// [`KindSet`] (any-of), a [`KindFilter`] (any-of and all-of) or a [`KindRule`].
    pub fn new(
        kinds: impl Into<KindRule>,
        radius_km: f64,
        tier_max: Option<u8>,
    ) -> Result<Self, ParamError> {
        let rule = kinds.into();
        if rule.clauses().iter().any(|c| c.any.is_empty()) {
            return Err(ParamError::NoKinds);
        }
        if !radius_km.is_finite() || !RADIUS_KM_RANGE.contains(&radius_km) {
            return Err(ParamError::Radius(radius_km));
        }
        if let Some(t) = tier_max.filter(|t| !(1..=3).contains(t)) {
            return Err(ParamError::Tier(t));
        }
        Ok(Self {
            rule,
            radius_m: radius_km * 1000.0,
            tier_max,
        })
    }

    /// 在宅療養支援診療所 + 在宅療養支援病院 at 16 km, every tier: the default layer.
    pub fn default_home_care() -> Self {
        Preset::HomeCare.params()
    }

    /// The default kinds: 在宅療養支援診療所 and 在宅療養支援病院.
    pub fn default_kinds() -> KindSet {
        KindSet::from_kinds([
            ProviderKind::HomeCareSupportClinic,
            ProviderKind::HomeCareSupportHospital,
        ])
    }

    /// Every kind the rule names (per-kind counts, the answer's `kinds`).
    pub fn kinds(&self) -> KindSet {
        self.rule.named()
    }

    /// Which providers count.
    pub fn rule(&self) -> KindRule {
        self.rule
    }

    /// Radius, metres.
    pub fn radius_m(&self) -> f64 {
        self.radius_m
    }

    /// Radius, km.
    pub fn radius_km(&self) -> f64 {
        self.radius_m / 1000.0
    }

    pub fn tier_max(&self) -> Option<u8> {
        self.tier_max
    }

    /// Whether an existing provider counts. With `tier_max`, a provider needs a home-care
    /// support tier (clinic or hospital, the strongest of the two) ≤ `tier_max`; providers
    /// without such a tier do not count.
    pub fn selects(&self, p: &Provider) -> bool {
        self.rule.matches(p.kinds) && self.tier_ok(p.tiers.home_care_support())
    }

    /// Whether a tier passes `tier_max` (`None` = no tier filed).
    pub fn tier_ok(&self, tier: Option<u8>) -> bool {
        match (self.tier_max, tier) {
            (None, _) => true,
            (Some(max), Some(t)) => t <= max,
            (Some(_), None) => false,
        }
    }

    /// A cache key: the rule, radius in whole metres, tier.
    pub(crate) fn key(&self) -> (KindRule, u32, Option<u8>) {
        (self.rule, self.radius_m.round() as u32, self.tier_max)
    }
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

    fn rule(self) -> KindRule {
        use ProviderKind::*;
        let home_care = CoverageParams::default_kinds();
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

    /// The parameters this preset stands for.
    pub fn params(self) -> CoverageParams {
        CoverageParams {
            rule: self.rule(),
            radius_m: DEFAULT_RADIUS_KM * 1000.0,
            tier_max: match self {
                Self::Strengthened => Some(2),
                _ => None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_outside_their_ranges_are_rejected() {
        let k = CoverageParams::default_kinds();
        assert_eq!(
            CoverageParams::new(k, 0.5, None),
            Err(ParamError::Radius(0.5))
        );
        assert!(CoverageParams::new(k, f64::NAN, None).is_err());
        assert_eq!(
            CoverageParams::new(k, 16.0, Some(4)),
            Err(ParamError::Tier(4))
        );
        assert_eq!(
            CoverageParams::new(KindSet::EMPTY, 16.0, None),
            Err(ParamError::NoKinds)
        );
        assert_eq!(
            CoverageParams::new(k, 16.0, None),
            Ok(CoverageParams::default_home_care())
        );
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
