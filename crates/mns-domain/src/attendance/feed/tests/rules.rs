//! The alert rules, each by its id (MN-ABS-3, EI-ABS-15, …), on one pupil's marks as the feed
//! reads them.

use super::*;

/// The figures and first alert of one pupil's marks under the December 2024 policy.
fn alerts_for(
    marks: &[(&str, &str)],
    context: &PupilContext,
) -> Vec<super::super::super::alerts::Alert> {
    let tally = read(&county(&[("121234", 1, marks)]));
    let figures = all_figures(&tally, 1);
    let (_, cells) = tally.schools[0].pupil(0).unwrap();
    let marks = PupilMarks::new(cells, tally.dates());
    evaluate(
        &PolicyParameters::norfolk_2024(),
        &figures[0][0],
        marks,
        context,
        day(2026, 6, 1),
    )
}

fn fired(marks: &[(&str, &str)], context: &PupilContext) -> Vec<AlertRule> {
    alerts_for(marks, context).iter().map(|a| a.rule).collect()
}

fn repeat(mark: (&'static str, &'static str), n: usize) -> Vec<(&'static str, &'static str)> {
    vec![mark; n]
}

#[test]
fn mn_abs_3_five_days_of_illness_flags_a_pupil() {
    let mut marks = repeat(("/", "\\"), 20);
    for d in [1, 4, 7, 10] {
        marks[d] = ("I", "I");
    }
    assert!(!fired(&marks, &PupilContext::default()).contains(&AlertRule::MnAbs3));
    marks[13] = ("I", "I");
    let alerts = alerts_for(&marks, &PupilContext::default());
    let alert = alerts.iter().find(|a| a.rule == AlertRule::MnAbs3).unwrap();
    assert_eq!(alert.priority, Priority::Routine);
    assert!(
        alert
            .why
            .starts_with("5 days of illness absence in 2025/26"),
        "{}",
        alert.why
    );
}

#[test]
fn ei_abs_15_fifteen_days_without_a_referral() {
    let marks = [repeat(("I", "I"), 15), repeat(("/", "\\"), 5)].concat();
    let unreferred = PupilContext {
        referred_this_year: Some(false),
        ..PupilContext::default()
    };
    assert!(fired(&marks, &unreferred).contains(&AlertRule::EiAbs15));
    let referred = PupilContext {
        referred_this_year: Some(true),
        ..PupilContext::default()
    };
    assert!(!fired(&marks, &referred).contains(&AlertRule::EiAbs15));
    assert!(!fired(&marks, &PupilContext::default()).contains(&AlertRule::EiAbs15));
}

#[test]
fn ei_run_a_week_of_illness_in_a_row() {
    let marks = [repeat(("/", "\\"), 3), repeat(("I", "I"), 5)].concat();
    let alerts = alerts_for(&marks, &PupilContext::default());
    let run = alerts.iter().find(|a| a.rule == AlertRule::EiRun).unwrap();
    assert_eq!(run.measure, 10);
    assert!(run.why.contains("still going"), "{}", run.why);
    let four = [
        repeat(("/", "\\"), 3),
        repeat(("I", "I"), 4),
        repeat(("/", "\\"), 1),
    ]
    .concat();
    assert!(!fired(&four, &PupilContext::default()).contains(&AlertRule::EiRun));
}

#[test]
fn ei_att_90_persistent_absence_mostly_illness() {
    let marks = [repeat(("/", "\\"), 17), repeat(("I", "M"), 3)].concat();
    assert!(fired(&marks, &PupilContext::default()).contains(&AlertRule::EiAtt90));
    let truancy = [repeat(("/", "\\"), 17), repeat(("O", "G"), 3)].concat();
    assert!(!fired(&truancy, &PupilContext::default()).contains(&AlertRule::EiAtt90));
}

#[test]
fn ei_att_50_severe_absence() {
    let marks = [
        repeat(("/", "\\"), 3),
        repeat(("/", "I"), 2),
        repeat(("I", "I"), 5),
    ]
    .concat();
    let alerts = alerts_for(&marks, &PupilContext::default());
    let severe = alerts
        .iter()
        .find(|a| a.rule == AlertRule::EiAtt50)
        .unwrap();
    assert_eq!(severe.priority, Priority::Urgent);
    let half = [repeat(("/", "\\"), 5), repeat(("I", "I"), 5)].concat();
    assert!(!fired(&half, &PupilContext::default()).contains(&AlertRule::EiAtt50));
}

#[test]
fn ei_k_nocase_k_without_a_case() {
    let marks = [repeat(("/", "\\"), 3), repeat(("K", "K"), 2)].concat();
    let no_cases = PupilContext {
        cases: Some(vec![]),
        ..PupilContext::default()
    };
    assert!(fired(&marks, &no_cases).contains(&AlertRule::EiKNoCase));
    let covered = PupilContext {
        cases: Some(vec![CaseSpan {
            first: day(2025, 9, 1),
            last: None,
        }]),
        ..PupilContext::default()
    };
    assert!(!fired(&marks, &covered).contains(&AlertRule::EiKNoCase));
}

#[test]
fn mn_prov_6_case_without_k_coding() {
    let marks = [repeat(("/", "\\"), 3), repeat(("K", "I"), 2)].concat();
    let days = weekdays(5);
    let case = PupilContext {
        cases: Some(vec![CaseSpan {
            first: days[3],
            last: None,
        }]),
        ..PupilContext::default()
    };
    let alerts = alerts_for(&marks, &case);
    let prov = alerts
        .iter()
        .find(|a| a.rule == AlertRule::MnProv6)
        .unwrap();
    assert_eq!(prov.measure, 2);
}

#[test]
fn ei_c2_6w_part_time_timetable_beyond_six_weeks() {
    let seven_weeks = [repeat(("/", "\\"), 3), repeat(("/", "C2"), 35)].concat();
    let alerts = alerts_for(&seven_weeks, &PupilContext::default());
    let c2 = alerts.iter().find(|a| a.rule == AlertRule::EiC26w).unwrap();
    assert_eq!(c2.measure, 7);
    let six_weeks = [repeat(("/", "\\"), 3), repeat(("/", "C2"), 30)].concat();
    assert!(!fired(&six_weeks, &PupilContext::default()).contains(&AlertRule::EiC26w));
}

#[test]
fn ei_cme_left_during_illness() {
    let marks = [repeat(("/", "\\"), 5), repeat(("I", "I"), 3)].concat();
    let left = weekdays(8)[7];
    let context = PupilContext {
        leaving_date: Some(left),
        ..PupilContext::default()
    };
    assert!(fired(&marks, &context).contains(&AlertRule::EiCme));
    let elsewhere = PupilContext {
        on_another_roll_after_leaving: true,
        ..context.clone()
    };
    assert!(!fired(&marks, &elsewhere).contains(&AlertRule::EiCme));
    let well = repeat(("/", "\\"), 20);
    assert!(!fired(&well, &context).contains(&AlertRule::EiCme));
}

#[test]
fn an_ehcp_or_looked_after_pupil_raises_priority() {
    let marks = [
        repeat(("/", "\\"), 5),
        repeat(("I", "I"), 5),
        repeat(("/", "\\"), 1),
    ]
    .concat();
    let plain = alerts_for(&marks, &PupilContext::default());
    let ehcp = alerts_for(
        &marks,
        &PupilContext {
            ehcp: Some(true),
            ..PupilContext::default()
        },
    );
    let la = alerts_for(
        &marks,
        &PupilContext {
            looked_after: Some(true),
            ..PupilContext::default()
        },
    );
    let priority = |alerts: &[super::super::super::alerts::Alert]| {
        alerts
            .iter()
            .find(|a| a.rule == AlertRule::MnAbs3)
            .unwrap()
            .priority
    };
    assert_eq!(priority(&plain), Priority::Routine);
    assert_eq!(priority(&ehcp), Priority::Soon);
    assert_eq!(priority(&la), Priority::Soon);
    assert!(ehcp[0].why.contains("has an EHC plan"));
}

#[test]
fn alert_rules_in_the_policy_file_are_checked() {
    use super::super::super::alerts::{AlertRuleSetting, validate_alert_rules};
    let mut policy = PolicyParameters::norfolk_2024();
    policy.alert_rules.push(AlertRuleSetting {
        id: AlertRule::EiRun,
        parameter: Some(3),
        enabled: true,
    });
    assert_eq!(
        policy.validate().unwrap_err().to_string(),
        "alert rule EI-RUN is listed twice"
    );
    assert_eq!(
        validate_alert_rules(&[AlertRuleSetting {
            id: AlertRule::MnAbs3,
            parameter: Some(4),
            enabled: true
        }]),
        Err("MN-ABS-3 takes no parameter: set early_warning_days".into())
    );
    let json = serde_json::to_value(PolicyParameters::norfolk_2024()).unwrap();
    let mut old = json.clone();
    old.as_object_mut().unwrap().remove("alert_rules");
    let loaded: PolicyParameters = serde_json::from_value(old).unwrap();
    assert_eq!(loaded.alert_rules.len(), 9);
    let mut off = PolicyParameters::norfolk_2024();
    off.alert_rules.retain(|s| s.id != AlertRule::MnAbs3);
    let marks = [repeat(("/", "\\"), 5), repeat(("I", "I"), 6)].concat();
    let tally = read(&county(&[("121234", 1, &marks)]));
    let figures = all_figures(&tally, 1);
    let (_, cells) = tally.schools[0].pupil(0).unwrap();
    let fired = evaluate(
        &off,
        &figures[0][0],
        PupilMarks::new(cells, tally.dates()),
        &PupilContext::default(),
        day(2026, 6, 1),
    );
    assert!(fired.iter().all(|a| a.rule != AlertRule::MnAbs3));
}
