//! What changed between two versions of a service, field by field, in words the council's
//! approver reads before publishing a provider's edit or restoring an older version.

use super::model::Service;
use super::search::schedule_days;

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The field's name as the edit form shows it.
    pub field: &'static str,
    /// Its value before, in words ("" when it was empty).
    pub before: String,
    /// Its value after.
    pub after: String,
}

/// The fields of a service as text, in form order. Ids are left out: they are not the
/// provider's to change.
pub fn service_fields(service: &Service) -> Vec<(&'static str, String)> {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let lo = service.local_offer.clone().unwrap_or_default();
    vec![
        ("Name", service.name.clone()),
        ("Description", service.description.clone()),
        ("Status", service.status.label().to_string()),
        ("Website", opt(&service.url)),
        ("Email", opt(&service.email)),
        (
            "Youngest age",
            service
                .minimum_age
                .map(|a| a.to_string())
                .unwrap_or_default(),
        ),
        (
            "Oldest age",
            service
                .maximum_age
                .map(|a| a.to_string())
                .unwrap_or_default(),
        ),
        ("Fees", opt(&service.fees_description)),
        (
            "Costs",
            service
                .cost_options
                .iter()
                .map(|c| match (c.amount, &c.option) {
                    (Some(a), Some(o)) => format!("£{a:.2} {o}"),
                    (Some(a), None) => format!("£{a:.2}"),
                    (None, _) => c.amount_description.clone().unwrap_or_default(),
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        ("Alert", opt(&service.alert)),
        (
            "Part of the Local Offer",
            if service.local_offer.is_some() {
                "Yes"
            } else {
                "No"
            }
            .into(),
        ),
        ("Who it is for", lo.who_for),
        ("How to access it", lo.how_to_access),
        ("How it supports SEND", lo.send_support),
        ("How it is funded", lo.funding),
        ("Whom to contact", lo.contact),
        ("Needs, kinds and delivery", {
            let mut t = service.terms.clone();
            t.sort();
            t.join(", ")
        }),
        (
            "Contacts",
            service
                .contacts
                .iter()
                .map(|c| {
                    [
                        Some(c.name.clone()),
                        c.title.clone(),
                        c.email.clone(),
                        c.phone.clone(),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (
            "Phone numbers",
            service
                .phones
                .iter()
                .map(|p| p.number.clone())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (
            "Opening times",
            service
                .schedules
                .iter()
                .map(|s| {
                    let days = schedule_days(s);
                    let times = match (s.opens_at, s.closes_at) {
                        (Some(o), Some(c)) => {
                            format!(" {}–{}", o.format("%H:%M"), c.format("%H:%M"))
                        }
                        _ => String::new(),
                    };
                    let about = s
                        .description
                        .as_ref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default();
                    format!("{days}{times}{about}")
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (
            "Languages",
            service
                .languages
                .iter()
                .map(|l| l.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "Areas covered",
            service
                .service_areas
                .iter()
                .map(|a| a.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "Funding",
            service
                .funding
                .iter()
                .map(|f| f.source.clone())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "Locations",
            service
                .locations
                .iter()
                .map(|l| {
                    format!(
                        "{}, {}, {}, {}",
                        l.location.name,
                        l.location.address.address_1,
                        l.location.address.city,
                        l.location.address.postal_code
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (
            "Accessibility",
            service
                .locations
                .iter()
                .flat_map(|l| {
                    l.location
                        .accessibility
                        .iter()
                        .map(|a| a.description.clone())
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "Last reviewed",
            service.last_reviewed.format("%-d %B %Y").to_string(),
        ),
    ]
}

/// The fields that differ between `before` and `after`, in form order.
pub fn diff(before: &Service, after: &Service) -> Vec<FieldChange> {
    service_fields(before)
        .into_iter()
        .zip(service_fields(after))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, before), (_, after))| FieldChange {
            field,
            before,
            after,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::example_service;

    #[test]
    fn identical_services_have_no_changes() {
        let s = example_service();
        assert!(diff(&s, &s).is_empty());
    }

    #[test]
    fn a_changed_name_and_age_are_listed_in_form_order() {
        let before = example_service();
        let mut after = before.clone();
        after.name = "Saturday Swim Club".into();
        after.maximum_age = Some(18);
        let changes = diff(&before, &after);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].field, "Name");
        assert_eq!(changes[0].after, "Saturday Swim Club");
        assert_eq!(changes[1].field, "Oldest age");
        assert_eq!(changes[1].before, "16");
        assert_eq!(changes[1].after, "18");
    }

    #[test]
    fn changed_opening_days_are_written_in_words() {
        let before = example_service();
        let mut after = before.clone();
        after.schedules[0].days = vec![chrono::Weekday::Mon, chrono::Weekday::Tue];
        let changes = diff(&before, &after);
        let times = changes
            .iter()
            .find(|c| c.field == "Opening times")
            .expect("the opening times changed");
        assert!(
            times.after.starts_with("Monday, Tuesday"),
            "{}",
            times.after
        );
        assert!(!times.after.contains("MO"));
    }
}
