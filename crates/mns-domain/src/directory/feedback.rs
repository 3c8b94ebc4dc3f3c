//! "You said, we did" (issue 19; SEND Code of Practice 4.65–4.67): what families say about the
//! Local Offer is themed and moderated by the Local Offer officer, answered with what the
//! council will do and how far it has got, and published. A comment is withheld, with the
//! reason, when it is abusive, identifies someone, or is an individual complaint (which belongs
//! to the complaints procedure).

use serde::{Deserialize, Serialize};

macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = ($stored:literal, $label:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in the order forms list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored form.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $stored),+
                }
            }

            /// What people read.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            /// The value whose stored form is `text`.
            pub fn parse(text: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }
    };
}

choice! {
    /// Where a comment came from.
    FeedbackSource {
        /// The feedback form on a service's page.
        Service = ("service", "A service's page"),
        /// The Local Offer's own feedback form.
        Website = ("website", "The Local Offer's feedback form"),
        /// Gathered at an event (a roadshow or forum).
        Event = ("event", "At an event"),
        /// Gathered at a Core Consultation.
        Consultation = ("consultation", "At a Core Consultation"),
        /// By phone, email, a survey or a parent carer forum.
        Other = ("other", "By phone, email, a survey or a forum"),
    }
}

choice! {
    /// What a comment is about, for the published list and the annual report.
    Theme {
        /// Finding information on the Local Offer.
        FindingInformation = ("finding_information", "Finding information"),
        /// Information that is wrong or out of date.
        AccurateInformation = ("accurate_information", "Information that is wrong or out of date"),
        /// Services families need that are not there.
        MissingServices = ("missing_services", "Services that are missing"),
        /// Support in schools and settings, and EHC plans.
        Education = ("education", "Support in education and EHC plans"),
        /// Health services.
        Health = ("health", "Health services"),
        /// Social care and short breaks.
        SocialCare = ("social_care", "Social care and short breaks"),
        /// Preparing for adulthood.
        Adulthood = ("adulthood", "Preparing for adulthood"),
        /// Travel and transport.
        Transport = ("transport", "Travel and transport"),
        /// How the council communicates and involves families.
        Communication = ("communication", "How we communicate and involve families"),
        /// Anything else.
        Other = ("other", "Something else"),
    }
}

choice! {
    /// Why a comment is not published.
    WithheldReason {
        /// Abusive or offensive.
        Abusive = ("abusive", "Abusive or offensive"),
        /// Identifies a child, a family or a member of staff.
        Identifying = ("identifying", "Identifies a child, a family or a member of staff"),
        /// About one family's case: a complaint for the complaints procedure.
        IndividualComplaint = ("individual_complaint", "An individual complaint: passed to the complaints procedure"),
    }
}

choice! {
    /// How far the council has got with what it said it would do.
    ActionStatus {
        /// Agreed, not started.
        Planned = ("planned", "Planned"),
        /// Under way.
        InProgress = ("in_progress", "In progress"),
        /// Done.
        Done = ("done", "Done"),
        /// Cannot be done, with the reason in the answer.
        NotPossible = ("not_possible", "Not possible"),
    }
}

/// The officer's decision as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModerationForm {
    /// "publish" or "withhold".
    pub decision: String,
    /// The theme's stored form.
    pub theme: String,
    /// What families said, as published (personal details taken out).
    pub you_said: String,
    /// What the council did or will do.
    pub we_did: String,
    /// The action's status's stored form.
    pub action_status: String,
    /// Why it is withheld's stored form.
    pub withheld_reason: String,
}

/// A checked decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moderation {
    /// Published with the council's answer.
    Publish {
        /// Its theme.
        theme: Theme,
        /// What families said, as published.
        you_said: String,
        /// What the council did or will do.
        we_did: String,
        /// How far it has got.
        status: ActionStatus,
    },
    /// Not published, and why (the theme still counts in the annual report).
    Withhold {
        /// Its theme, if given.
        theme: Option<Theme>,
        /// Why.
        reason: WithheldReason,
    },
}

/// A problem with a form's field: the field's name and what to do.
pub type Problem = (&'static str, String);

impl ModerationForm {
    /// The decision the form makes, or every problem with it in the order of the form.
    pub fn parse(&self) -> Result<Moderation, Vec<Problem>> {
        let mut problems: Vec<Problem> = Vec::new();
        let theme = Theme::parse(&self.theme);
        match self.decision.as_str() {
            "publish" => {
                if theme.is_none() {
                    problems.push(("theme", "Select what the comment is about".into()));
                }
                let you_said = self.you_said.trim();
                if you_said.is_empty() {
                    problems.push((
                        "you_said",
                        "Enter what families said, as it will be published".into(),
                    ));
                } else if you_said.chars().count() > 1000 {
                    problems.push((
                        "you_said",
                        "What families said must be 1,000 characters or fewer".into(),
                    ));
                }
                let we_did = self.we_did.trim();
                if we_did.is_empty() {
                    problems.push((
                        "we_did",
                        "Enter what the council has done or will do about it".into(),
                    ));
                } else if we_did.chars().count() > 2000 {
                    problems.push((
                        "we_did",
                        "The answer must be 2,000 characters or fewer".into(),
                    ));
                }
                let status = ActionStatus::parse(&self.action_status);
                if status.is_none() {
                    problems.push(("action_status", "Select how far the council has got".into()));
                }
                match (theme, status, problems.is_empty()) {
                    (Some(theme), Some(status), true) => Ok(Moderation::Publish {
                        theme,
                        you_said: you_said.into(),
                        we_did: we_did.into(),
                        status,
                    }),
                    _ => Err(problems),
                }
            }
            "withhold" => match WithheldReason::parse(&self.withheld_reason) {
                Some(reason) => Ok(Moderation::Withhold { theme, reason }),
                None => Err(vec![(
                    "withheld_reason",
                    "Select why the comment is not published".into(),
                )]),
            },
            _ => Err(vec![(
                "decision",
                "Select whether to publish the comment".into(),
            )]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_published_comment_needs_a_theme_what_was_said_the_answer_and_its_status() {
        let problems = ModerationForm {
            decision: "publish".into(),
            ..ModerationForm::default()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.0).collect();
        assert_eq!(fields, vec!["theme", "you_said", "we_did", "action_status"]);
        let ok = ModerationForm {
            decision: "publish".into(),
            theme: "accurate_information".into(),
            you_said: " Opening times were out of date. ".into(),
            we_did: "We now ask every provider to check their entry each year.".into(),
            action_status: "done".into(),
            withheld_reason: String::new(),
        }
        .parse()
        .unwrap();
        assert_eq!(
            ok,
            Moderation::Publish {
                theme: Theme::AccurateInformation,
                you_said: "Opening times were out of date.".into(),
                we_did: "We now ask every provider to check their entry each year.".into(),
                status: ActionStatus::Done,
            }
        );
    }

    #[test]
    fn a_withheld_comment_says_why_and_an_undecided_form_is_refused() {
        let form = ModerationForm {
            decision: "withhold".into(),
            ..ModerationForm::default()
        };
        assert_eq!(form.parse().unwrap_err()[0].0, "withheld_reason");
        let form = ModerationForm {
            withheld_reason: "individual_complaint".into(),
            ..form
        };
        assert_eq!(
            form.parse().unwrap(),
            Moderation::Withhold {
                theme: None,
                reason: WithheldReason::IndividualComplaint
            }
        );
        assert_eq!(
            ModerationForm::default().parse().unwrap_err()[0].0,
            "decision"
        );
    }

    #[test]
    fn every_choice_reads_back_from_its_stored_form() {
        for t in Theme::ALL {
            assert_eq!(Theme::parse(t.as_str()), Some(*t));
        }
        for s in FeedbackSource::ALL {
            assert_eq!(FeedbackSource::parse(s.as_str()), Some(*s));
        }
        for r in WithheldReason::ALL {
            assert_eq!(WithheldReason::parse(r.as_str()), Some(*r));
        }
        for a in ActionStatus::ALL {
            assert_eq!(ActionStatus::parse(a.as_str()), Some(*a));
        }
        assert_eq!(Theme::parse("weather"), None);
    }
}
