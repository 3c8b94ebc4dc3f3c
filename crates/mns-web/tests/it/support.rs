//! `TestApp`: the service on a fresh database with the demo data and a clock tests control,
//! and `Client`: a browser-like cookie jar that remembers the last CSRF token it was shown.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use mns_app::identity::totp;
use mns_app::{App, Clock, Settings};
use mns_store::testing::{TestDb, fresh_store};
use mns_store::{Backend, PupilRecord};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

pub const PASSWORD: &str = mns_app::demo::DEMO_PASSWORD;

pub struct TestApp {
    pub app: App,
    pub router: Router,
    _db: TestDb,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl TestApp {
    /// The service on a fresh `backend` database with the demo data, at 10:00 on 22 Nov 2026.
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |app| app).await
    }

    /// As [`TestApp::spawn`], with `configure` applied to the application first (OpenID
    /// Connect providers, say).
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(App) -> App) -> TestApp {
        Self::spawn_inner(backend, true, configure).await
    }

    /// As [`TestApp::spawn`], with nothing in the database: a council's first day.
    pub async fn spawn_empty(backend: Backend) -> TestApp {
        Self::spawn_inner(backend, false, |app| app).await
    }

    async fn spawn_inner(
        backend: Backend,
        demo: bool,
        configure: impl FnOnce(App) -> App,
    ) -> TestApp {
        let (store, db) = fresh_store(backend).await;
        let mut settings = Settings::new("http://mns.test");
        settings.demo = demo;
        let mut app = App::new(store, settings);
        app.clock = Clock::Fixed(Arc::new(Mutex::new(
            Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap(),
        )));
        if demo {
            app.load_demo().await.expect("demo data loads");
        }
        let app = configure(app);
        let state = mns_web::AppState::new(app.clone(), false);
        let router = mns_web::router(state);
        TestApp {
            app,
            router,
            _db: db,
        }
    }

    /// This app served with `configure` applied to the web state first (a metrics token, say).
    pub fn reconfigured(mut self, configure: impl FnOnce(&mut mns_web::AppState)) -> TestApp {
        let mut state = mns_web::AppState::new(self.app.clone(), false);
        configure(&mut state);
        self.router = mns_web::router(state);
        self
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a body");
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub fn client(&self) -> Client<'_> {
        Client {
            app: self,
            cookies: HashMap::new(),
            csrf: String::new(),
            bearer: None,
        }
    }

    /// A client signed in as `email` (with the one-time code, for staff).
    pub async fn signed_in(&self, email: &str) -> Client<'_> {
        let mut client = self.client();
        client.sign_in(email).await;
        client
    }

    /// Every demo pupil, in name order.
    pub async fn pupils(&self) -> Vec<PupilRecord> {
        self.app.store_for_tests().all_pupils(100).await.unwrap()
    }

    /// The demo pupil with this given name.
    pub async fn pupil(&self, given_name: &str) -> PupilRecord {
        self.pupils()
            .await
            .into_iter()
            .find(|p| p.given_name == given_name)
            .unwrap_or_else(|| panic!("no demo pupil called {given_name}"))
    }
}

pub struct Client<'a> {
    app: &'a TestApp,
    pub cookies: HashMap<String, String>,
    pub csrf: String,
    pub bearer: Option<String>,
}

fn csrf_in(body: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_string())
}

impl Client<'_> {
    pub async fn request(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Vec<(&str, &str)>>,
    ) -> TestResponse {
        let mut builder = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            let jar = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            builder = builder.header(header::COOKIE, jar);
        }
        if let Some(token) = &self.bearer {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(fields) => builder
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(
                    fields
                        .iter()
                        .map(|(k, v)| format!("{k}={}", urlencode(v)))
                        .collect::<Vec<_>>()
                        .join("&"),
                ))
                .unwrap(),
            None => builder.body(Body::empty()).unwrap(),
        };
        let response = self.app.send(request).await;
        for value in response.headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
        if let Some(token) = csrf_in(&response.body) {
            self.csrf = token;
        }
        response
    }

    /// Sends a JSON body (API calls; a bearer token needs no CSRF token).
    pub async fn send_json(&mut self, method: Method, path: &str, body: &str) -> TestResponse {
        self.send_body(method, path, "application/json", body.as_bytes().to_vec())
            .await
    }

    /// Sends raw bytes (a file upload through the API).
    pub async fn send_bytes(&mut self, path: &str, body: Vec<u8>) -> TestResponse {
        self.send_body(Method::POST, path, "application/octet-stream", body)
            .await
    }

    async fn send_body(
        &mut self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> TestResponse {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, content_type);
        if let Some(token) = &self.bearer {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.app.send(builder.body(Body::from(body)).unwrap()).await
    }

    /// Uploads a file as a browser form does (multipart, the CSRF token a field before the file).
    pub async fn upload(
        &mut self,
        path: &str,
        field: &str,
        filename: &str,
        bytes: &[u8],
    ) -> TestResponse {
        self.upload_form(path, &[], field, filename, bytes).await
    }

    /// Posts a file upload form as a browser does: the CSRF token, then `fields`, then the file
    /// (no file chosen when `filename` is empty).
    pub async fn upload_form(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        field: &str,
        filename: &str,
        bytes: &[u8],
    ) -> TestResponse {
        let boundary = "mns-test-boundary-7d0b";
        let part = |name: &str, value: &str| {
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
        };
        let mut text = part("csrf_token", &self.csrf);
        for (name, value) in fields {
            text.push_str(&part(name, value));
        }
        text.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: text/csv\r\n\r\n"
        ));
        let mut body = text.into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let jar = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, jar)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.app.send(request).await
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.request(Method::GET, path, None).await
    }

    /// Posts a form with the last CSRF token this client was shown.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let csrf = self.csrf.clone();
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &csrf));
        self.request(Method::POST, path, Some(fields)).await
    }

    /// Posts a form without any CSRF token.
    pub async fn post_without_csrf(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        self.request(Method::POST, path, Some(fields.to_vec()))
            .await
    }

    pub async fn sign_in(&mut self, email: &str) {
        self.get("/sign-in").await;
        let response = self
            .post("/sign-in", &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "sign-in as {email}: {}",
            response.body
        );
        if response.location() == "/sign-in/code" {
            self.get("/sign-in/code").await;
            let code =
                totp::current_code(mns_app::demo::DEMO_TOTP_SECRET, self.app.app.now()).unwrap();
            let mut response = self.post("/sign-in/code", &[("code", &code)]).await;
            if response.body.contains("already been used") {
                // Each code works once: a second staff sign-in waits for the next one, as a
                // person would.
                self.app.app.clock.advance(chrono::Duration::seconds(30));
                let code = totp::current_code(mns_app::demo::DEMO_TOTP_SECRET, self.app.app.now())
                    .unwrap();
                response = self.post("/sign-in/code", &[("code", &code)]).await;
            }
            assert_eq!(
                response.location(),
                "/home",
                "code for {email}: {}",
                response.body
            );
        }
        // Pick up the session's CSRF token.
        let home = self.get("/home").await;
        assert_eq!(home.status, StatusCode::OK, "{email} reaches home");
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
