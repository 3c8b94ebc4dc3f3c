//! The sections of the referral form, and which fields of the referral each one asks for.
//!
//! A section is complete when `Referral::missing_fields` names none of its fields: completion
//! is worked out from the domain's own list of what is still to do (MN-REF-1), never kept
//! separately.

use mns_domain::referral::{ATTENDANCE_EXPORT, FieldProblem};

/// A section of the referral form: one question page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Identity, home and circumstances (MN-REF-2, MN-ELIG-1, -4, -5, -9).
    Pupil,
    /// Enrolment, school, SEND and looked-after status (MN-REF-2, MN-ELIG-2, -3, -6, MN-SEND-1).
    School,
    /// The schools' checklist (MN-CHK-1).
    Checklist,
    /// The Healthy Child Programme contact (MN-CHK-2) and consent (MN-REF-3).
    Consent,
    /// The health need, expected absence (MN-ABS-2) and specialist place (MN-ELIG-8).
    HealthNeed,
    /// Medical evidence (MN-EV-1 to MN-EV-7).
    Evidence,
    /// Who supports the pupil until provision starts (MN-REF-5).
    Support,
}

impl Section {
    /// Every section, in the order of the form.
    pub const ALL: [Section; 7] = [
        Section::Pupil,
        Section::School,
        Section::Checklist,
        Section::Consent,
        Section::HealthNeed,
        Section::Evidence,
        Section::Support,
    ];

    /// The last part of the section's address.
    pub fn slug(self) -> &'static str {
        match self {
            Section::Pupil => "pupil",
            Section::School => "school",
            Section::Checklist => "checklist",
            Section::Consent => "consent",
            Section::HealthNeed => "health-need",
            Section::Evidence => "evidence",
            Section::Support => "support",
        }
    }

    /// The route's path pattern.
    pub fn route_path(self) -> &'static str {
        match self {
            Section::Pupil => "/referrals/{id}/form/pupil",
            Section::School => "/referrals/{id}/form/school",
            Section::Checklist => "/referrals/{id}/form/checklist",
            Section::Consent => "/referrals/{id}/form/consent",
            Section::HealthNeed => "/referrals/{id}/form/health-need",
            Section::Evidence => "/referrals/{id}/form/evidence",
            Section::Support => "/referrals/{id}/form/support",
        }
    }

    /// The section's name: the task list's link and the page's heading.
    pub fn title(self) -> &'static str {
        match self {
            Section::Pupil => "About the pupil",
            Section::School => "School, SEND and looked-after status",
            Section::Checklist => "Schools' checklist",
            Section::Consent => "Healthy Child Programme and consent",
            Section::HealthNeed => "Health need and expected absence",
            Section::Evidence => "Medical evidence",
            Section::Support => "Support until provision starts",
        }
    }

    /// The field paths (as `missing_fields` names them) that belong to the section: a path
    /// belongs when it starts with one of these.
    pub fn prefixes(self) -> &'static [&'static str] {
        match self {
            Section::Pupil => &[
                "pupil.first_name",
                "pupil.last_name",
                "pupil.date_of_birth",
                "pupil.upn",
                "pupil.nhs_number",
                "pupil.home_address",
                "pupil.ordinarily_resident",
                "pupil.year_group",
                "pupil.repeating_year_11_for_medical_reasons",
                "pupil.pregnant",
                "pupil.expected_due_date",
            ],
            Section::School => &[
                "pupil.enrolment",
                "pupil.send",
                "pupil.looked_after",
                "school.",
            ],
            Section::Checklist => &["checklist."],
            Section::Consent => &["healthy_child_programme.", "consent."],
            Section::HealthNeed => &["health_need.", "awaiting_specialist_place"],
            Section::Evidence => &["evidence", "repeat_referral"],
            Section::Support => &["support_meanwhile."],
        }
    }

    /// Whether the field path belongs to this section.
    pub fn owns(self, field: &str) -> bool {
        self.prefixes()
            .iter()
            .any(|prefix| field.starts_with(prefix))
    }

    /// The section a field path belongs to.
    pub fn of(field: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.owns(field))
    }

    /// The section with this slug.
    pub fn from_slug(slug: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// Whether none of the problems is in this section.
    pub fn is_complete(self, problems: &[FieldProblem]) -> bool {
        !problems.iter().any(|p| self.owns(&p.field))
    }
}

/// Where a problem with `field` is fixed: the section's page and the field's element, e.g.
/// `/referrals/ID/form/pupil#pupil.date_of_birth`. A piece of evidence opens in the evidence
/// section's change page (`?change=0#date_seen`), no evidence at all in its add page.
pub fn problem_href(referral_id: &str, field: &str) -> String {
    if field == ATTENDANCE_EXPORT {
        // A file, attached on the referral's attendance page (MN-REF-4).
        return format!("/referrals/{referral_id}/attendance#{ATTENDANCE_EXPORT}");
    }
    let base = format!("/referrals/{referral_id}/form");
    let Some(section) = Section::of(field) else {
        return base;
    };
    let page = format!("{base}/{}", section.slug());
    if section != Section::Evidence {
        return format!("{page}#{field}");
    }
    match evidence_field(field) {
        Some((index, name)) => format!("{page}?change={index}#{}", evidence_anchor(name)),
        None if field == "evidence" => format!("{page}?add=1#professional"),
        None => format!("{page}#{field}"),
    }
}

/// Splits `evidence[2].date_seen` into `(2, "date_seen")`.
pub fn evidence_field(field: &str) -> Option<(usize, &str)> {
    let rest = field.strip_prefix("evidence[")?;
    let (index, name) = rest.split_once("].")?;
    Some((index.parse().ok()?, name))
}

/// The element on the evidence form for a field of one piece of evidence: the whole verbal
/// record missing lands on its first question.
pub fn evidence_anchor(name: &str) -> &str {
    if name == "verbal" {
        "verbal.setting"
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mns_domain::referral::{MedicalEvidence, Referral};

    #[test]
    fn every_problem_of_an_empty_referral_belongs_to_exactly_one_section() {
        let mut referral = Referral {
            evidence: vec![MedicalEvidence::default()],
            ..Referral::default()
        };
        // The referral date is set on submission, not asked for.
        referral.referral_date = chrono::NaiveDate::from_ymd_opt(2026, 11, 22);
        referral.pupil.pregnant = Some(true);
        referral.health_need.absence_expected = Some(true);
        referral.consent.given = Some(true);
        referral.consent.withdrawn = Some(true);
        // Year 12 by age: whether the pupil is repeating Year 11 is asked too.
        referral.pupil.date_of_birth = chrono::NaiveDate::from_ymd_opt(2009, 3, 1);
        for problem in referral.missing_fields() {
            let owners: Vec<_> = Section::ALL
                .into_iter()
                .filter(|s| s.owns(&problem.field))
                .collect();
            assert_eq!(owners.len(), 1, "{} belongs to {owners:?}", problem.field);
        }
    }

    #[test]
    fn a_problem_links_to_its_field_on_its_page() {
        assert_eq!(
            problem_href("R", "pupil.date_of_birth"),
            "/referrals/R/form/pupil#pupil.date_of_birth"
        );
        assert_eq!(
            problem_href("R", "pupil.send.ehcp_coordinator"),
            "/referrals/R/form/school#pupil.send.ehcp_coordinator"
        );
        assert_eq!(
            problem_href("R", "evidence[1].date_seen"),
            "/referrals/R/form/evidence?change=1#date_seen"
        );
        assert_eq!(
            problem_href("R", "evidence"),
            "/referrals/R/form/evidence?add=1#professional"
        );
        assert_eq!(
            problem_href("R", "attendance"),
            "/referrals/R/attendance#attendance"
        );
    }

    #[test]
    fn slugs_and_route_paths_agree() {
        for section in Section::ALL {
            assert!(
                section
                    .route_path()
                    .ends_with(&format!("/{}", section.slug()))
            );
            assert_eq!(Section::from_slug(section.slug()), Some(section));
        }
    }
}
