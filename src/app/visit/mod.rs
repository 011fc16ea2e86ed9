//! The 16 km rule for home visits, as a discharge nurse needs it answered.
//!
//! **The rule.** 往診・訪問診療 are billable only to homes within 16 km straight-line of the
//! clinic ([`HOME_VISIT_RADIUS_M`]), **unless** no capable provider exists within 16 km of
//! the home: then a provider beyond 16 km may still visit (the exception).
//!
//! **Three answers, not two.** Provider points and geocoded addresses are town-level
//! (町丁目・大字 representative points), so a straight-line distance near 16 km cannot
//! decide the rule: the true distance lies within `d ± u`, where `u` is the combined
//! uncertainty of the two points ([`uncertainty`]: the provider's town radius plus the
//! patient's — 0 for a lat/lon the user gave). So a provider is
//!
//! - [`Visit16::ToConfirm`] (要確認) when `|d − 16 km| ≤ u` (and `u > 0`): check the real
//!   addresses;
//! - else [`Visit16::Within`] when `d ≤ 16 km`, [`Visit16::Beyond`] otherwise.
//!
//! `within_16km` (the boolean of the API) stays `d ≤ 16 km` on the points, as before.
//!
//! **The exception** ([`Rule16`]) is judged on every provider the query's kinds select, not
//! only the k listed: it does not apply when some provider is surely within 16 km; it applies
//! when none is within or to confirm; otherwise it is itself to be confirmed.

pub mod uncertainty;

pub use super::rules::HOME_VISIT_RADIUS_M;
use crate::data::KindFilter;
use crate::geom::LonLat;
use crate::index::{Hit, ProviderIndex};
use serde::Serialize;
pub use uncertainty::{PatientPoint, TownPoint, Uncertainty, CAP_M};

/// A provider against the 16 km rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visit16 {
    /// Surely within 16 km (○ 16 km以内).
    Within,
    /// Surely beyond 16 km (× 16 km超).
    Beyond,
    /// Within the points' uncertainty of 16 km (要確認).
    ToConfirm,
}

impl Visit16 {
    /// The rule for a straight-line distance and the combined uncertainty, both metres.
    pub fn classify(distance_m: f64, uncertainty_m: f64) -> Self {
        if uncertainty_m > 0.0 && (distance_m - HOME_VISIT_RADIUS_M).abs() <= uncertainty_m {
            Self::ToConfirm
        } else if distance_m <= HOME_VISIT_RADIUS_M {
            Self::Within
        } else {
            Self::Beyond
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Within => "within",
            Self::Beyond => "beyond",
            Self::ToConfirm => "to_confirm",
        }
    }
}

/// Whether the exception (no capable provider within 16 km) lets a provider beyond 16 km
/// visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Exception {
    /// Some provider of the kinds is surely within 16 km: the exception does not apply.
    DoesNotApply,
    /// No provider of the kinds is within 16 km, even allowing for the uncertainty.
    Applies,
    /// None is surely within, but some are to confirm: the exception hangs on them.
    ToConfirm,
}

/// The 16 km answer for one home and one choice of kinds.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Rule16 {
    /// The legal radius, km (16).
    pub radius_km: f64,
    /// Where the patient's point came from.
    pub patient_point: PatientPoint,
    /// The patient point's uncertainty radius, km (0 for a lat/lon).
    pub patient_uncertainty_km: f64,
    /// Providers of the chosen kinds surely within 16 km (all of them, not only those
    /// listed).
    pub providers_within: usize,
    /// Providers of the chosen kinds to confirm (within the uncertainty of 16 km).
    pub providers_to_confirm: usize,
    pub exception: Exception,
}

/// Judges providers for one patient point.
pub struct Judge<'a> {
    pub index: &'a ProviderIndex,
    pub uncertainty: &'a Uncertainty,
    pub patient: PatientPoint,
    /// The patient point's radius, metres.
    pub patient_m: f64,
}

impl Judge<'_> {
    /// The combined uncertainty for provider `i` (its index in the dataset), metres.
    pub fn uncertainty_m(&self, i: u32) -> f64 {
        self.patient_m + self.uncertainty.provider_m(i)
    }

    /// One provider against the rule.
    pub fn classify(&self, h: &Hit) -> Visit16 {
        Visit16::classify(h.distance_m, self.uncertainty_m(h.index))
    }

    /// Counts over every provider `filter` selects, and the exception.
    pub fn rule(&self, at: LonLat, filter: KindFilter) -> Rule16 {
        let reach = HOME_VISIT_RADIUS_M + self.patient_m + self.uncertainty.max_provider_m();
        let (mut within, mut to_confirm) = (0, 0);
        for h in self.index.within(at, reach, filter) {
            match self.classify(&h) {
                Visit16::Within => within += 1,
                Visit16::ToConfirm => to_confirm += 1,
                Visit16::Beyond => {}
            }
        }
        rule16(self.patient, self.patient_m, within, to_confirm)
    }
}

/// The answer from the counts (the exception's definition in one place).
pub fn rule16(patient: PatientPoint, patient_m: f64, within: usize, to_confirm: usize) -> Rule16 {
    let exception = if within > 0 {
        Exception::DoesNotApply
    } else if to_confirm > 0 {
        Exception::ToConfirm
    } else {
        Exception::Applies
    };
    Rule16 {
        radius_km: HOME_VISIT_RADIUS_M / 1000.0,
        patient_point: patient,
        patient_uncertainty_km: km(patient_m),
        providers_within: within,
        providers_to_confirm: to_confirm,
        exception,
    }
}

/// Metres to km at metre precision, as the API reports distances.
pub fn km(m: f64) -> f64 {
    m.round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_band_is_closed_and_needs_some_uncertainty() {
        assert_eq!(Visit16::classify(15_000.0, 500.0), Visit16::Within);
        assert_eq!(Visit16::classify(15_500.0, 500.0), Visit16::ToConfirm);
        assert_eq!(Visit16::classify(16_500.0, 500.0), Visit16::ToConfirm);
        assert_eq!(Visit16::classify(16_501.0, 500.0), Visit16::Beyond);
        assert_eq!(Visit16::classify(16_000.0, 0.0), Visit16::Within);
        assert_eq!(Visit16::classify(16_000.1, 0.0), Visit16::Beyond);
    }

    #[test]
    fn the_exception_follows_the_counts() {
        let p = PatientPoint::Exact;
        assert_eq!(rule16(p, 0.0, 1, 3).exception, Exception::DoesNotApply);
        assert_eq!(rule16(p, 0.0, 0, 1).exception, Exception::ToConfirm);
        assert_eq!(rule16(p, 0.0, 0, 0).exception, Exception::Applies);
    }
}
