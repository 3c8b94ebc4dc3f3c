//! Operating the service (issue 20): backing it up while it runs, restoring it elsewhere, and
//! stopping it cleanly.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{GIAS, mns, text};

#[test]
fn a_backup_made_while_the_service_writes_restores_verified_and_only_with_its_keys() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    std::fs::create_dir(&live).unwrap();
    let csv = dir.path().join("gias.csv");
    std::fs::write(&csv, GIAS).unwrap();
    let csv = csv.to_str().unwrap().to_owned();
    let out = mns(&live, &["import", "schools", &csv], &[]);
    assert!(out.status.success(), "{:?}", text(&out));

    // Write load: audited imports one after another while the backups are taken.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, live, csv) = (stop.clone(), live.clone(), csv.clone());
        std::thread::spawn(move || {
            let mut writes = 0;
            while !stop.load(Ordering::Relaxed) {
                let out = mns(&live, &["import", "schools", &csv], &[]);
                assert!(out.status.success(), "{:?}", text(&out));
                writes += 1;
            }
            writes
        })
    };
    let backup = dir.path().join("mns.backup");
    let backup_arg = backup.to_str().unwrap();
    let out = mns(&live, &["backup", backup_arg], &[]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("Backed up"), "{stdout}");
    assert!(stdout.contains("does not hold the keys"), "{stdout}");
    let out = mns(&live, &["backup", backup_arg], &[]);
    let (_, stderr) = text(&out);
    assert!(!out.status.success(), "a backup never overwrites a file");
    assert!(stderr.contains("already exists"), "{stderr}");
    stop.store(true, Ordering::Relaxed);
    assert!(writer.join().unwrap() >= 1, "the backup ran under writes");
    assert!(
        !dir.path().join("mns.backup.partial").exists(),
        "no partial file is left"
    );

    // Elsewhere, without the keys: refused, and nothing is left behind.
    let fresh = dir.path().join("fresh");
    let out = mns(&fresh, &["restore", backup_arg], &[]);
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("does not have the keys the backup needs")
            && stderr.contains("MNS_AUDIT_KEYS")
            && stderr.contains("audit-keys"),
        "{stderr}"
    );
    assert!(!fresh.join("mns.sqlite").exists());
    assert!(!fresh.join("mns.sqlite.restoring").exists());

    // A different key with the same id is not the key.
    let other = "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let out = mns(
        &fresh,
        &["restore", backup_arg],
        &[("MNS_AUDIT_KEYS", other)],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("key 'k1' (fingerprint "), "{stderr}");

    // With the keys copied from where they are kept: restored and verified.
    for key_file in ["audit-keys", "document-keys"] {
        std::fs::copy(live.join(key_file), fresh.join(key_file)).unwrap();
    }
    let out = mns(&fresh, &["restore", backup_arg], &[]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("Restored"), "{stdout}");
    assert!(stdout.contains("The audit trail is intact"), "{stdout}");
    let out = mns(&fresh, &["audit", "verify"], &[]);
    assert!(out.status.success(), "{:?}", text(&out));
    let out = mns(&fresh, &["import", "schools", &csv], &[]);
    assert!(out.status.success(), "the restored service takes writes");

    // Never over a deployment, and never from a file that is not a backup.
    let out = mns(&fresh, &["restore", backup_arg], &[]);
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("already exists"), "{stderr}");
    let out = mns(&dir.path().join("third"), &["restore", &csv], &[]);
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("is not"), "{stderr}");
}

#[test]
fn postgresql_is_backed_up_with_its_own_tools() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.backup");
    let out = mns(
        dir.path(),
        &["backup", file.to_str().unwrap()],
        &[("MNS_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")],
    );
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("pg_dump"), "{stderr}");
}

#[test]
fn a_server_told_to_stop_finishes_and_exits_within_its_shutdown_timeout() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let (mut child, address) = serve(
        dir.path(),
        &[
            ("MNS_SHUTDOWN_TIMEOUT", "3"),
            ("RUST_LOG", "info"),
            ("MNS_LOG_FORMAT", "json"),
        ],
    );
    let mut answered = String::new();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: mns\r\nConnection: close\r\n\r\n")
        .unwrap();
    stream.read_to_string(&mut answered).unwrap();
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    // A client that never finishes its request does not hold the stop up past the timeout.
    let mut idle = std::net::TcpStream::connect(&address).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: mns\r\n")
        .unwrap();

    let asked = std::time::Instant::now();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            asked.elapsed() < std::time::Duration::from_secs(20),
            "the server did not stop"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "a requested stop is not a failure");
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(log.contains("\"stopping\""), "{log}");
    assert!(
        log.contains("\"stopped\"") || log.contains("shutdown timeout"),
        "{log}"
    );
    assert!(
        log.lines().all(|line| line.starts_with('{')),
        "JSON logs, one object a line: {log}"
    );
    drop(idle);
}

/// `mns serve` on `data_dir` at a free port, with `env`; returns the process and its address
/// once it listens. Its log is left in the pipe for the test to read.
fn serve(data_dir: &std::path::Path, env: &[(&str, &str)]) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_mns"));
    command
        .arg("serve")
        .env_remove("MNS_DATABASE_URL")
        .env("MNS_DATA_DIR", data_dir)
        .env("MNS_BIND", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let address = loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "the server says where it is"
        );
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().trim().to_owned();
        }
    };
    (child, address)
}

/// Issue 20: a view's response waits for its audit entry's commit (shared with the views
/// waiting beside it), so killing the server mid-load loses no view it answered.
#[test]
fn views_answered_before_the_server_is_killed_are_all_in_the_audit_trail() {
    use std::io::{Read, Write};
    use std::sync::atomic::AtomicUsize;
    let dir = tempfile::tempdir().unwrap();
    let out = mns(
        dir.path(),
        &[
            "user",
            "add",
            "coordinator@example.org",
            "--role",
            "coordinator",
        ],
        &[],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let out = mns(
        dir.path(),
        &["user", "token", "coordinator@example.org"],
        &[],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let token = text(&out).0.trim().to_owned();
    let (mut child, address) = serve(dir.path(), &[]);

    // Eight clients list pupils (an audited view) as fast as they are answered.
    let answered = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let (answered, address, token) = (answered.clone(), address.clone(), token.clone());
            std::thread::spawn(move || {
                loop {
                    let Ok(mut stream) = std::net::TcpStream::connect(&address) else {
                        return;
                    };
                    let request = format!(
                        "GET /api/v1/pupils HTTP/1.1\r\nHost: mns\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
                    );
                    let mut response = String::new();
                    if stream.write_all(request.as_bytes()).is_err()
                        || stream.read_to_string(&mut response).is_err()
                    {
                        return;
                    }
                    if !response.starts_with("HTTP/1.1 200") {
                        assert!(response.is_empty(), "{response}");
                        return;
                    }
                    answered.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    child.kill().unwrap(); // SIGKILL: no shutdown, no flushing.
    child.wait().unwrap();
    for client in clients {
        client.join().unwrap();
    }
    let answered = answered.load(Ordering::SeqCst);
    assert!(
        answered >= 20,
        "the server was under load: {answered} views"
    );

    let out = mns(dir.path(), &["audit", "verify"], &[]);
    assert!(out.status.success(), "{:?}", text(&out));
    let url = format!("sqlite://{}", dir.path().join("mns.sqlite").display());
    let recorded = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = mns_store::Store::connect(&url).await.unwrap();
        store
            .audit_for_record("pupil_list", "all", 10_000_000)
            .await
            .unwrap()
            .len()
    });
    assert!(
        recorded >= answered,
        "{answered} views were answered but only {recorded} are in the audit trail"
    );
}
