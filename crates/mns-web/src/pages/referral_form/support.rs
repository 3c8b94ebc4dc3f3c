//! "Support until provision starts": who at the school supports the pupil's learning and checks
//! on their welfare until provision starts (MN-REF-5). The attendance export (MN-REF-4) is a
//! file, attached on its own page and shown as a task of its own.

use super::answers::{Row, Rows};
use super::questions::{Group, Question};
use crate::form::Fields;
use mns_app::FieldError;
use mns_domain::referral::Referral;

/// The questions, showing what the referral holds.
pub fn groups(form: &Referral) -> Vec<Group> {
    let support = &form.support_meanwhile;
    vec![
        Group::of(
            vec![
                Question::text(
                    "support_meanwhile.learning_supported_by",
                    "Who at the school will support the pupil's learning?",
                    &support.learning_supported_by,
                )
                .hint("Name and role. The school keeps setting work and providing resources until provision starts."),
                Question::text(
                    "support_meanwhile.welfare_checks_by",
                    "Who at the school will carry out welfare checks?",
                    &support.welfare_checks_by,
                )
                .hint("Name and role"),
            ],
        )
        .intro("The school keeps supporting the pupil between the referral and the start of provision."),
    ]
}

/// Puts the answers posted into the referral.
pub fn apply(fields: &Fields, form: &mut Referral) -> Vec<FieldError> {
    let support = &mut form.support_meanwhile;
    fields.set_text(
        "support_meanwhile.learning_supported_by",
        &mut support.learning_supported_by,
    );
    fields.set_text(
        "support_meanwhile.welfare_checks_by",
        &mut support.welfare_checks_by,
    );
    Vec::new()
}

/// The answers for "Check your answers".
pub fn answers(form: &Referral, referral_id: &str) -> Vec<Row> {
    let support = &form.support_meanwhile;
    let mut rows = Rows::new(referral_id);
    rows.text(
        "Supports the pupil's learning",
        "support_meanwhile.learning_supported_by",
        &support.learning_supported_by,
    );
    rows.text(
        "Carries out welfare checks",
        "support_meanwhile.welfare_checks_by",
        &support.welfare_checks_by,
    );
    rows.rows
}
