//! The attendance codes of the School Attendance (Pupil Registration) (England) Regulations 2024,
//! in force from 19 August 2024: one code per session, parsed once at the edge into
//! [`AttendanceCode`].

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{AttendanceCategory, RetiredCode};

/// The mark a school records for one session, as the 2024 regulations define it.
///
/// Variants are named for what they mean; [`AttendanceCode::as_str`] gives the code a register
/// shows (`I`, `C2`, `/`). Serialises as that code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum AttendanceCode {
    /// `/`: present in the morning session.
    PresentAm,
    /// `\`: present in the afternoon session.
    PresentPm,
    /// `L`: late, arrived before the register closed.
    LateBeforeRegisterClosed,
    /// `K`: attending education provision arranged by the local authority (Section 19 and
    /// the like; MN-PROV-6).
    LocalAuthorityProvision,
    /// `V`: attending an educational visit or trip.
    EducationalVisit,
    /// `P`: participating in an approved sporting activity.
    SportingActivity,
    /// `W`: attending work experience.
    WorkExperience,
    /// `B`: attending any other approved educational activity.
    OtherApprovedActivity,
    /// `C1`: leave of absence to take part in a regulated performance or regulated employment
    /// abroad.
    RegulatedPerformance,
    /// `C2`: leave of absence for a temporarily reduced (part-time) timetable.
    PartTimeTimetable,
    /// `C`: leave of absence for other exceptional circumstances.
    ExceptionalCircumstances,
    /// `M`: leave of absence for a medical or dental appointment (shown beside health absence,
    /// not counted in it: MN-ABS-1).
    MedicalAppointment,
    /// `J1`: leave of absence to attend an interview.
    Interview,
    /// `S`: leave of absence for study leave.
    StudyLeave,
    /// `R`: religious observance.
    ReligiousObservance,
    /// `I`: illness (not a medical or dental appointment): the health absence of MN-ABS-1.
    Illness,
    /// `T`: a mobile child (parent travelling for their work) absent.
    MobileChild,
    /// `E`: suspended or permanently excluded, with no alternative provision made.
    SuspendedOrExcluded,
    /// `G`: holiday not granted by the school.
    HolidayNotGranted,
    /// `N`: reason for absence not yet provided.
    ReasonNotYetProvided,
    /// `O`: absent in other or unknown circumstances.
    OtherUnauthorised,
    /// `U`: arrived after the register closed.
    ArrivedAfterRegisterClosed,
    /// `X`: a pupil of non-compulsory school age not required to attend.
    NotRequiredToAttend,
    /// `Y1`: unable to attend because transport normally provided was not available.
    TransportNotAvailable,
    /// `Y2`: unable to attend because of widespread disruption to travel.
    TravelDisruption,
    /// `Y3`: unable to attend because part of the school premises was closed.
    PartOfSchoolClosed,
    /// `Y4`: unable to attend because the whole school site was closed unexpectedly.
    WholeSchoolSiteClosed,
    /// `Y5`: unable to attend because in criminal justice detention.
    CriminalJusticeDetention,
    /// `Y6`: unable to attend in accordance with public health guidance or law.
    PublicHealthGuidance,
    /// `Y7`: unable to attend because of any other unavoidable cause.
    OtherUnavoidableCause,
    /// `D`: dual registered, attending the other school.
    DualRegistered,
    /// `Q`: unable to attend because of a lack of access arrangements.
    LackOfAccessArrangements,
    /// `Z`: a prospective pupil not yet on the admission register.
    NotYetOnRoll,
    /// `#`: planned whole-school closure.
    PlannedSchoolClosure,
}

/// Why some text is not an attendance code of the 2024 regulations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttendanceCodeError {
    /// Nothing was given.
    #[error("Enter an attendance code")]
    Empty,
    /// A code retired by the 2024 regulations.
    #[error(
        "'{}' was retired on 19 August 2024; record it as '{}' ({})",
        .0.as_str(),
        .0.replacement().as_str(),
        .0.replacement().description()
    )]
    Retired(RetiredCode),
    /// Not a code at all.
    #[error("'{0}' is not an attendance code of the 2024 regulations")]
    Unknown(String),
}

/// What a register mark's text turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recognised {
    /// A blank cell: no mark.
    Blank,
    /// A current code.
    Code(AttendanceCode),
    /// A retired code, to be read as its replacement.
    Retired(RetiredCode),
    /// Anything else.
    Unknown,
}

impl AttendanceCode {
    /// Every code, in the order the regulations list them (by category).
    pub const ALL: [AttendanceCode; 34] = {
        use AttendanceCode::*;
        [
            PresentAm,
            PresentPm,
            LateBeforeRegisterClosed,
            LocalAuthorityProvision,
            EducationalVisit,
            SportingActivity,
            WorkExperience,
            OtherApprovedActivity,
            RegulatedPerformance,
            PartTimeTimetable,
            ExceptionalCircumstances,
            MedicalAppointment,
            Interview,
            StudyLeave,
            ReligiousObservance,
            Illness,
            MobileChild,
            SuspendedOrExcluded,
            HolidayNotGranted,
            ReasonNotYetProvided,
            OtherUnauthorised,
            ArrivedAfterRegisterClosed,
            NotRequiredToAttend,
            TransportNotAvailable,
            TravelDisruption,
            PartOfSchoolClosed,
            WholeSchoolSiteClosed,
            CriminalJusticeDetention,
            PublicHealthGuidance,
            OtherUnavoidableCause,
            DualRegistered,
            LackOfAccessArrangements,
            NotYetOnRoll,
            PlannedSchoolClosure,
        ]
    };

    /// Parses a code as a register shows it (`I`, `c2`, ` / `): case and surrounding spaces are
    /// forgiven. A retired code (`H`, `Y`, `J`) is an error naming its replacement; an importer
    /// that must read old exports maps it with [`RetiredCode::replacement`].
    pub fn parse(input: &str) -> Result<Self, AttendanceCodeError> {
        match recognise(input.as_bytes()) {
            Recognised::Code(code) => Ok(code),
            Recognised::Blank => Err(AttendanceCodeError::Empty),
            Recognised::Retired(retired) => Err(AttendanceCodeError::Retired(retired)),
            Recognised::Unknown => Err(AttendanceCodeError::Unknown(input.trim().to_owned())),
        }
    }

    /// The code as a register shows it: `/`, `\`, `L`, `K`, ..., `C1`, `Y7`, `#`.
    pub const fn as_str(self) -> &'static str {
        use AttendanceCode::*;
        match self {
            PresentAm => "/",
            PresentPm => "\\",
            LateBeforeRegisterClosed => "L",
            LocalAuthorityProvision => "K",
            EducationalVisit => "V",
            SportingActivity => "P",
            WorkExperience => "W",
            OtherApprovedActivity => "B",
            RegulatedPerformance => "C1",
            PartTimeTimetable => "C2",
            ExceptionalCircumstances => "C",
            MedicalAppointment => "M",
            Interview => "J1",
            StudyLeave => "S",
            ReligiousObservance => "R",
            Illness => "I",
            MobileChild => "T",
            SuspendedOrExcluded => "E",
            HolidayNotGranted => "G",
            ReasonNotYetProvided => "N",
            OtherUnauthorised => "O",
            ArrivedAfterRegisterClosed => "U",
            NotRequiredToAttend => "X",
            TransportNotAvailable => "Y1",
            TravelDisruption => "Y2",
            PartOfSchoolClosed => "Y3",
            WholeSchoolSiteClosed => "Y4",
            CriminalJusticeDetention => "Y5",
            PublicHealthGuidance => "Y6",
            OtherUnavoidableCause => "Y7",
            DualRegistered => "D",
            LackOfAccessArrangements => "Q",
            NotYetOnRoll => "Z",
            PlannedSchoolClosure => "#",
        }
    }

    /// How a session with this code counts.
    pub const fn category(self) -> AttendanceCategory {
        use AttendanceCode::*;
        match self {
            PresentAm | PresentPm | LateBeforeRegisterClosed => AttendanceCategory::Present,
            LocalAuthorityProvision
            | EducationalVisit
            | SportingActivity
            | WorkExperience
            | OtherApprovedActivity => AttendanceCategory::ApprovedActivity,
            RegulatedPerformance
            | PartTimeTimetable
            | ExceptionalCircumstances
            | MedicalAppointment
            | Interview
            | StudyLeave
            | ReligiousObservance
            | Illness
            | MobileChild
            | SuspendedOrExcluded => AttendanceCategory::AuthorisedAbsence,
            HolidayNotGranted
            | ReasonNotYetProvided
            | OtherUnauthorised
            | ArrivedAfterRegisterClosed => AttendanceCategory::UnauthorisedAbsence,
            NotRequiredToAttend
            | TransportNotAvailable
            | TravelDisruption
            | PartOfSchoolClosed
            | WholeSchoolSiteClosed
            | CriminalJusticeDetention
            | PublicHealthGuidance
            | OtherUnavoidableCause
            | DualRegistered
            | LackOfAccessArrangements
            | NotYetOnRoll
            | PlannedSchoolClosure => AttendanceCategory::NotPossible,
        }
    }

    /// Whether a session with this code is a possible session (every category but
    /// [`AttendanceCategory::NotPossible`]).
    pub const fn is_possible_session(self) -> bool {
        self.category().is_possible_session()
    }

    /// What the code means, in the words a school user knows.
    pub const fn description(self) -> &'static str {
        use AttendanceCode::*;
        match self {
            PresentAm => "Present (morning)",
            PresentPm => "Present (afternoon)",
            LateBeforeRegisterClosed => "Late, arrived before the register closed",
            LocalAuthorityProvision => {
                "Attending education provision arranged by the local authority"
            }
            EducationalVisit => "Attending an educational visit or trip",
            SportingActivity => "Participating in an approved sporting activity",
            WorkExperience => "Attending work experience",
            OtherApprovedActivity => "Attending any other approved educational activity",
            RegulatedPerformance => {
                "Leave of absence for a regulated performance or regulated employment abroad"
            }
            PartTimeTimetable => "Leave of absence for a temporarily reduced timetable",
            ExceptionalCircumstances => "Leave of absence for exceptional circumstances",
            MedicalAppointment => "Leave of absence for a medical or dental appointment",
            Interview => "Leave of absence to attend an interview",
            StudyLeave => "Leave of absence for study leave",
            ReligiousObservance => "Religious observance",
            Illness => "Illness (not a medical or dental appointment)",
            MobileChild => "Mobile child (parent travelling for their work)",
            SuspendedOrExcluded => "Suspended or excluded, no alternative provision made",
            HolidayNotGranted => "Holiday not granted by the school",
            ReasonNotYetProvided => "Reason for absence not yet provided",
            OtherUnauthorised => "Absent in other or unknown circumstances",
            ArrivedAfterRegisterClosed => "Arrived after the register closed",
            NotRequiredToAttend => "Non-compulsory school age, not required to attend",
            TransportNotAvailable => "Transport normally provided not available",
            TravelDisruption => "Widespread disruption to travel",
            PartOfSchoolClosed => "Part of the school premises closed",
            WholeSchoolSiteClosed => "Whole school site unexpectedly closed",
            CriminalJusticeDetention => "In criminal justice detention",
            PublicHealthGuidance => "Unable to attend under public health guidance or law",
            OtherUnavoidableCause => "Unable to attend because of another unavoidable cause",
            DualRegistered => "Dual registered, attending the other school",
            LackOfAccessArrangements => "Unable to attend for lack of access arrangements",
            NotYetOnRoll => "Prospective pupil not yet on roll",
            PlannedSchoolClosure => "Planned whole-school closure",
        }
    }
}

/// Reads a register mark from raw bytes without allocating: the importer calls this once per
/// cell, tens of millions of times for a county-sized export.
pub(crate) fn recognise(raw: &[u8]) -> Recognised {
    use AttendanceCode::*;
    let text = raw.trim_ascii();
    let mut upper = [0u8; 2];
    let key = match text {
        [] => return Recognised::Blank,
        [a] => {
            upper[0] = a.to_ascii_uppercase();
            &upper[..1]
        }
        [a, b] => {
            upper = [a.to_ascii_uppercase(), *b];
            &upper[..]
        }
        _ => return Recognised::Unknown,
    };
    let code = match key {
        b"/" => PresentAm,
        b"\\" => PresentPm,
        b"L" => LateBeforeRegisterClosed,
        b"K" => LocalAuthorityProvision,
        b"V" => EducationalVisit,
        b"P" => SportingActivity,
        b"W" => WorkExperience,
        b"B" => OtherApprovedActivity,
        b"C1" => RegulatedPerformance,
        b"C2" => PartTimeTimetable,
        b"C" => ExceptionalCircumstances,
        b"M" => MedicalAppointment,
        b"J1" => Interview,
        b"S" => StudyLeave,
        b"R" => ReligiousObservance,
        b"I" => Illness,
        b"T" => MobileChild,
        b"E" => SuspendedOrExcluded,
        b"G" => HolidayNotGranted,
        b"N" => ReasonNotYetProvided,
        b"O" => OtherUnauthorised,
        b"U" => ArrivedAfterRegisterClosed,
        b"X" => NotRequiredToAttend,
        b"Y1" => TransportNotAvailable,
        b"Y2" => TravelDisruption,
        b"Y3" => PartOfSchoolClosed,
        b"Y4" => WholeSchoolSiteClosed,
        b"Y5" => CriminalJusticeDetention,
        b"Y6" => PublicHealthGuidance,
        b"Y7" => OtherUnavoidableCause,
        b"D" => DualRegistered,
        b"Q" => LackOfAccessArrangements,
        b"Z" => NotYetOnRoll,
        b"#" => PlannedSchoolClosure,
        b"H" => return Recognised::Retired(RetiredCode::AuthorisedHoliday),
        b"Y" => return Recognised::Retired(RetiredCode::UnableToAttend),
        b"J" => return Recognised::Retired(RetiredCode::Interview),
        _ => return Recognised::Unknown,
    };
    Recognised::Code(code)
}

impl fmt::Display for AttendanceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for AttendanceCode {
    type Err = AttendanceCodeError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl TryFrom<String> for AttendanceCode {
    type Error = AttendanceCodeError;

    fn try_from(input: String) -> Result<Self, Self::Error> {
        Self::parse(&input)
    }
}

impl From<AttendanceCode> for String {
    fn from(code: AttendanceCode) -> Self {
        code.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn every_code_round_trips_through_its_text() {
        for code in AttendanceCode::ALL {
            assert_eq!(AttendanceCode::parse(code.as_str()), Ok(code));
            assert_eq!(
                AttendanceCode::parse(&format!(" {} ", code.as_str().to_lowercase())),
                Ok(code)
            );
            assert!(!code.description().is_empty());
        }
        let mut texts: Vec<&str> = AttendanceCode::ALL.iter().map(|c| c.as_str()).collect();
        texts.sort_unstable();
        texts.dedup();
        assert_eq!(texts.len(), AttendanceCode::ALL.len());
    }

    #[test]
    fn the_regulations_categories_hold_the_codes_they_list() {
        let in_category = |category: AttendanceCategory| -> Vec<&str> {
            AttendanceCode::ALL
                .iter()
                .filter(|code| code.category() == category)
                .map(|code| code.as_str())
                .collect()
        };
        assert_eq!(in_category(AttendanceCategory::Present), ["/", "\\", "L"]);
        assert_eq!(
            in_category(AttendanceCategory::ApprovedActivity),
            ["K", "V", "P", "W", "B"]
        );
        assert_eq!(
            in_category(AttendanceCategory::AuthorisedAbsence),
            ["C1", "C2", "C", "M", "J1", "S", "R", "I", "T", "E"]
        );
        assert_eq!(
            in_category(AttendanceCategory::UnauthorisedAbsence),
            ["G", "N", "O", "U"]
        );
        assert_eq!(
            in_category(AttendanceCategory::NotPossible),
            [
                "X", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "D", "Q", "Z", "#"
            ]
        );
    }

    #[test]
    fn not_possible_sessions_are_the_x_y_d_q_z_and_hash_codes() {
        assert!(AttendanceCode::Illness.is_possible_session());
        assert!(AttendanceCode::LocalAuthorityProvision.is_possible_session());
        assert!(!AttendanceCode::PlannedSchoolClosure.is_possible_session());
        assert!(!AttendanceCode::DualRegistered.is_possible_session());
    }

    #[test]
    fn retired_and_unknown_codes_are_typed_errors() {
        assert_eq!(AttendanceCode::parse("  "), Err(AttendanceCodeError::Empty));
        assert_eq!(
            AttendanceCode::parse("h"),
            Err(AttendanceCodeError::Retired(RetiredCode::AuthorisedHoliday))
        );
        assert_eq!(
            AttendanceCode::parse("H").unwrap_err().to_string(),
            "'H' was retired on 19 August 2024; record it as 'C' (Leave of absence for \
             exceptional circumstances)"
        );
        assert_eq!(
            AttendanceCode::parse("F").unwrap_err().to_string(),
            "'F' is not an attendance code of the 2024 regulations"
        );
        assert_eq!(
            AttendanceCode::parse("Y8"),
            Err(AttendanceCodeError::Unknown("Y8".to_owned()))
        );
        assert!(AttendanceCode::parse("C12").is_err());
    }

    #[test]
    fn codes_serialise_as_the_register_shows_them() {
        assert_eq!(String::from(AttendanceCode::PresentPm), "\\");
        assert_eq!(
            "y4".parse::<AttendanceCode>(),
            Ok(AttendanceCode::WholeSchoolSiteClosed)
        );
    }

    proptest! {
        #[test]
        fn parse_never_panics(input in any::<String>()) {
            let _ = AttendanceCode::parse(&input);
        }
    }
}
