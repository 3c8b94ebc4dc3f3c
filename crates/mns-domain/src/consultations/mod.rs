//! Core Consultations (issue 19): free consultations between the council's SEND specialists
//! and a school, in three strands. A school asks (the issues, and the children it is concerned
//! about: a reference such as "Child A", never a name unless a parent has agreed); the SEND team
//! books it with facilitators, a day and a place; records who came, what was discussed, the
//! recommendations, signposting to the Local Offer and follow-ups; the school says how useful it
//! was. The rules here check each step and work out the service's figures.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// A problem with a form's field: the field's name and what to do.
pub type Problem = (String, String);

fn problem(field: impl Into<String>, message: impl Into<String>) -> Problem {
    (field.into(), message.into())
}

/// The three strands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strand {
    /// Mainstream: a specialist learning support teacher and the school's SENCO.
    Mainstream,
    /// Plus: a multi-disciplinary consultation for more complex needs.
    Plus,
    /// Special: for special schools and specialist resource bases.
    Special,
}

impl Strand {
    /// Every strand.
    pub const ALL: [Strand; 3] = [Strand::Mainstream, Strand::Plus, Strand::Special];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Strand::Mainstream => "mainstream",
            Strand::Plus => "plus",
            Strand::Special => "special",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Strand::Mainstream => "Core Consultation",
            Strand::Plus => "Core Consultation Plus (multi-disciplinary)",
            Strand::Special => "Core Consultation Special",
        }
    }

    /// The strand whose stored form is `text`.
    pub fn parse(text: &str) -> Option<Strand> {
        Strand::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Who facilitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Facilitator {
    /// A specialist learning support teacher.
    LearningSupportTeacher,
    /// A social, emotional and mental health practitioner.
    SemhPractitioner,
    /// The autism (ASD) team.
    AutismTeam,
    /// An educational psychologist on consultancy.
    EducationalPsychologist,
}

impl Facilitator {
    /// Every kind.
    pub const ALL: [Facilitator; 4] = [
        Facilitator::LearningSupportTeacher,
        Facilitator::SemhPractitioner,
        Facilitator::AutismTeam,
        Facilitator::EducationalPsychologist,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Facilitator::LearningSupportTeacher => "learning_support_teacher",
            Facilitator::SemhPractitioner => "semh_practitioner",
            Facilitator::AutismTeam => "autism_team",
            Facilitator::EducationalPsychologist => "educational_psychologist",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Facilitator::LearningSupportTeacher => "Specialist learning support teacher",
            Facilitator::SemhPractitioner => "SEMH practitioner",
            Facilitator::AutismTeam => "Autism (ASD) team",
            Facilitator::EducationalPsychologist => "Educational psychologist (consultancy)",
        }
    }

    /// The kind whose stored form is `text`.
    pub fn parse(text: &str) -> Option<Facilitator> {
        Facilitator::ALL.into_iter().find(|f| f.as_str() == text)
    }
}

/// A child the school is concerned about, pseudonymised.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildConcern {
    /// The school's reference ("Child A").
    pub reference: String,
    /// Their year group ("Year 4").
    pub year_group: String,
    /// What the school sees.
    pub concern: String,
    /// Their name, only when a parent has agreed.
    #[serde(default)]
    pub name: String,
    /// Whether a parent has agreed that the name may be shared.
    #[serde(default)]
    pub parent_agreed: bool,
}

/// A school's request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// What the school wants help with.
    pub issues: String,
    /// The children it is concerned about (may be none: a whole-school question).
    pub children: Vec<ChildConcern>,
    /// When the school could meet.
    pub availability: String,
}

/// The most children one request may name.
pub const MAX_CHILDREN: usize = 6;

fn longer_than(text: &str, n: usize) -> bool {
    text.chars().count() > n
}

impl Request {
    /// Checks a request, trimming it: the issues are needed; each child has a reference and
    /// what the school sees; a name only with a parent's agreement. Every problem at once.
    pub fn checked(mut self) -> Result<Request, Vec<Problem>> {
        let mut problems = Vec::new();
        self.issues = self.issues.trim().to_string();
        if self.issues.is_empty() {
            problems.push(problem(
                "issues",
                "Enter what the school would like help with",
            ));
        } else if longer_than(&self.issues, 4000) {
            problems.push(problem(
                "issues",
                "The issues must be 4,000 characters or fewer",
            ));
        }
        self.children.retain(|c| {
            !(c.reference.trim().is_empty()
                && c.year_group.trim().is_empty()
                && c.concern.trim().is_empty()
                && c.name.trim().is_empty())
        });
        if self.children.len() > MAX_CHILDREN {
            problems.push(problem(
                "child-0-reference",
                format!("A request can describe up to {MAX_CHILDREN} children"),
            ));
        }
        for (i, c) in self.children.iter_mut().enumerate() {
            c.reference = c.reference.trim().to_string();
            c.year_group = c.year_group.trim().to_string();
            c.concern = c.concern.trim().to_string();
            c.name = c.name.trim().to_string();
            if c.reference.is_empty() {
                problems.push(problem(
                    format!("child-{i}-reference"),
                    format!("Enter a reference for child {}, like Child A", i + 1),
                ));
            }
            if c.concern.is_empty() {
                problems.push(problem(
                    format!("child-{i}-concern"),
                    format!(
                        "Enter what the school sees for {}",
                        display(&c.reference, i)
                    ),
                ));
            } else if longer_than(&c.concern, 2000) {
                problems.push(problem(
                    format!("child-{i}-concern"),
                    "What the school sees must be 2,000 characters or fewer",
                ));
            }
            if !c.name.is_empty() && !c.parent_agreed {
                problems.push(problem(
                    format!("child-{i}-name"),
                    format!(
                        "Remove the name of {}, or confirm a parent has agreed it can be shared",
                        display(&c.reference, i)
                    ),
                ));
            }
            if c.name.is_empty() {
                c.parent_agreed = false;
            }
        }
        self.availability = self.availability.trim().to_string();
        if longer_than(&self.availability, 1000) {
            problems.push(problem(
                "availability",
                "When you could meet must be 1,000 characters or fewer",
            ));
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }
}

fn display(reference: &str, i: usize) -> String {
    if reference.is_empty() {
        format!("child {}", i + 1)
    } else {
        reference.to_string()
    }
}

/// When and where a consultation is, and who facilitates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    /// The day.
    pub date: NaiveDate,
    /// The start (UK clock).
    pub starts: NaiveTime,
    /// Where: the school, a room, or "Online".
    pub place: String,
    /// Who facilitates.
    pub facilitators: Vec<Facilitator>,
    /// Their names.
    pub facilitator_names: String,
}

/// A booking as typed.
#[derive(Debug, Clone, Default)]
pub struct BookingForm {
    /// The day.
    pub date: Option<NaiveDate>,
    /// The start as typed.
    pub starts: String,
    /// Where.
    pub place: String,
    /// Facilitators' stored forms.
    pub facilitators: Vec<String>,
    /// Their names.
    pub facilitator_names: String,
}

impl BookingForm {
    /// The booking, or every problem: a day from today on, a time, a place and at least one
    /// facilitator.
    pub fn parse(&self, today: NaiveDate) -> Result<Booking, Vec<Problem>> {
        let mut problems = Vec::new();
        match self.date {
            None => problems.push(problem("date", "Enter the day of the consultation")),
            Some(d) if d < today => {
                problems.push(problem("date", "The consultation must be today or later"))
            }
            Some(_) => {}
        }
        let starts = crate::events::parse_clock(&self.starts);
        if starts.is_none() {
            problems.push(problem(
                "starts",
                "Enter the start time, like 9:30am or 13:15",
            ));
        }
        let place = self.place.trim();
        if place.is_empty() {
            problems.push(problem("place", "Enter where it is, or Online"));
        }
        let facilitators: Vec<Facilitator> = self
            .facilitators
            .iter()
            .filter_map(|f| Facilitator::parse(f))
            .collect();
        if facilitators.is_empty() || facilitators.len() != self.facilitators.len() {
            problems.push(problem("facilitators", "Select who will facilitate"));
        }
        match (self.date, starts, problems.is_empty()) {
            (Some(date), Some(starts), true) => Ok(Booking {
                date,
                starts,
                place: place.into(),
                facilitators,
                facilitator_names: self.facilitator_names.trim().into(),
            }),
            _ => Err(problems),
        }
    }
}

/// A follow-up: what, who, by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    /// What is to be done.
    pub action: String,
    /// Who does it.
    pub owner: String,
    /// By when.
    pub due: NaiveDate,
}

/// What happened at a consultation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Who came (roles, not only names).
    pub attended: String,
    /// What was discussed.
    pub discussed: String,
    /// Recommendations for the whole school.
    pub whole_school: String,
    /// Recommendations for each child, by the school's reference.
    pub per_child: Vec<(String, String)>,
    /// Local Offer services the school was pointed to (their ids).
    pub signposted: Vec<String>,
    /// What is to happen next.
    pub follow_ups: Vec<FollowUp>,
}

/// A follow-up as typed.
#[derive(Debug, Clone, Default)]
pub struct FollowUpForm {
    /// What.
    pub action: String,
    /// Who.
    pub owner: String,
    /// By when.
    pub due: Option<NaiveDate>,
}

impl Record {
    /// Checks a record: who came, what was discussed and some recommendation are needed; a
    /// follow-up needs its action, owner and a day. `held_on` is the consultation's day: a
    /// follow-up falls due after it.
    pub fn checked(
        mut self,
        follow_ups: &[FollowUpForm],
        held_on: NaiveDate,
    ) -> Result<Record, Vec<Problem>> {
        let mut problems = Vec::new();
        self.attended = self.attended.trim().into();
        self.discussed = self.discussed.trim().into();
        self.whole_school = self.whole_school.trim().into();
        if self.attended.is_empty() {
            problems.push(problem("attended", "Enter who came"));
        }
        if self.discussed.is_empty() {
            problems.push(problem("discussed", "Enter what was discussed"));
        }
        self.per_child = self
            .per_child
            .into_iter()
            .map(|(r, t)| (r.trim().to_string(), t.trim().to_string()))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        if self.whole_school.is_empty() && self.per_child.is_empty() {
            problems.push(problem(
                "whole_school",
                "Enter the recommendations, for the whole school or for a child",
            ));
        }
        for (text, field) in [
            (&self.attended, "attended"),
            (&self.discussed, "discussed"),
            (&self.whole_school, "whole_school"),
        ] {
            if longer_than(text, 4000) {
                problems.push(problem(field, "This must be 4,000 characters or fewer"));
            }
        }
        self.follow_ups.clear();
        for (i, f) in follow_ups.iter().enumerate() {
            let (action, owner) = (f.action.trim(), f.owner.trim());
            if action.is_empty() && owner.is_empty() && f.due.is_none() {
                continue;
            }
            if action.is_empty() {
                problems.push(problem(
                    format!("follow-{i}-action"),
                    format!("Enter follow-up {}'s action", i + 1),
                ));
            }
            if owner.is_empty() {
                problems.push(problem(
                    format!("follow-{i}-owner"),
                    format!("Enter who does follow-up {}", i + 1),
                ));
            }
            match f.due {
                None => problems.push(problem(
                    format!("follow-{i}-due"),
                    format!("Enter when follow-up {} is due", i + 1),
                )),
                Some(d) if d < held_on => problems.push(problem(
                    format!("follow-{i}-due"),
                    format!(
                        "Follow-up {} must fall due on or after the consultation",
                        i + 1
                    ),
                )),
                Some(due) if !action.is_empty() && !owner.is_empty() => {
                    self.follow_ups.push(FollowUp {
                        action: action.into(),
                        owner: owner.into(),
                        due,
                    })
                }
                Some(_) => {}
            }
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }
}

/// The school's view of the meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// How useful it was, 1 (not at all) to 5 (very).
    pub useful: u8,
    /// How confident the school now is to act, 1 to 5.
    pub confident: u8,
    /// Whether it would recommend it to another school.
    pub recommend: bool,
    /// Anything else.
    pub comments: String,
}

/// An evaluation as typed.
#[derive(Debug, Clone, Default)]
pub struct EvaluationForm {
    /// 1–5.
    pub useful: String,
    /// 1–5.
    pub confident: String,
    /// "yes" or "no".
    pub recommend: String,
    /// Comments.
    pub comments: String,
}

impl EvaluationForm {
    /// The evaluation, or every problem.
    pub fn parse(&self) -> Result<Evaluation, Vec<Problem>> {
        let mut problems = Vec::new();
        let scale = |text: &str| text.parse::<u8>().ok().filter(|n| (1..=5).contains(n));
        let useful = scale(&self.useful);
        if useful.is_none() {
            problems.push(problem("useful", "Select how useful the consultation was"));
        }
        let confident = scale(&self.confident);
        if confident.is_none() {
            problems.push(problem(
                "confident",
                "Select how confident the school now is",
            ));
        }
        let recommend = match self.recommend.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        if recommend.is_none() {
            problems.push(problem(
                "recommend",
                "Select whether you would recommend it",
            ));
        }
        let comments = self.comments.trim();
        if longer_than(comments, 2000) {
            problems.push(problem(
                "comments",
                "Comments must be 2,000 characters or fewer",
            ));
        }
        match (useful, confident, recommend, problems.is_empty()) {
            (Some(useful), Some(confident), Some(recommend), true) => Ok(Evaluation {
                useful,
                confident,
                recommend,
                comments: comments.into(),
            }),
            _ => Err(problems),
        }
    }
}

/// The median of some whole numbers (the lower middle for an even count), if any.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[(values.len() - 1) / 2])
}

#[cfg(test)]
mod tests;
