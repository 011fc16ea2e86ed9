//! [`CoverageParams`]: which providers count (kinds, tier) and how far they reach. The named
//! layers the map draws (presets) and the legal radius are domain rules: `app::rules`.

#[cfg(test)]
use crate::data::ProviderKind;
use crate::data::{KindRule, KindSet, Provider};

/// Radii a request may ask for, km.
pub const RADIUS_KM_RANGE: std::ops::RangeInclusive<f64> = 1.0..=50.0;

/// Why coverage parameters were rejected; each names the parameter and value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamError {
    #[error("radius_km={0} must be a number from 1 to 50 (km)")]
    Radius(f64),
    #[error("tier_max={0} must be 1, 2 or 3")]
    Tier(i64),
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
        tier_max: Option<i64>,
    ) -> Result<Self, ParamError> {
        let rule = kinds.into();
        if rule.clauses().iter().any(|c| c.any.is_empty()) {
            return Err(ParamError::NoKinds);
        }
        if !radius_km.is_finite() || !RADIUS_KM_RANGE.contains(&radius_km) {
            return Err(ParamError::Radius(radius_km));
        }
        let tier_max = match tier_max {
            None => None,
            Some(t @ 1..=3) => Some(t as u8),
            Some(t) => return Err(ParamError::Tier(t)),
        };
        Ok(Self {
            rule,
            radius_m: radius_km * 1000.0,
            tier_max,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_outside_their_ranges_are_rejected() {
        let k = KindSet::from_kinds([ProviderKind::HomeCareSupportClinic]);
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
        let p = CoverageParams::new(k, 16.0, Some(2)).unwrap();
        assert_eq!(
            (p.radius_m(), p.tier_max(), p.kinds()),
            (16_000.0, Some(2), k)
        );
    }
}
