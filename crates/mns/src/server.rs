//! `mns serve` and `mns demo`: the web server, the background worker beside it, and a
//! graceful stop (issue 20): on SIGTERM or Ctrl+C the server stops accepting, lets requests in
//! flight finish and the worker finish its claim, then closes the database, all within
//! `MNS_SHUTDOWN_TIMEOUT`.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result};
use mns_app::App;
use mns_app::outbox::Delivery;

use crate::config::Config;

pub async fn serve(
    app: App,
    config: &Config,
    sign_ins: Vec<mns_app::demo::DemoSignIn>,
) -> Result<()> {
    let delivery = match &config.smtp_url {
        Some(url) => Delivery::smtp(url.expose()).map_err(anyhow::Error::msg)?,
        None => Delivery::Files(config.data_dir.join("outbox")),
    };
    let listener = tokio::net::TcpListener::bind(&config.bind)
        .await
        .with_context(|| format!("could not listen on {}", config.bind))?;
    let address = listener.local_addr()?;
    // Without MNS_PUBLIC_URL the service's links are made from where it listens: from the port
    // it was given, when it asked for any free one (port 0), so that its links (the ORUK API's
    // `openapi_url`, email links) reach it.
    let mut app = app;
    if !config.public_url_given && config.bind.ends_with(":0") {
        let mut settings = (*app.settings).clone();
        settings.public_url = format!("http://{address}");
        app.settings = Arc::new(settings);
    }
    let mut state = mns_web::AppState::new(app.clone(), config.https());
    state.logo = config.logo()?.map(Arc::new);
    state.trusted_proxies = Arc::new(config.trusted_proxies.clone());
    state.metrics_token = config.metrics_token.as_ref().map(|t| Arc::from(t.expose()));
    if !sign_ins.is_empty() {
        println!("Demo data is in {}.", config.data_dir.display());
        println!(
            "Sign in with any of these; the password is {}:",
            mns_app::demo::DEMO_PASSWORD
        );
        for s in &sign_ins {
            println!(
                "  {:<28} {}{}",
                s.email,
                s.role,
                if s.needs_code {
                    " (the sign-in page shows the one-time code)"
                } else {
                    ""
                }
            );
        }
        println!(
            "Emails are written to {}.",
            config.data_dir.join("outbox").display()
        );
    }
    state.demo_sign_ins = Arc::new(sign_ins);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker_app = app.clone();
    let worker_name = format!("{}-{}", hostname(), std::process::id());
    let worker = tokio::spawn(async move {
        let mut stop = stop_rx;
        worker_app
            .run_worker(delivery, worker_name, async move {
                let _ = stop.changed().await;
            })
            .await;
    });
    // The directory's search index loads while the server starts; a search that comes first
    // waits for it.
    let index_app = app.clone();
    tokio::spawn(async move {
        if let Err(error) = index_app.warm_directory_index().await {
            tracing::error!(%error, "could not load the directory search index");
        }
    });
    println!("Serving the Medical Needs Service at http://{address}/ (Ctrl+C stops it)");
    tracing::info!(%address, database = app.backend().name(), "serving");
    let (stopping_tx, mut stopping) = tokio::sync::watch::channel(false);
    let server = axum::serve(
        listener,
        mns_web::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        let _ = stopping_tx.send(true);
    });
    // After the signal, everything has `MNS_SHUTDOWN_TIMEOUT` to finish; then it is cut off.
    let limit = config.shutdown_timeout;
    let deadline = async move {
        let _ = stopping.wait_for(|stopping| *stopping).await;
        tokio::time::sleep(limit).await;
    };
    let stopped_in_time = async {
        server.await.context("the server stopped with an error")?;
        let _ = stop_tx.send(true);
        let _ = worker.await;
        app.close().await;
        anyhow::Ok(())
    };
    tokio::select! {
        result = stopped_in_time => {
            result?;
            tracing::info!("stopped");
        }
        () = deadline => {
            tracing::warn!(
                seconds = limit.as_secs(),
                "requests or email delivery still running at the shutdown timeout: stopping anyway"
            );
        }
    }
    Ok(())
}

fn hostname() -> String {
    std::env::var("HOSTNAME").unwrap_or_else(|_| "mns".into())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("stopping");
}
