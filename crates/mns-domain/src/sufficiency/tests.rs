use super::*;

fn trend() -> Scenario {
    ScenarioForm {
        name: "Trend continues".into(),
        intake: "10".into(),
        primary: "0".into(),
        secondary: "5".into(),
        post16: "-20".into(),
        specialist_share: "40".into(),
    }
    .parse()
    .unwrap()
}

#[test]
fn a_capacity_return_with_negative_places_or_an_unknown_need_is_refused_line_by_line() {
    let file = b"provider,kind,need,phase,district,places\n\
        Chapel Green School,special_school,SLD,primary,Broadland,60\n\
        Sheringham Woodfields,special_school,ADHD,secondary,North Norfolk,-4\n\
        ,resource_base,ASD,nursery,Norwich,12\n";
    let problems = parse_capacity(file).unwrap_err();
    let messages: Vec<&str> = problems.iter().map(|p| p.1.as_str()).collect();
    assert_eq!(messages.len(), 4, "{messages:?}");
    assert!(messages[0].starts_with("Line 3: 'ADHD' is not a primary need: use one of ASD, SEMH"));
    assert!(messages[1].starts_with("Line 3: '-4' places"));
    assert!(messages[2].starts_with("Line 4: 'nursery' is not a phase"));
    assert!(messages[3].starts_with("Line 4: the provider is empty"));
    let ok = parse_capacity(b"Provider,Kind,Need,Phase,District,Places\nChapel Green School,special_school,sld,primary,Broadland,\"1,060\"\n").unwrap();
    assert_eq!(ok[0].need, Need::Sld);
    assert_eq!(ok[0].places, 1060);
    assert!(
        parse_capacity(b"provider,need\nx,ASD\n").unwrap_err()[0]
            .1
            .contains("no kind, phase, district, places column")
    );
}

#[test]
fn ehcp_counts_name_every_bad_line() {
    let problems =
        parse_ehcp_counts(b"need,age,district,count\nASD,9,Norwich,40\nASD,forty,Norwich,x\n")
            .unwrap_err();
    assert_eq!(problems.len(), 2);
    assert!(problems[0].1.starts_with("Line 3: 'forty' is not an age"));
    assert_eq!(
        parse_ehcp_counts(b"need,age,district,count\nSEMH,12,Breckland,7\n").unwrap()[0].count,
        7
    );
}

#[test]
fn a_scenario_needs_a_name_and_sensible_rates() {
    let problems = ScenarioForm {
        intake: "500".into(),
        primary: "x".into(),
        ..ScenarioForm::default()
    }
    .parse()
    .unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "name",
            "intake",
            "primary",
            "secondary",
            "post16",
            "specialist_share"
        ]
    );
    let s = trend();
    assert!(
        (s.intake - 1.1).abs() < 1e-9
            && (s.post16 - 0.8).abs() < 1e-9
            && (s.specialist_share - 0.4).abs() < 1e-9
    );
}

#[test]
fn each_cohort_moves_up_an_age_a_year_at_its_phases_rate_and_leaves_after_18() {
    let counts = vec![
        EhcpCount {
            need: Need::Asd,
            age: 4,
            district: "Norwich".into(),
            count: 10,
        },
        EhcpCount {
            need: Need::Asd,
            age: 10,
            district: "Norwich".into(),
            count: 20,
        },
        EhcpCount {
            need: Need::Asd,
            age: 18,
            district: "Norwich".into(),
            count: 5,
        },
    ];
    let years = project(&counts, &trend(), 2);
    assert_eq!(years.len(), 3);
    let at = |y: usize, age: u8| {
        years[y]
            .get(&(Need::Asd, "Norwich".to_string(), age))
            .copied()
            .unwrap_or(0.0)
    };
    // Intake grows 10% a year; the age-4 cohort carries into 5 at the primary rate.
    assert!((at(1, 4) - 11.0).abs() < 1e-9);
    assert!((at(1, 5) - 10.0).abs() < 1e-9);
    // The age-10 cohort moves into secondary at 5%.
    assert!((at(1, 11) - 21.0).abs() < 1e-9);
    assert!((at(2, 12) - 22.05).abs() < 1e-9);
    // Those aged 18 leave.
    assert_eq!(at(1, 19), 0.0);
    assert_eq!(at(1, 18), 0.0);
}

#[test]
fn the_table_sets_the_scenarios_share_of_plans_against_special_places() {
    let counts = vec![EhcpCount {
        need: Need::Sld,
        age: 8,
        district: "Broadland".into(),
        count: 100,
    }];
    let places = parse_capacity(
        b"provider,kind,need,phase,district,places\n\
        Chapel Green School,special_school,SLD,primary,Broadland,30\n\
        Pupil referral unit,alternative_provision,SLD,primary,Broadland,50\n",
    )
    .unwrap();
    let years = project(&counts, &trend(), 0);
    let lines = sufficiency(&years[0], &places, &trend());
    assert_eq!(lines.len(), 1);
    assert_eq!(
        lines[0].places, 30,
        "alternative provision is not a specialist place"
    );
    assert!((lines[0].demand - 40.0).abs() < 1e-9);
    assert!((lines[0].gap() + 10.0).abs() < 1e-9);
}
