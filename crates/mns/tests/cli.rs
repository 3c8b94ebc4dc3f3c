//! The `mns` commands, run as a council's administrator would run them.

use std::path::Path;
use std::process::{Command, Output};

#[path = "cli/operations.rs"]
mod operations;

fn mns(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mns"));
    command
        .args(args)
        .env_remove("MNS_DATABASE_URL")
        .env("MNS_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("mns runs")
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const GIAS: &str = "URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),PhaseOfEducation (name),Town,Postcode\n\
121234,926,Norfolk,2001,Riverside Primary School,Community school,Open,Primary,Norwich,NR1 1AA\n\
121235,926,Norfolk,4001,Heath High School,Academy converter,Open,Secondary,Thetford,IP24 1AA\n";

#[test]
fn a_deployment_is_set_up_from_the_command_line_and_its_audit_trail_verified() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let csv = data.join("gias.csv");
    std::fs::write(&csv, GIAS).unwrap();

    let out = mns(data, &["migrate"], &[]);
    assert!(out.status.success(), "{:?}", text(&out));

    let out = mns(data, &["import", "schools", csv.to_str().unwrap()], &[]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("Imported 2 schools"), "{stdout}");

    let out = mns(
        data,
        &[
            "user",
            "add",
            "head@riverside.example",
            "--role",
            "school",
            "--school",
            "121234",
        ],
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("First password"), "{stdout}");

    let out = mns(
        data,
        &[
            "user",
            "add",
            "boss@council.example",
            "--role",
            "coordinator",
        ],
        &[],
    );
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains("One-time code key"),
        "staff get a TOTP key: {stdout}"
    );

    let out = mns(
        data,
        &["user", "add", "not-an-email", "--role", "headteacher"],
        &[],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("email: Enter an email address"), "{stderr}");
    assert!(
        stderr.contains("role: 'headteacher' is not a role"),
        "{stderr}"
    );

    let out = mns(data, &["user", "token", "head@riverside.example"], &[]);
    let (stdout, _) = text(&out);
    assert!(stdout.trim().starts_with("mns_"), "{stdout}");

    let out = mns(data, &["audit", "verify"], &[]);
    let (stdout, _) = text(&out);
    assert!(out.status.success());
    assert!(stdout.contains("The audit trail is intact"), "{stdout}");

    // Someone edits an entry directly in the database file.
    let url = format!("sqlite://{}?mode=rw", data.join("mns.sqlite").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = mns_store::Store::connect(&url).await.unwrap();
        store
            .tamper_with_audit_entry_for_test(2, "nothing.happened")
            .await
            .unwrap();
        store.close().await;
    });
    let out = mns(data, &["audit", "verify"], &[]);
    let (_, stderr) = text(&out);
    assert!(!out.status.success(), "a tampered trail fails the command");
    assert!(
        stderr.contains("audit entry 2 has been altered"),
        "{stderr}"
    );
}

/// Someone with write access to the database (but not the audit key or the checkpoint file)
/// edits an entry and recomputes every later hash and the head, as the unkeyed chain allowed;
/// or cuts off the newest entries and rewinds the head. `mns audit verify` fails both.
#[test]
fn mn_rec_1_a_chain_rewritten_with_only_the_database_fails_verification() {
    for attack in ["rehash", "cut_tail"] {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path();
        let csv = data.join("gias.csv");
        std::fs::write(&csv, GIAS).unwrap();
        assert!(
            mns(data, &["import", "schools", csv.to_str().unwrap()], &[])
                .status
                .success()
        );
        for n in 0..3 {
            let email = format!("user{n}@riverside.example");
            let out = mns(
                data,
                &[
                    "user", "add", &email, "--role", "school", "--school", "121234",
                ],
                &[],
            );
            assert!(out.status.success(), "{:?}", text(&out));
        }
        let out = mns(data, &["audit", "checkpoint"], &[]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{stderr}");
        assert!(stdout.contains("Checkpoint written"), "{stdout}");
        let checkpoints = std::fs::read_to_string(data.join("audit-checkpoints")).unwrap();
        assert_eq!(checkpoints.lines().count(), 1, "{checkpoints}");
        let out = mns(data, &["audit", "verify"], &[]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{stderr}");
        assert!(stdout.contains("1 checkpoints matched"), "{stdout}");

        let url = format!("sqlite://{}?mode=rw", data.join("mns.sqlite").display());
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let store = mns_store::Store::connect(&url).await.unwrap();
            match attack {
                "rehash" => store
                    .rewrite_audit_chain_for_test(2, "nothing.happened", |e| e.unkeyed_hash())
                    .await
                    .unwrap(),
                _ => store.cut_audit_tail_for_test(2).await.unwrap(),
            }
            store.close().await;
        });
        let out = mns(data, &["audit", "verify"], &[]);
        let (_, stderr) = text(&out);
        assert!(!out.status.success(), "{attack}: a rewritten trail fails");
        let expected = match attack {
            "rehash" => "audit entry 2 has been altered",
            _ => "records 4 entries but the trail now ends at entry 2",
        };
        assert!(stderr.contains(expected), "{attack}: {stderr}");
    }
}

/// The data directory, the database and the key files are the owner's alone, whatever the
/// umask the service is started with.
#[cfg(unix)]
#[test]
fn data_files_are_owner_only_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A permissive umask, as a misconfigured service account might have.
    for args in [
        "migrate",
        "user add a@b.example --role coordinator",
        "audit checkpoint",
    ] {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("umask 000 && exec \"$0\" {args}"))
            .arg(env!("CARGO_BIN_EXE_mns"))
            .env_remove("MNS_DATABASE_URL")
            .env("MNS_DATA_DIR", &data)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args}: {:?}", text(&out));
    }
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the data directory");
    for file in ["mns.sqlite", "audit-keys", "audit-checkpoints"] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
    for side in ["mns.sqlite-wal", "mns.sqlite-shm"] {
        let path = data.join(side);
        if path.exists() {
            assert_eq!(mode(&path) & 0o077, 0, "{side}");
        }
    }
}

#[test]
fn a_bad_schools_file_names_the_line_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("gias.csv");
    std::fs::write(&csv, format!("{GIAS}12X,926,Norfolk,1,Bad,,Open,,,\n")).unwrap();
    let out = mns(
        dir.path(),
        &["import", "schools", csv.to_str().unwrap()],
        &[],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("Line 4, column URN"), "{stderr}");
    let out = mns(dir.path(), &["check-config"], &[]);
    assert!(out.status.success(), "{:?}", text(&out));
    // Nothing was half-imported: a follow-up good import reports only its own schools.
    std::fs::write(&csv, GIAS).unwrap();
    let out = mns(
        dir.path(),
        &["import", "schools", csv.to_str().unwrap()],
        &[],
    );
    assert!(text(&out).0.contains("Imported 2 schools"));
}

#[test]
fn check_config_never_prints_the_database_password() {
    let dir = tempfile::tempdir().unwrap();
    let out = mns(
        dir.path(),
        &["check-config"],
        &[(
            "MNS_DATABASE_URL",
            "postgres://mns:hunter2-secret@127.0.0.1:1/mns",
        )],
    );
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "nothing listens on port 1");
    assert!(
        stdout.contains("postgres://mns:***@127.0.0.1:1/mns"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("hunter2") && !stderr.contains("hunter2"),
        "{stdout}\n{stderr}"
    );
}

#[test]
fn an_unsupported_database_url_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = mns(
        dir.path(),
        &["migrate"],
        &[("MNS_DATABASE_URL", "mysql://root@localhost/mns")],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("MNS_DATABASE_URL must start with postgres://"),
        "{stderr}"
    );
}

#[test]
fn term_dates_and_bank_holidays_are_data_the_council_imports() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("calendar.json");
    std::fs::write(
        &file,
        r#"{"name": "Norfolk 2027/28", "provisional": true, "terms": [
            {"name": "Autumn", "start": "2027-09-02", "end": "2027-12-17", "half_term_start": "2027-10-25", "half_term_end": "2027-10-29"},
            {"name": "Spring", "start": "2028-01-04", "end": "2028-03-31"}]}"#,
    )
    .unwrap();
    let out = mns(
        dir.path(),
        &["import", "calendar", file.to_str().unwrap()],
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("Saved the term calendar 'Norfolk 2027/28' (2 terms)"),
        "{stdout}"
    );

    std::fs::write(&file, r#"{"name": "Bad", "terms": [{"name": "Autumn", "start": "2027-12-17", "end": "2027-09-02"}]}"#).unwrap();
    let out = mns(
        dir.path(),
        &["import", "calendar", file.to_str().unwrap()],
        &[],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("Term 'Autumn' ends before it starts"),
        "{stderr}"
    );

    let holidays = dir.path().join("holidays.json");
    std::fs::write(&holidays, r#"["2028-01-03", "2028-04-14"]"#).unwrap();
    let out = mns(
        dir.path(),
        &["import", "bank-holidays", holidays.to_str().unwrap()],
        &[],
    );
    assert!(
        text(&out).0.contains("Saved 2 bank holidays"),
        "{:?}",
        text(&out)
    );
}

#[test]
fn mn_abs_1_attendance_summarise_prints_each_pupils_figures_and_the_codes_it_did_not_know() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/attendance-long.csv"
    );
    let out = mns(dir.path(), &["attendance", "summarise", fixture], &[]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let ill = &json["pupils"][0];
    assert_eq!(ill["pupil"], "C926123426001");
    // 13 October to 14 November 2025, across October half term: one run of 19 school days.
    assert_eq!(ill["health_days"], 19.0);
    assert_eq!(ill["longest_health_run_days"], 19.0);
    assert_eq!(ill["medical_appointment_sessions"], 1);
    assert_eq!(json["unknown_codes"][0]["code"], "ZZ");
    assert_eq!(json["retired_codes"][0]["code"], "H");
    assert_eq!(json["school_year"], "2025/26");

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "UPN,Date,Session,Mark\nC926123426001,31/02/2025,AM,I\n",
    )
    .unwrap();
    let out = mns(
        dir.path(),
        &["attendance", "summarise", bad.to_str().unwrap()],
        &[],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("line 2, column Date: '31/02/2025' is not a date"),
        "{stderr}"
    );
    assert!(!stderr.contains("backtrace"), "{stderr}");
}

#[test]
fn referral_check_evaluates_every_rule_without_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../mns-domain/src/referral/example.json"
    );
    let out = mns(
        dir.path(),
        &["referral", "check", example, "--today", "2026-11-22"],
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout
            .trim_start()
            .starts_with("{\n  \"checks\": [\n    {\n      \"rule\""),
        "{stdout}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let checks = json["checks"].as_array().unwrap();
    assert_eq!(
        checks.len(),
        29,
        "one check per applicable rule family member, always"
    );
    let ev2 = checks.iter().find(|c| c["rule"] == "MN-EV-2").unwrap();
    assert_eq!(ev2["outcome"], "pass", "{ev2}");
    assert!(
        !dir.path().join("mns.sqlite").exists(),
        "no database was made"
    );

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"pupil": {"frist_name": "x"}}"#).unwrap();
    let out = mns(
        dir.path(),
        &["referral", "check", bad.to_str().unwrap()],
        &[],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("unknown field `frist_name`"), "{stderr}");
}

#[test]
fn policy_parameters_are_versioned_configuration_read_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("policy.json");
    let mut policy =
        serde_json::to_value(mns_domain::referral::PolicyParameters::norfolk_2024()).unwrap();
    policy["version"] = "norfolk-2027-redesign".into();
    policy["absence_threshold_days"] = 10.into();
    std::fs::write(&file, policy.to_string()).unwrap();
    let out = mns(
        dir.path(),
        &["check-config", "--policy-file", file.to_str().unwrap()],
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("policy: version norfolk-2027-redesign"),
        "{stdout}"
    );

    // `referral check` needs no database, and reads the same policy file.
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../mns-domain/src/referral/example.json"
    );
    let out = mns(
        dir.path(),
        &["referral", "check", example, "--today", "2026-11-22"],
        &[("MNS_POLICY_FILE", file.to_str().unwrap())],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("meets the threshold of 10 days"),
        "{stdout}"
    );
    assert!(!stdout.contains("threshold of 15 days"), "{stdout}");

    std::fs::write(&file, r#"{"version": "x"}"#).unwrap();
    let out = mns(
        dir.path(),
        &["check-config", "--policy-file", file.to_str().unwrap()],
        &[],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("is not valid: missing field"), "{stderr}");
}

#[test]
fn a_council_moves_its_directory_in_from_csv_and_oruk_json_and_loads_postcodes() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mns-domain/tests/fixtures");
    let good = fixtures.join("directory_import_good.csv");
    let bad = fixtures.join("directory_import_bad.csv");
    // A bad file names each line and column and imports nothing.
    let out = mns(
        dir.path(),
        &["import", "directory", bad.to_str().unwrap()],
        &[],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("line "), "{stderr}");
    // Asked to, it leaves the bad lines out, names each, and imports the good ones.
    let out = mns(
        dir.path(),
        &["import", "directory", "--skip-bad", bad.to_str().unwrap()],
        &[],
    );
    let (stdout, _) = text(&out);
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(stdout.contains("Left out line "), "{stdout}");
    let out = mns(
        dir.path(),
        &["import", "directory", good.to_str().unwrap()],
        &[],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out).0.contains("Imported 3 services"),
        "{:?}",
        text(&out)
    );
    // The standard's own example service imports. Its location is at latitude 100, so that
    // place is left out and the output says so; its ages (12 to 100) are kept.
    let example = fixtures.join("oruk-3.0/example_service_full.json");
    let out = mns(
        dir.path(),
        &["import", "directory", example.to_str().unwrap()],
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("Imported 1 services"), "{stdout}");
    assert!(
        stdout.contains(
            "Kept in part: Community Counselling (ac148810-d857-441c-9679-408f346de14b): \
             service_at_locations/0: the location's latitude and longitude (100, 101) are not on \
             Earth"
        ),
        "{stdout}"
    );
    // Another directory's live feed is read over HTTPS only (the conformance script reads the
    // demo's feed this way); nothing named is refused by the command line itself.
    let out = mns(
        dir.path(),
        &[
            "import",
            "directory",
            "--from",
            "http://directory.example.org/api",
        ],
        &[],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("The feed's address must start with https://"),
        "{stderr}"
    );
    let out = mns(dir.path(), &["import", "directory"], &[]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("--from"), "{:?}", text(&out));
    let postcodes = dir.path().join("onspd.csv");
    std::fs::write(
        &postcodes,
        "pcd,pcds,lat,long\nNR2 1AA,NR2 1AA,52.6301,1.2901\nZZ99 9ZZ,ZZ99 9ZZ,99.999999,0.000000\n",
    )
    .unwrap();
    let out = mns(
        dir.path(),
        &["import", "postcodes", postcodes.to_str().unwrap()],
        &[],
    );
    assert!(
        text(&out).0.contains("Imported 1 postcodes"),
        "{:?}",
        text(&out)
    );
    // A provider's account is given an imported organisation's entries; a user who is not a
    // provider, and an organisation not in the directory, are refused by name.
    let out = mns(
        dir.path(),
        &["user", "add", "swim@provider.example", "--role", "provider"],
        &[],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let out = mns(
        dir.path(),
        &[
            "directory",
            "link-provider",
            "swim@provider.example",
            "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
        ],
        &[],
    );
    assert!(
        text(&out).0.contains("now looks after the entries"),
        "{:?}",
        text(&out)
    );
    let out = mns(
        dir.path(),
        &[
            "directory",
            "link-provider",
            "swim@provider.example",
            "no-such-organisation",
        ],
        &[],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).1.contains("No organisation in the directory"),
        "{:?}",
        text(&out)
    );
    let out = mns(
        dir.path(),
        &[
            "directory",
            "link-provider",
            "nobody@example.org",
            "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
        ],
        &[],
    );
    assert!(
        text(&out).1.contains("No user has the email address"),
        "{:?}",
        text(&out)
    );
    let out = mns(dir.path(), &["directory", "remind"], &[]);
    assert!(
        text(&out).0.contains("Reminded the owners of"),
        "{:?}",
        text(&out)
    );
}

#[test]
fn a_council_gives_a_parent_access_to_a_child_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(mns(data, &["migrate"], &[]).status.success());
    let out = mns(
        data,
        &["user", "add", "parent@family.example", "--role", "parent"],
        &[],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    // A pupil comes from a referral; here it is written straight into the database.
    let url = format!("sqlite://{}?mode=rw", data.join("mns.sqlite").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = mns_store::Store::connect(&url).await.unwrap();
        let now = chrono::Utc::now();
        let mut tx = store.begin().await.unwrap();
        tx.insert_pupil(&mns_store::PupilRecord {
            id: "pupil-1".into(),
            upn: Some("K926200125001".into()),
            given_name: "Test".into(),
            family_name: "Child".into(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(2014, 5, 1).unwrap(),
            school_urn: None,
            created_at: now,
            updated_at: now,
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
        store.close().await;
    });

    let link = |email: &str, upn: &str, kind: &str| {
        mns(
            data,
            &[
                "user",
                "link",
                email,
                "--pupil",
                upn,
                "--as",
                kind,
                "--reason",
                "Court letter",
            ],
            &[],
        )
    };
    let out = link("parent@family.example", "K926200125001", "parent");
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("parent@family.example can now see"),
        "{stdout}"
    );

    // The wrong kind for the account, and an unknown pupil, are named and change nothing.
    let out = link("parent@family.example", "K926200125001", "provider");
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("not one for a provider"), "{stderr}");
    let out = link("parent@family.example", "B926200125001", "parent");
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("pupil:"), "{stderr}");

    // Someone with no account is sent an invitation to create one.
    let out = link("carer@family.example", "K926200125001", "parent");
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("No one has an account with carer@family.example")
            && stdout.contains("invitation"),
        "{stdout}"
    );

    let out = mns(data, &["audit", "verify"], &[]);
    assert!(out.status.success(), "{:?}", text(&out));
}

/// Issue 15: a council configures an OpenID Connect provider in the environment; a broken
/// configuration is named, `check-config` fails for a provider that does not answer without
/// printing its secret, and `user connect` queues the email with the link that connects a user's
/// account (its content is tested in the web suite).
#[test]
fn oidc_providers_are_configured_checked_and_users_sent_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let env = [
        ("MNS_OIDC_PROVIDERS", "entra"),
        // Nothing listens on port 9: discovery fails.
        ("MNS_OIDC_ENTRA_ISSUER", "http://127.0.0.1:9/tenant-1/v2.0"),
        ("MNS_OIDC_ENTRA_CLIENT_ID", "mns"),
        ("MNS_OIDC_ENTRA_CLIENT_SECRET", "the-client-secret"),
        ("MNS_OIDC_ENTRA_ROLES", "coordinator,caseworker"),
        ("MNS_OIDC_ENTRA_TENANT_ID", "tenant-1"),
    ];
    let out = mns(data, &["check-config"], &env[..5]);
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("MNS_OIDC_ENTRA_TENANT_ID is needed"),
        "{stderr}"
    );
    assert!(!stdout.contains("the-client-secret"));

    let out = mns(data, &["check-config"], &env);
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "redirect URI to register: http://127.0.0.1:8080/sign-in/oidc/entra/callback"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("provider entra: discovery failed"),
        "{stdout}"
    );
    assert!(stderr.contains("not usable: entra"), "{stderr}");
    assert!(!(stdout.clone() + &stderr).contains("the-client-secret"));

    let out = mns(
        data,
        &["user", "add", "sam@council.example", "--role", "caseworker"],
        &env,
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let out = mns(
        data,
        &[
            "user",
            "connect",
            "sam@council.example",
            "--provider",
            "entra",
        ],
        &env,
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("it works once, for 7 days"), "{stdout}");
    let out = mns(
        data,
        &[
            "user",
            "connect",
            "nobody@council.example",
            "--provider",
            "entra",
        ],
        &env,
    );
    assert!(!out.status.success());
    assert!(text(&out).1.contains("No account has the email address"));
}

/// A county file (issue 16): school 121234's pupil ill for six days running, and school
/// 121235's rows with a code that does not exist.
fn county_file() -> String {
    let upn = |n: u32| {
        mns_domain::identifiers::Upn::with_check_letter(&format!("9262000250{n:02}"))
            .unwrap()
            .as_str()
            .to_owned()
    };
    let mut text = String::from("URN,UPN,Date,Session,Mark\r\n");
    let days = [
        "2025-09-03",
        "2025-09-04",
        "2025-09-05",
        "2025-09-08",
        "2025-09-09",
        "2025-09-10",
        "2025-09-11",
    ];
    for (i, day) in days.iter().enumerate() {
        let mark = if i < 6 { "I" } else { "/" };
        text.push_str(&format!(
            "121234,{},{day},AM,{mark}\r\n121234,{},{day},PM,{mark}\r\n",
            upn(1),
            upn(1)
        ));
        text.push_str(&format!("121235,{},{day},AM,/\r\n", upn(2)));
    }
    text.push_str(&format!("121235,{},2025-09-12,AM,Q9\r\n", upn(2)));
    text
}

#[test]
fn attendance_scan_and_import_read_the_county_and_refuse_only_the_bad_school() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let county = data.join("county.csv");
    std::fs::write(&county, county_file()).unwrap();
    let county = county.to_str().unwrap();

    let out = mns(
        data,
        &["attendance", "scan", "--today", "2025-09-12", county],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "some schools refused: {:?}",
        text(&out)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = report["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"MN-ABS-3") && rules.contains(&"EI-RUN"),
        "{rules:?}"
    );
    assert_eq!(report["read"][0]["school"], "121234");
    assert_eq!(report["refused"][0]["school"], "121235");
    assert_eq!(
        report["refused"][0]["problems"][0]["message"],
        "'Q9' is not an attendance code of the 2024 regulations"
    );
    assert_eq!(report["refused"][0]["problems"][0]["line"], 23);

    // Import: the schools list first, then the county; the bad school's rows are not kept.
    let gias = data.join("gias.csv");
    std::fs::write(&gias, GIAS).unwrap();
    let out = mns(data, &["import", "schools", gias.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{:?}", text(&out));
    let out = mns(
        data,
        &[
            "attendance",
            "import",
            "--today",
            "2025-09-12",
            "--stats",
            county,
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(3), "{:?}", text(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["imported"][0]["school"], "121234");
    assert!(summary["imported"][0]["opened"].as_u64().unwrap() >= 2);
    assert_eq!(summary["refused"][0]["school"], "121235");
    let (_, stderr) = text(&out);
    let stats: serde_json::Value =
        serde_json::from_str(stderr.trim().lines().last().unwrap()).unwrap();
    assert_eq!(stats["rows"], 22);
    // Again: nothing new opens.
    let out = mns(
        data,
        &["attendance", "import", "--today", "2025-09-12", county],
        &[],
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["imported"][0]["opened"], 0);
}

#[test]
fn attendance_scan_and_import_read_a_folder_of_schools_exports_and_refuse_only_the_bad_file() {
    let upn = |n: u32| {
        mns_domain::identifiers::Upn::with_check_letter(&format!("9262000250{n:02}"))
            .unwrap()
            .as_str()
            .to_owned()
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let folder = data.join("exports");
    std::fs::create_dir_all(folder.join("last-year")).unwrap();
    // 121234 (named by its file) wide by week: ill from Wednesday 3 to Wednesday 10 September.
    let header =
        "UPN,Week beginning,Mon AM,Mon PM,Tue AM,Tue PM,Wed AM,Wed PM,Thu AM,Thu PM,Fri AM,Fri PM";
    let wide = format!(
        "{header}\n{u},2025-09-01,,,,,I,I,I,I,I,I\n{u},2025-09-08,I,I,I,I,I,I,/,\\,,\n",
        u = upn(1)
    );
    std::fs::write(folder.join("121234-sims.csv"), wide).unwrap();
    // 121235 long, with a URN column (so any file name will do).
    let long = format!(
        "URN,UPN,Date,Session,Mark\r\n121235,{u},2025-09-03,AM,/\r\n121235,{u},2025-09-03,PM,\\\r\n",
        u = upn(2)
    );
    std::fs::write(folder.join("arbor-export.csv"), long).unwrap();
    // No URN anywhere: refused.
    let unnamed = format!("UPN,Date,Session,Mark\n{},2025-09-03,AM,/\n", upn(3));
    std::fs::write(folder.join("export.csv"), unnamed).unwrap();
    // Neither a sub-folder's files nor other files are read.
    std::fs::write(
        folder.join("last-year").join("121299.csv"),
        "not,a\nschool,export\n",
    )
    .unwrap();
    std::fs::write(folder.join("notes.txt"), "sent on Friday").unwrap();
    let folder = folder.to_str().unwrap();

    let out = mns(
        data,
        &["attendance", "scan", "--today", "2025-09-12", folder],
        &[],
    );
    assert_eq!(out.status.code(), Some(3), "{:?}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let read: Vec<&str> = report["read"]
        .as_array()
        .unwrap()
        .iter()
        .map(|school| school["school"].as_str().unwrap())
        .collect();
    assert_eq!(read, ["121234", "121235"], "files in name order");
    let rules: Vec<&str> = report["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["school"] == "121234")
        .map(|a| a["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"MN-ABS-3"), "{rules:?}");
    let refused = report["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0]["file"].as_str().unwrap().ends_with("export.csv")
            && !refused[0]["file"]
                .as_str()
                .unwrap()
                .ends_with("arbor-export.csv"),
        "{refused:?}"
    );
    assert!(
        refused[0]["problems"][0]["message"]
            .as_str()
            .unwrap()
            .ends_with("name the file by its school's URN, e.g. 121234-sims.csv"),
        "{refused:?}"
    );

    // Import: each good school's figures come from its own file.
    let gias = data.join("gias.csv");
    std::fs::write(&gias, GIAS).unwrap();
    let out = mns(data, &["import", "schools", gias.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{:?}", text(&out));
    let out = mns(
        data,
        &["attendance", "import", "--today", "2025-09-12", folder],
        &[],
    );
    assert_eq!(out.status.code(), Some(3), "{:?}", text(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let imported: Vec<&str> = summary["imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|school| school["school"].as_str().unwrap())
        .collect();
    assert_eq!(imported, ["121234", "121235"]);
    assert_eq!(summary["refused"].as_array().unwrap().len(), 1);
}
