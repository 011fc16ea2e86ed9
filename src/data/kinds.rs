//! Provider kinds: the 施設基準 (facility standards) a provider has filed with 九州厚生局: one per
//! flag column of the provider file, and the pediatric kinds derived at load time from the
//! long standards table (see [`super::standards`]); then the kinds of local resources
//! (訪問看護ステーション, pharmacies, care homes …) read from resource lists (see
//! [`super::resources`]). A resource row has exactly one resource kind and no 施設基準.

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
    /// 小児かかりつけ診療料１/２ (小か診１/２). A proxy: an outpatient fee for a child's regular
    /// doctor, not a home-visit standard (no 施設基準 marks home visits to children).
    PediatricPrimaryCare,
    /// 小児入院医療管理料１–５ (小入１ … 小入５): a pediatric ward; its tier is
    /// [`super::Tiers::pediatric_inpatient`] (1 = the most staffed).
    PediatricInpatient,
    /// 小児特定集中治療室管理料 (小集): a pediatric ICU.
    PediatricIcu,
    /// 地域連携小児夜間・休日診療料１/２ (小夜１/２): pediatric nights and holidays.
    PediatricAfterHours,
    /// 訪問看護ステーション (a resource list's row).
    HomeVisitNursing,
    /// 薬局 (a resource list's row).
    Pharmacy,
    /// 在宅対応薬局: a pharmacy that visits homes (訪問薬剤管理), e.g. with opioids.
    HomeCarePharmacy,
    /// 介護施設・有料老人ホーム.
    CareHome,
    /// 居宅介護支援事業所 (care managers).
    CareManager,
    /// Any other local resource a list names.
    OtherResource,
}

impl ProviderKind {
    /// Every kind: the provider file's flag columns in their order, then the kinds derived
    /// from the standards table.
    pub const ALL: [ProviderKind; 21] = [
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
        Self::PediatricPrimaryCare,
        Self::PediatricInpatient,
        Self::PediatricIcu,
        Self::PediatricAfterHours,
        Self::HomeVisitNursing,
        Self::Pharmacy,
        Self::HomeCarePharmacy,
        Self::CareHome,
        Self::CareManager,
        Self::OtherResource,
    ];

    /// The kinds of local resources, read from resource lists rather than the 厚生局 list.
    pub const RESOURCE: [ProviderKind; 6] = [
        Self::HomeVisitNursing,
        Self::Pharmacy,
        Self::HomeCarePharmacy,
        Self::CareHome,
        Self::CareManager,
        Self::OtherResource,
    ];

    /// The kinds for children and young people (小児), all derived from the standards table.
    pub const PEDIATRIC: [ProviderKind; 4] = [
        Self::PediatricPrimaryCare,
        Self::PediatricInpatient,
        Self::PediatricIcu,
        Self::PediatricAfterHours,
    ];

    /// Whether the kind is a column of the provider file (the others are derived from the
    /// standards table and may not appear as provider columns).
    pub fn is_provider_column(self) -> bool {
        !Self::PEDIATRIC.contains(&self) && !self.is_resource()
    }

    /// Whether the kind is a local resource's (a resource list's row), not a 施設基準.
    pub fn is_resource(self) -> bool {
        Self::RESOURCE.contains(&self)
    }

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
            Self::PediatricPrimaryCare => "pediatric_primary_care",
            Self::PediatricInpatient => "pediatric_inpatient",
            Self::PediatricIcu => "pediatric_icu",
            Self::PediatricAfterHours => "pediatric_after_hours",
            Self::HomeVisitNursing => "home_visit_nursing",
            Self::Pharmacy => "pharmacy",
            Self::HomeCarePharmacy => "home_care_pharmacy",
            Self::CareHome => "care_home",
            Self::CareManager => "care_manager",
            Self::OtherResource => "other",
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
            // Labels say what the standard is, not "home care for children": they are proxies.
            Self::PediatricPrimaryCare => "小児かかりつけ診療（外来）",
            Self::PediatricInpatient => "小児入院医療管理",
            Self::PediatricIcu => "小児特定集中治療室",
            Self::PediatricAfterHours => "小児夜間・休日診療",
            Self::HomeVisitNursing => "訪問看護ステーション",
            Self::Pharmacy => "薬局",
            Self::HomeCarePharmacy => "在宅対応薬局",
            Self::CareHome => "介護施設・有料老人ホーム",
            Self::CareManager => "居宅介護支援事業所",
            Self::OtherResource => "その他",
        }
    }

    /// The English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::HomeCareSupportClinic => "Home-care support clinic",
            Self::HomeCareSupportHospital => "Home-care support hospital",
            Self::PalliativeCareWard => "Palliative care ward",
            Self::PalliativeCareTeam => "Palliative care team",
            Self::ClinicBedPalliative => "Palliative care in a clinic with beds",
            Self::OutpatientPalliative => "Outpatient palliative care",
            Self::EnhancedHomePalliative => "Enhanced home palliative care",
            Self::HomeCancerComprehensive => "Comprehensive home cancer care",
            Self::HomeMedicalMgmt => "Home medical management",
            Self::HomeBackupHospital => "Home-care backup hospital",
            Self::HomeVisitNursingByInst => "Home-visit nursing by the institution",
            Self::PediatricPrimaryCare => "Pediatric primary care (outpatient)",
            Self::PediatricInpatient => "Pediatric inpatient care",
            Self::PediatricIcu => "Pediatric ICU",
            Self::PediatricAfterHours => "Pediatric nights and holidays",
            Self::HomeVisitNursing => "Home-visit nursing station",
            Self::Pharmacy => "Pharmacy",
            Self::HomeCarePharmacy => "Home-visit pharmacy",
            Self::CareHome => "Care home",
            Self::CareManager => "Care manager office",
            Self::OtherResource => "Other resource",
        }
    }

    /// The short Japanese label of `carecover check`'s count table (the 施設基準 abbreviation
    /// where there is one).
    pub fn short_ja(self) -> &'static str {
        match self {
            Self::HomeCareSupportClinic => "支援診",
            Self::HomeCareSupportHospital => "支援病",
            Self::PalliativeCareWard => "緩和病棟",
            Self::PalliativeCareTeam => "緩和チーム",
            Self::ClinicBedPalliative => "診緩診",
            Self::OutpatientPalliative => "外緩",
            Self::EnhancedHomePalliative => "在緩充実",
            Self::HomeCancerComprehensive => "在総",
            Self::HomeMedicalMgmt => "在医総管",
            Self::HomeBackupHospital => "在後病",
            Self::HomeVisitNursingByInst => "在看",
            Self::PediatricPrimaryCare => "小か診",
            Self::PediatricInpatient => "小入",
            Self::PediatricIcu => "小集",
            Self::PediatricAfterHours => "小夜",
            Self::HomeVisitNursing => "訪看ST",
            Self::Pharmacy => "薬局",
            Self::HomeCarePharmacy => "在宅薬局",
            Self::CareHome => "介護施設",
            Self::CareManager => "居宅介護",
            Self::OtherResource => "その他",
        }
    }

    /// Parses an API / column name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Parses a resource kind's name (a resource list's `kind`, `--kind`, an upload's
    /// `kind=`); the error names the value and lists the resource kinds.
    pub fn parse_resource(s: &str) -> Result<Self, String> {
        Self::parse(s).filter(|k| k.is_resource()).ok_or_else(|| {
            let known: Vec<&str> = Self::RESOURCE.iter().map(|k| k.as_str()).collect();
            format!("{s:?} is not a resource kind ({})", known.join(", "))
        })
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// In the OpenAPI document: a string, one of the kinds' API names.
impl utoipa::PartialSchema for ProviderKind {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(ProviderKind::ALL.iter().map(|k| k.as_str())))
            .description(Some(
                "A care standard (施設基準) a provider has filed, or the kind of a local \
                 resource (home_visit_nursing, pharmacy, home_care_pharmacy, care_home, \
                 care_manager, other)",
            ))
            .into()
    }
}

impl utoipa::ToSchema for ProviderKind {}

impl serde::Serialize for ProviderKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A set of kinds as a bit set: a provider's flags, or a query filter (any-of).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct KindSet(u32);

impl KindSet {
    /// The empty set.
    pub const EMPTY: KindSet = KindSet(0);

    /// Every kind, resources included.
    pub fn all() -> Self {
        Self::from_kinds(ProviderKind::ALL)
    }

    /// Every medical kind (the 施設基準 and those derived from them): what "any provider"
    /// means when a query names no kind. Local resources are asked for by name.
    pub fn medical() -> Self {
        Self::from_kinds(ProviderKind::ALL.into_iter().filter(|k| !k.is_resource()))
    }

    /// The resource kinds ([`ProviderKind::RESOURCE`]).
    pub fn resources() -> Self {
        Self::from_kinds(ProviderKind::RESOURCE)
    }

    /// The kinds of both sets.
    pub fn intersection(self, other: KindSet) -> KindSet {
        KindSet(self.0 & other.0)
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

    /// True when every kind of `other` is in this set (the all-of filter).
    pub fn contains_all(&self, other: KindSet) -> bool {
        self.0 & other.0 == other.0
    }

    /// The kinds in either set.
    pub fn union(self, other: KindSet) -> KindSet {
        KindSet(self.0 | other.0)
    }

    /// The pediatric kinds ([`ProviderKind::PEDIATRIC`]).
    pub fn pediatric() -> Self {
        Self::from_kinds(ProviderKind::PEDIATRIC)
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

/// Which providers a query selects: those holding at least one kind of `any` and every kind
/// of `all` (`kind=` and `require=` of the API). `all` empty = no all-of condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KindFilter {
    pub any: KindSet,
    pub all: KindSet,
}

impl KindFilter {
    /// Any-of only (the historical `kind=` filter).
    pub fn any(any: KindSet) -> Self {
        Self {
            any,
            all: KindSet::EMPTY,
        }
    }

    /// Whether a provider holding `kinds` is selected.
    pub fn matches(&self, kinds: KindSet) -> bool {
        kinds.intersects(self.any) && kinds.contains_all(self.all)
    }

    /// Every kind the filter names.
    pub fn named(&self) -> KindSet {
        self.any.union(self.all)
    }
}

impl From<KindSet> for KindFilter {
    fn from(any: KindSet) -> Self {
        Self::any(any)
    }
}

/// Most clauses a [`KindRule`] holds.
pub const MAX_CLAUSES: usize = 4;

/// An or of [`KindFilter`] clauses (disjunctive normal form): a provider is selected when one
/// clause matches. A request's `kind=`/`require=` is one clause; a preset such as
/// `pediatric_home` needs several ("home-care support and some pediatric standard, or a
/// pediatric ward"). Fixed size so coverage parameters stay `Copy` and hashable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KindRule {
    clauses: [KindFilter; MAX_CLAUSES],
    len: u8,
}

impl KindRule {
    /// The rule of one clause.
    pub fn one(f: KindFilter) -> Self {
        let none = KindFilter::any(KindSet::EMPTY);
        let mut clauses = [none; MAX_CLAUSES];
        clauses[0] = f;
        Self { clauses, len: 1 }
    }

    /// The or of `clauses` (1 to [`MAX_CLAUSES`]; more is a programming error and panics in
    /// a `const` preset, never on input).
    pub fn or(clauses: &[KindFilter]) -> Self {
        assert!(
            (1..=MAX_CLAUSES).contains(&clauses.len()),
            "a kind rule holds 1 to {MAX_CLAUSES} clauses"
        );
        let mut r = Self::one(clauses[0]);
        for (i, c) in clauses.iter().enumerate().skip(1) {
            r.clauses[i] = *c;
        }
        r.len = clauses.len() as u8;
        r
    }

    pub fn clauses(&self) -> &[KindFilter] {
        &self.clauses[..self.len as usize]
    }

    /// Whether a provider holding `kinds` is selected by some clause.
    pub fn matches(&self, kinds: KindSet) -> bool {
        self.clauses().iter().any(|c| c.matches(kinds))
    }

    /// Every kind the rule names (for per-kind counts and a what-if site's default kinds:
    /// a site holding all of them matches every clause).
    pub fn named(&self) -> KindSet {
        self.clauses()
            .iter()
            .fold(KindSet::EMPTY, |s, c| s.union(c.named()))
    }

    /// The kinds every clause needs one of (`any`), as one any-of set: the whole rule when it
    /// is a single clause without `all`.
    pub fn is_plain_any(&self) -> Option<KindSet> {
        match self.clauses() {
            [c] if c.all.is_empty() => Some(c.any),
            _ => None,
        }
    }
}

impl From<KindSet> for KindRule {
    fn from(any: KindSet) -> Self {
        Self::one(KindFilter::any(any))
    }
}

impl From<KindFilter> for KindRule {
    fn from(f: KindFilter) -> Self {
        Self::one(f)
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
    fn resource_kinds_are_apart_from_the_medical_kinds() {
        assert_eq!(KindSet::medical().iter().count(), 15);
        assert!(!KindSet::medical().intersects(KindSet::resources()));
        assert_eq!(
            KindSet::medical().union(KindSet::resources()),
            KindSet::all()
        );
        for k in ProviderKind::RESOURCE {
            assert!(k.is_resource() && !k.is_provider_column());
            assert!(!k.name_ja().is_empty() && !k.name_en().is_empty());
        }
        assert_eq!(
            ProviderKind::parse("pharmacy"),
            Some(ProviderKind::Pharmacy)
        );
        assert_eq!(
            ProviderKind::parse("other"),
            Some(ProviderKind::OtherResource)
        );
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

    #[test]
    fn filters_are_any_of_and_all_of_and_rules_or_their_clauses() {
        use ProviderKind::*;
        let clinic_ped = KindSet::from_kinds([HomeCareSupportClinic, PediatricPrimaryCare]);
        let clinic = KindSet::from_kinds([HomeCareSupportClinic]);
        let ward = KindSet::from_kinds([PediatricInpatient]);
        let f = KindFilter {
            any: KindSet::from_kinds([HomeCareSupportClinic, HomeCareSupportHospital]),
            all: KindSet::from_kinds([PediatricPrimaryCare]),
        };
        assert!(f.matches(clinic_ped));
        assert!(!f.matches(clinic));
        assert!(!f.matches(ward));
        let r = KindRule::or(&[f, KindFilter::any(ward)]);
        assert!(r.matches(clinic_ped) && r.matches(ward) && !r.matches(clinic));
        assert!(r.matches(r.named()));
        assert_eq!(r.is_plain_any(), None);
        assert_eq!(KindRule::from(clinic).is_plain_any(), Some(clinic));
    }
}
