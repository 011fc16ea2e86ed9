//! Provider kinds: the 施設基準 (facility standards) a provider has filed with 九州厚生局, one per
//! flag column of the provider file.

use std::fmt;

/// One accepted facility standard. A provider has several at once ([`KindSet`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProviderKind {
    /// 在宅療養支援診療所 (支援診1/2/3): a clinic on call 24 h for home patients.
    HomeCareSupportClinic,
    /// 在宅療養支援病院 (支援病1/2/3).
    HomeCareSupportHospital,
    /// 緩和ケア病棟入院料 (緩1/緩2): an inpatient palliative-care ward.
    PalliativeCareWard,
    /// 緩和ケア診療加算 (緩診): a hospital palliative-care team.
    PalliativeCareTeam,
    /// 有床診療所緩和ケア診療加算 (診緩診).
    ClinicBedPalliative,
    /// 外来緩和ケア管理料 (外緩).
    OutpatientPalliative,
    /// 在宅緩和ケア充実診療所・病院加算 (在緩診実/在緩診病).
    EnhancedHomePalliative,
    /// 在宅がん医療総合診療料 (在総).
    HomeCancerComprehensive,
    /// 在宅時医学総合管理料 (在医総管).
    HomeMedicalMgmt,
    /// 在宅療養後方支援病院 (在後病).
    HomeBackupHospital,
    /// 在宅患者訪問看護・指導料 by the institution itself (在看).
    HomeVisitNursingByInst,
}

impl ProviderKind {
    /// Every kind, in the order of the provider file's columns.
    pub const ALL: [ProviderKind; 11] = [
        Self::HomeCareSupportClinic,
        Self::HomeCareSupportHospital,
        Self::PalliativeCareWard,
        Self::PalliativeCareTeam,
        Self::ClinicBedPalliative,
        Self::OutpatientPalliative,
        Self::EnhancedHomePalliative,
        Self::HomeCancerComprehensive,
        Self::HomeMedicalMgmt,
        Self::HomeBackupHospital,
        Self::HomeVisitNursingByInst,
    ];

    /// The API and column name (snake_case).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HomeCareSupportClinic => "home_care_support_clinic",
            Self::HomeCareSupportHospital => "home_care_support_hospital",
            Self::PalliativeCareWard => "palliative_care_ward",
            Self::PalliativeCareTeam => "palliative_care_team",
            Self::ClinicBedPalliative => "clinic_bed_palliative",
            Self::OutpatientPalliative => "outpatient_palliative",
            Self::EnhancedHomePalliative => "enhanced_home_palliative",
            Self::HomeCancerComprehensive => "home_cancer_comprehensive",
            Self::HomeMedicalMgmt => "home_medical_mgmt",
            Self::HomeBackupHospital => "home_backup_hospital",
            Self::HomeVisitNursingByInst => "home_visit_nursing_by_inst",
        }
    }

    /// The Japanese name a nurse or planner reads.
    pub fn name_ja(self) -> &'static str {
        match self {
            Self::HomeCareSupportClinic => "在宅療養支援診療所",
            Self::HomeCareSupportHospital => "在宅療養支援病院",
            Self::PalliativeCareWard => "緩和ケア病棟",
            Self::PalliativeCareTeam => "緩和ケアチーム",
            Self::ClinicBedPalliative => "有床診療所緩和ケア",
            Self::OutpatientPalliative => "外来緩和ケア",
            Self::EnhancedHomePalliative => "在宅緩和ケア充実診療所・病院",
            Self::HomeCancerComprehensive => "在宅がん医療総合診療",
            Self::HomeMedicalMgmt => "在宅時医学総合管理",
            Self::HomeBackupHospital => "在宅療養後方支援病院",
            Self::HomeVisitNursingByInst => "在宅患者訪問看護",
        }
    }

    /// Parses an API / column name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ProviderKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A set of kinds as a bit set: a provider's flags, or a query filter (any-of).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct KindSet(u16);

impl KindSet {
    /// The empty set.
    pub const EMPTY: KindSet = KindSet(0);

    /// Every kind.
    pub fn all() -> Self {
        Self::from_kinds(ProviderKind::ALL)
    }

    /// A set of the given kinds.
    pub fn from_kinds(kinds: impl IntoIterator<Item = ProviderKind>) -> Self {
        let mut s = Self::EMPTY;
        for k in kinds {
            s.insert(k);
        }
        s
    }

    pub fn insert(&mut self, k: ProviderKind) {
        self.0 |= k.bit();
    }

    pub fn contains(&self, k: ProviderKind) -> bool {
        self.0 & k.bit() != 0
    }

    /// True when the two sets share a kind (the any-of filter).
    pub fn intersects(&self, other: KindSet) -> bool {
        self.0 & other.0 != 0
    }

    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The kinds in this set, in [`ProviderKind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = ProviderKind> + '_ {
        ProviderKind::ALL.into_iter().filter(|k| self.contains(*k))
    }

    /// Parses a comma list of kind names (`home_care_support_clinic,palliative_care_ward`).
    /// Returns the first unknown name on failure.
    pub fn parse_list(s: &str) -> Result<Self, String> {
        let mut set = Self::EMPTY;
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            set.insert(ProviderKind::parse(part).ok_or_else(|| part.to_string())?);
        }
        if set.is_empty() {
            return Err(s.to_string());
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_name() {
        for k in ProviderKind::ALL {
            assert_eq!(ProviderKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ProviderKind::parse("hospice"), None);
    }

    #[test]
    fn kind_lists_parse_and_reject_unknown_names() {
        let s = KindSet::parse_list("home_care_support_clinic, palliative_care_ward").unwrap();
        assert!(s.contains(ProviderKind::HomeCareSupportClinic));
        assert!(s.contains(ProviderKind::PalliativeCareWard));
        assert!(!s.contains(ProviderKind::HomeMedicalMgmt));
        assert_eq!(s.iter().count(), 2);
        assert_eq!(
            KindSet::parse_list("home_care_support_clinic,x"),
            Err("x".into())
        );
        assert!(KindSet::parse_list(",").is_err());
    }
}
