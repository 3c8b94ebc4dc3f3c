//! "Schools' checklist": what the school did before referring, each of the 18 items done, not
//! applicable or not done, with a note (MN-CHK-1).

use super::answers::{NOT_ANSWERED, Row, Rows};
use super::questions::{Choice, Group, Question};
use crate::form::Fields;
use mns_app::FieldError;
use mns_domain::referral::{ChecklistAnswer, ChecklistItem, Referral};

fn answer_label(answer: ChecklistAnswer) -> &'static str {
    match answer {
        ChecklistAnswer::Done => "Done",
        ChecklistAnswer::NotApplicable => "Not applicable",
        ChecklistAnswer::NotDone => "Not done",
    }
}

const ANSWERS: [(ChecklistAnswer, &str); 3] = [
    (ChecklistAnswer::Done, "done"),
    (ChecklistAnswer::NotApplicable, "not_applicable"),
    (ChecklistAnswer::NotDone, "not_done"),
];

/// The questions: for each item, radios and a note.
pub fn groups(form: &Referral) -> Vec<Group> {
    let mut groups = vec![Group::default().intro(
        "For each item, tell us whether the school did it. If an item applies to the pupil but was not done, say why in its note.",
    )];
    for item in ChecklistItem::ALL {
        let entry = form.checklist.get(&item);
        let current = entry.and_then(|e| e.answer);
        let answer_id = format!("checklist.{}.answer", item.key());
        let note_id = format!("checklist.{}.note", item.key());
        let mut group = Group::of(vec![
            Question::radios(
                &answer_id,
                item.label(),
                ANSWERS
                    .iter()
                    .map(|&(answer, value)| {
                        Choice::new(value, answer_label(answer), current == Some(answer))
                    })
                    .collect(),
            )
            .inline(),
            Question::textarea(&note_id, "Note", entry.map_or("", |e| e.note.as_str()))
                .hidden_label(&format!("about ‘{}’", item.label()))
                .hint("What was done, or why not")
                .rows(2),
        ]);
        group.divider = true;
        groups.push(group);
    }
    groups
}

/// Puts the answers posted into the referral.
pub fn apply(fields: &Fields, form: &mut Referral) -> Vec<FieldError> {
    for item in ChecklistItem::ALL {
        let mut entry = form.checklist.get(&item).cloned().unwrap_or_default();
        if let Some(answer) = fields.choice(&format!("checklist.{}.answer", item.key())) {
            entry.answer = Some(answer);
        }
        fields.set_text(&format!("checklist.{}.note", item.key()), &mut entry.note);
        if entry == Default::default() {
            form.checklist.remove(&item);
        } else {
            form.checklist.insert(item, entry);
        }
    }
    Vec::new()
}

/// The answers for "Check your answers".
pub fn answers(form: &Referral, referral_id: &str) -> Vec<Row> {
    let mut rows = Rows::new(referral_id);
    for item in ChecklistItem::ALL {
        let entry = form.checklist.get(&item);
        rows.lines(
            item.label(),
            &format!("checklist.{}.answer", item.key()),
            vec![
                entry
                    .and_then(|e| e.answer)
                    .map_or(NOT_ANSWERED, answer_label)
                    .to_string(),
                entry.map(|e| e.note.clone()).unwrap_or_default(),
            ],
        );
    }
    rows.rows
}
