//! The ORUK API as HTTP readers and the ORUK validators use it (issue 18): trailing slashes,
//! page sizes past the most, CORS preflight, caching by `ETag`, and gzip.

use crate::support::TestApp;
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use mns_store::testing::backends;
use tower::ServiceExt;

async fn raw(
    app: &TestApp,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = app.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, headers, bytes.to_vec())
}

fn get(path: &str) -> axum::http::request::Builder {
    Request::get(path)
}

#[tokio::test]
async fn the_api_answers_with_a_trailing_slash_clamps_pages_and_answers_preflight() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let mut client = app.client();
        let plain = client.get("/api/oruk/services").await;
        let slashed = client.get("/api/oruk/services/").await;
        assert_eq!(slashed.status, StatusCode::OK, "{backend:?}");
        assert_eq!(slashed.body, plain.body, "the same list");
        let id = plain.json()["contents"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let one = client.get(&format!("/api/oruk/services/{id}/")).await;
        assert_eq!(one.status, StatusCode::OK);
        assert_eq!(one.json()["id"], id.as_str());
        assert_eq!(
            client.get("/api/oruk/taxonomies/").await.status,
            StatusCode::OK
        );

        // More than the most per page (1,000): clamped, and the envelope says what was
        // returned. The demo's directory is smaller, so that is all of it.
        let all = client.get("/api/oruk/services?per_page=100000").await;
        assert_eq!(all.status, StatusCode::OK, "{}", all.body);
        let page = all.json();
        let total = page["total_items"].as_u64().unwrap();
        let size = page["contents"].as_array().unwrap().len() as u64;
        assert_eq!(page["size"].as_u64(), Some(size));
        assert_eq!(size, total.min(1000));
        assert_eq!(page["total_pages"].as_u64(), Some(total.div_ceil(1000)));
        // A bulk reader that asks once, with no paging (DfE's importer), gets every service.
        let plain = client.get("/api/oruk/services").await.json();
        assert!(total > 200, "{total}");
        assert_eq!(plain["size"].as_u64(), Some(total));
        assert_eq!(plain["last_page"], true);

        // A browser's preflight from another site.
        let (status, headers, body) = raw(
            &app,
            Request::builder()
                .method(Method::OPTIONS)
                .uri("/api/oruk/services")
                .header(header::ORIGIN, "https://find-support.example")
                .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
                .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "accept")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert!(body.is_empty());
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert!(
            headers[header::ACCESS_CONTROL_ALLOW_METHODS]
                .to_str()
                .unwrap()
                .contains("GET")
        );
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_HEADERS], "accept");
    }
}

#[tokio::test]
async fn the_api_is_cached_by_etag_and_gzipped_and_pages_are_not() {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    let (status, headers, plain) =
        raw(&app, get("/api/oruk/services").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let tag = headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(tag.starts_with("W/\""), "{tag}");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=60");
    assert!(
        headers.get(header::CONTENT_ENCODING).is_none(),
        "not asked for"
    );

    // Asked again with the tag: nothing to send.
    let (status, headers, body) = raw(
        &app,
        get("/api/oruk/services")
            .header(header::IF_NONE_MATCH, &tag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(headers[header::ETAG], tag.as_str());
    // Another list has another tag.
    let (_, headers, _) = raw(
        &app,
        get("/api/oruk/services?page=2&per_page=1")
            .header(header::IF_NONE_MATCH, &tag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_ne!(headers[header::ETAG], tag.as_str());

    // Gzipped for a reader that takes it; the same JSON once unpacked.
    let (status, headers, packed) = raw(
        &app,
        get("/api/oruk/services")
            .header(header::ACCEPT_ENCODING, "br;q=1.0, gzip;q=0.8")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(headers[header::VARY], "Accept-Encoding");
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&packed[..]),
        &mut unpacked,
    )
    .unwrap();
    assert_eq!(unpacked, plain);
    assert!(
        packed.len() * 3 < plain.len(),
        "{} of {}",
        packed.len(),
        plain.len()
    );
    let (_, headers, _) = raw(
        &app,
        get("/api/oruk/services")
            .header(header::ACCEPT_ENCODING, "gzip;q=0")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none(), "refused");

    // Pages are never compressed or cached this way (they carry CSRF tokens).
    let (_, headers, _) = raw(
        &app,
        get("/local-offer")
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert!(headers.get(header::ETAG).is_none());
}

/// A value each advertised parameter accepts.
fn example(parameter: &str) -> &'static str {
    match parameter {
        "search" => "club",
        "page" | "per_page" => "1",
        "minimum_age" | "maximum_age" | "age" => "9",
        "day" => "SA",
        "start_time" => "09:00",
        "end_time" => "12:00",
        "postcode" => "NR2 1AA",
        // Distance is from a postcode.
        "proximity" => "5000&postcode=NR2+1AA",
        "need" => "autism",
        "modified_after" => "2020-01-01T00:00:00Z",
        "full" | "full_service" | "free" | "local_offer" | "top_only" => "true",
        _ => "00000000-0000-4000-8000-000000000000",
    }
}

#[tokio::test]
async fn the_openapi_document_advertises_only_what_the_api_does() {
    let app = TestApp::spawn(mns_store::Backend::Sqlite).await;
    let mut client = app.client();
    let openapi = client.get("/api/oruk/openapi.json").await.json();
    let text = openapi.to_string();
    for unbuilt in [
        "components/parameters/format",
        "components/parameters/minimal",
    ] {
        assert!(!text.contains(unbuilt), "{unbuilt} is advertised");
    }
    let resolve = |p: &serde_json::Value| -> String {
        match p["$ref"].as_str() {
            Some(r) => {
                let name = r.rsplit('/').next().unwrap();
                openapi["components"]["parameters"][name]["name"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
            None => p["name"].as_str().unwrap().to_owned(),
        }
    };
    let mut checked = 0;
    for (path, operations) in openapi["paths"].as_object().unwrap() {
        let Some(parameters) = operations["get"]["parameters"].as_array() else {
            continue;
        };
        let organizations = client.get("/api/oruk/organizations").await.json();
        let concrete = path.replace("{id}", organizations["contents"][0]["id"].as_str().unwrap());
        for parameter in parameters {
            let name = resolve(parameter);
            let url = format!(
                "/api/oruk{concrete}?{name}={}",
                example(&name).replace(' ', "+")
            );
            let response = client.get(&url).await;
            assert_eq!(response.status, StatusCode::OK, "{url}: {}", response.body);
            checked += 1;
        }
    }
    assert!(checked > 30, "{checked} parameters checked");

    // `search` narrows the taxonomies as it does the terms.
    let all = client.get("/api/oruk/taxonomies").await.json();
    let first = all["contents"][0]["name"].as_str().unwrap().to_owned();
    let found = client
        .get(&format!(
            "/api/oruk/taxonomies?search={}",
            first.replace(' ', "+")
        ))
        .await
        .json();
    assert!(found["total_items"].as_u64().unwrap() >= 1);
    assert!(found["total_items"].as_u64() <= all["total_items"].as_u64());
    let none = client
        .get("/api/oruk/taxonomies?search=zzzz-nothing")
        .await
        .json();
    assert_eq!(none["total_items"], 0);
}

/// Every service of the demo directory's full feed, imported into an empty directory the way a
/// council reads another's (`mns import directory` on each `/services?full=true` page), comes
/// back out of the new directory's API the same, field by field.
#[tokio::test]
async fn the_full_feed_imported_into_an_empty_directory_comes_back_the_same() {
    use serde_json::Value;
    for backend in backends() {
        let source = TestApp::spawn(backend).await;
        let target = TestApp::spawn_empty(backend).await;
        let actor = mns_app::system_actor("test");
        let mut client = source.client();
        let mut ids = Vec::new();
        let mut page = 1;
        loop {
            let got = client
                .get(&format!(
                    "/api/oruk/services?full=true&per_page=200&page={page}"
                ))
                .await;
            assert_eq!(got.status, StatusCode::OK, "{backend:?} page {page}");
            let json = got.json();
            for item in json["contents"].as_array().unwrap() {
                ids.push(item["id"].as_str().unwrap().to_owned());
            }
            let done = target
                .app
                .import_directory_file(&actor, "page.json", got.body.as_bytes(), false)
                .await
                .unwrap_or_else(|e| panic!("{backend:?} page {page}: {e}"));
            assert_eq!(done.notes, Vec::<String>::new(), "{backend:?} page {page}");
            if json["last_page"] == Value::Bool(true) {
                break;
            }
            page += 1;
        }
        assert!(ids.len() > 200, "{backend:?}: {} services", ids.len());
        let mut from = source.client();
        let mut to = target.client();
        let mut differences = Vec::new();
        for id in &ids {
            let path = format!("/api/oruk/services/{id}");
            let (before, after) = (from.get(&path).await.json(), to.get(&path).await.json());
            compare(&before, &after, &path, &mut differences);
        }
        assert_eq!(differences, Vec::<String>::new(), "{backend:?}");
    }
}

/// Every JSON pointer at which `after` differs from `before`, under `at`.
fn compare(before: &serde_json::Value, after: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    use serde_json::Value;
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                let missing = Value::Null;
                compare(
                    a.get(key).unwrap_or(&missing),
                    b.get(key).unwrap_or(&missing),
                    &format!("{at}/{key}"),
                    out,
                );
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (n, (x, y)) in a.iter().zip(b).enumerate() {
                compare(x, y, &format!("{at}/{n}"), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{at}: {a} became {b}")),
    }
}

/// `mns import directory --from URL` and the daily sync read another directory's live feed
/// over HTTP: here the demo directory's own API, served on a port of this machine, read into an
/// empty directory; then again with `modified_after`, which brings only what changed.
#[tokio::test]
async fn a_live_feed_is_read_page_by_page_and_then_only_what_changed() {
    for backend in backends() {
        let source = TestApp::spawn(backend).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let router = source.router.clone();
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
            .unwrap();
        });
        let target = TestApp::spawn_empty(backend).await;
        let actor = mns_app::system_actor("test");
        let feed = format!("http://{address}/api/oruk");
        let done = target
            .app
            .import_directory_feed(&actor, &feed, None, false)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e:?}"));
        let total = source.client().get("/api/oruk/services").await.json()["total_items"]
            .as_u64()
            .unwrap();
        // Two pages of 200 full services, and every one arrived.
        assert!(total > 200, "{total}");
        assert_eq!(done.services as u64, total, "{backend:?}");
        let copied = target.client().get("/api/oruk/services").await.json();
        assert_eq!(copied["total_items"].as_u64(), Some(total));
        // Nothing changed since: nothing to import. A trailing /services is the same feed.
        let later = chrono::Utc::now() + chrono::Duration::days(3650);
        let again = target
            .app
            .import_directory_feed(&actor, &format!("{feed}/services/"), Some(later), false)
            .await
            .unwrap();
        assert_eq!(again.services, 0, "{backend:?}");
        // Only HTTPS leaves this machine; a page that is not a feed is named.
        let refused = target
            .app
            .import_directory_feed(&actor, "http://directory.example.org/api", None, false)
            .await
            .unwrap_err();
        assert!(format!("{refused:?}").contains("https://"), "{refused:?}");
        let not_a_feed = target
            .app
            .import_directory_feed(
                &actor,
                &format!("http://{address}/local-offer"),
                None,
                false,
            )
            .await
            .unwrap_err();
        assert!(
            format!("{not_a_feed:?}").contains("page 1 of the feed"),
            "{not_a_feed:?}"
        );
        // The daily sync of a configured feed: the first reads everything, and one instance a
        // day takes it.
        let third = TestApp::spawn_empty(backend).await;
        let mut syncing = third.app.clone();
        let mut settings = (*syncing.settings).clone();
        settings.directory_feed = Some(feed.clone());
        syncing.settings = std::sync::Arc::new(settings);
        let first = syncing
            .sync_directory_feed()
            .await
            .unwrap()
            .expect("synced");
        assert_eq!(first.services as u64, total, "{backend:?}");
        assert!(syncing.sync_directory_feed().await.unwrap().is_none());
        server.abort();
    }
}
