//! `POST /admin/resources`, in-process: a resource list is checked as `carecover import`
//! checks it, written into the data folder (previous file kept, manifest extended), served
//! after the reload, refused whole when a row is malformed, undone when the reload refuses
//! the new data, and logged without its rows. Every 4xx path is here.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use carecover::app::Snapshot;
use carecover::data::Manifest;
use carecover::server::{app, AdminToken, AppState, DataSource};
use common::{get_json, send, TempData};
use std::path::Path;

const TOKEN: &str = "test-admin-token-upload-42";

/// Three 訪問看護ステーション without coordinates, at addresses the geocoder places at town
/// level, in three regions.
const LIST: &str = "事業所名,住所,電話番号,対応\n\
    くまもと訪問看護ステーション,熊本市中央区水前寺6丁目18-1,096-000-0001,24時間対応|麻薬\n\
    やつしろ訪問看護,八代市松江城町1-1,0965-00-0002,\n\
    あまくさ訪問看護,天草市東町3-1,0969-00-0003,小児\n";

fn state_over(dir: &Path, manifest: Option<&Path>) -> AppState {
    let m = Manifest::from_file_or_builtin(manifest).unwrap();
    let snap = Snapshot::load(dir, &m).unwrap_or_else(|e| panic!("{e}"));
    AppState::new(snap)
        .with_reload(DataSource {
            files: dir.into(),
            manifest: manifest.map(Path::to_path_buf),
        })
        .with_admin_token(AdminToken::new(Some(TOKEN.into())))
}

/// A data folder with its own manifest file (a copy of the built-in one), so that uploads
/// can add lists to it.
fn folder_with_manifest(tag: &str) -> (TempData, std::path::PathBuf) {
    let data = TempData::new(tag);
    let m = data.dir.join("manifest.json");
    std::fs::write(&m, carecover::data::DEFAULT_MANIFEST).unwrap();
    (data, m)
}

async fn upload(
    r: &axum::Router,
    query: &str,
    auth: Option<&str>,
    body: impl Into<Body>,
) -> (StatusCode, serde_json::Value) {
    let mut b =
        Request::post(format!("/admin/resources?{query}")).header(header::CONTENT_TYPE, "text/csv");
    if let Some(a) = auth {
        b = b.header(header::AUTHORIZATION, a);
    }
    let (s, _, bytes) = send(r, b.body(body.into()).unwrap()).await;
    let v = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (s, v)
}

fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

fn log_lines(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("resources/uploads.log"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn the_upload_route_is_a_404_without_a_token_and_a_401_with_a_wrong_one() {
    let r = common::router();
    let (s, v) = upload(&r, "name=x", Some(&bearer()), LIST).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let data = TempData::new("upload-auth");
    let r = app(state_over(&data.dir, None));
    for auth in [None, Some("Bearer nope")] {
        let (s, v) = upload(&r, "name=x", auth, LIST).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    }
}

#[tokio::test]
async fn an_upload_is_checked_written_served_replaced_and_logged() {
    let (data, manifest) = folder_with_manifest("upload-ok");
    let state = state_over(&data.dir, Some(&manifest));
    let r = app(state.clone());
    let before = state.snapshot().version().to_string();

    let q = "name=kumamoto_nursing&kind=home_visit_nursing&source=%E7%86%8A%E6%9C%AC%E7%9C%8C%E8%AA%BF%E6%9F%BB&date=2026-11&filename=list.csv";
    let (s, v) = upload(&r, q, Some(&bearer()), LIST).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["file"], "resources/kumamoto_nursing.csv");
    assert_eq!(v["previous_kept"], serde_json::Value::Null);
    assert_eq!(v["report"]["rows"], 3);
    assert_eq!(v["report"]["placed"]["town"], 3, "{v}");
    assert_eq!(v["report"]["errors"].as_array().unwrap().len(), 0);
    assert_eq!(v["reloaded"]["changed"], true);
    assert_ne!(v["reloaded"]["data_version"], before.as_str());

    // The file and the manifest entry are on disk, for a restart or another replica.
    let written = std::fs::read_to_string(data.dir.join("resources/kumamoto_nursing.csv")).unwrap();
    assert!(written.contains("home_visit_nursing") && written.contains("town"));
    let m = Manifest::from_file(&manifest).unwrap();
    let entry = m
        .resources
        .iter()
        .find(|e| e.file == "resources/kumamoto_nursing.csv")
        .unwrap();
    assert_eq!(m.sources[&entry.source].name, "熊本県調査");
    assert_eq!(m.sources[&entry.source].date, "2026-11");
    let restarted = state_over(&data.dir, Some(&manifest));
    assert_eq!(
        restarted.snapshot().version(),
        v["reloaded"]["data_version"].as_str().unwrap()
    );

    // Served: nearest by that kind answers them, with source and date.
    let (s, near) = get_json(
        &r,
        "/api/nearest?lat=32.79&lon=130.73&kind=home_visit_nursing&k=3",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{near}");
    let res = near["results"].as_array().unwrap();
    assert_eq!(res.len(), 3);
    assert_eq!(res[0]["name"], "くまもと訪問看護ステーション");
    assert_eq!(res[0]["facility_type"], "resource");
    assert_eq!(res[0]["source"], entry.source.as_str());
    assert_eq!(res[0]["source_date"], "2026-11");
    assert_eq!(
        res[0]["capabilities"],
        serde_json::json!(["24時間対応", "麻薬"])
    );

    // The same name again replaces the list and keeps the previous file.
    let two = LIST.lines().take(3).collect::<Vec<_>>().join("\n") + "\n";
    let (s, v2) = upload(&r, q, Some(&bearer()), two).await;
    assert_eq!(s, StatusCode::OK, "{v2}");
    assert_eq!(v2["previous_kept"], "resources/kumamoto_nursing.csv.prev");
    let prev =
        std::fs::read_to_string(data.dir.join("resources/kumamoto_nursing.csv.prev")).unwrap();
    assert_eq!(prev, written);
    let (_, near) = get_json(
        &r,
        "/api/nearest?lat=32.79&lon=130.73&kind=home_visit_nursing&k=3",
    )
    .await;
    assert_eq!(near["results"].as_array().unwrap().len(), 2);
    let m = Manifest::from_file(&manifest).unwrap();
    assert_eq!(
        m.resources
            .iter()
            .filter(|e| e.file == "resources/kumamoto_nursing.csv")
            .count(),
        1,
        "a replaced list is listed once"
    );

    // The log: one line per upload, counts and versions, never a row's text.
    let log = log_lines(&data.dir);
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["accepted"], true);
    assert_eq!(log[0]["rows"], 3);
    assert_eq!(log[0]["uploaded_as"], "list.csv");
    assert_eq!(log[1]["previous_version"], log[0]["data_version"]);
    let raw = std::fs::read_to_string(data.dir.join("resources/uploads.log")).unwrap();
    for secret in ["水前寺", "訪問看護", "096-000-0001"] {
        assert!(!raw.contains(secret), "the log holds {secret}");
    }
}

#[tokio::test]
async fn a_list_with_a_malformed_row_is_refused_whole_and_nothing_changes() {
    let (data, manifest) = folder_with_manifest("upload-bad");
    let state = state_over(&data.dir, Some(&manifest));
    let r = app(state.clone());
    let before = state.snapshot().version().to_string();
    let manifest_before = std::fs::read_to_string(&manifest).unwrap();
    let bad =
        format!("{LIST},福岡市中央区天神1-1,,\nふくおか訪問看護,福岡県福岡市中央区天神1-1,,\n");
    let (s, v) = upload(&r, "name=bad&kind=home_visit_nursing", Some(&bearer()), bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "invalid_resource_list");
    let errors = v["error"]["report"]["errors"].as_array().unwrap();
    // Row 4 has no name; row 5 lies in another prefecture: each named with its column.
    assert!(
        errors
            .iter()
            .any(|e| e["row"] == 4 && e["column"] == "事業所名"),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e["row"] == 5 && e["column"] == "住所"),
        "{errors:?}"
    );
    assert_eq!(state.snapshot().version(), before);
    assert!(!data.dir.join("resources/bad.csv").exists());
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), manifest_before);
    let log = log_lines(&data.dir);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["accepted"], false);
    assert_eq!(log[0]["errors"], errors.len());
}

#[tokio::test]
async fn a_reload_that_refuses_the_new_data_undoes_the_upload() {
    let (data, manifest) = folder_with_manifest("upload-undo");
    let state = state_over(&data.dir, Some(&manifest));
    let r = app(state.clone());
    let (s, v) = upload(
        &r,
        "name=first&kind=home_visit_nursing",
        Some(&bearer()),
        LIST,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let version = state.snapshot().version().to_string();
    let manifest_before = std::fs::read_to_string(&manifest).unwrap();
    // The same facilities under another list name: each row checks, but the data refuses a
    // facility listed in two files.
    let (s, v) = upload(
        &r,
        "name=second&kind=home_visit_nursing",
        Some(&bearer()),
        LIST,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "invalid_data");
    assert!(v.to_string().contains("another resource file"), "{v}");
    assert_eq!(state.snapshot().version(), version);
    assert!(!data.dir.join("resources/second.csv").exists());
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), manifest_before);
    let log = log_lines(&data.dir);
    assert_eq!(log.last().unwrap()["accepted"], false);
}

#[tokio::test]
async fn uploads_need_a_data_folder_and_a_writable_manifest_for_a_new_list() {
    // The built-in data: nothing to write to.
    let snap = Snapshot::load(
        carecover::data::DataFiles::Builtin,
        &Manifest::builtin().unwrap(),
    )
    .unwrap();
    let state = AppState::new(snap)
        .with_reload(DataSource {
            files: carecover::data::DataFiles::Builtin,
            manifest: None,
        })
        .with_admin_token(AdminToken::new(Some(TOKEN.into())));
    let (s, v) = upload(&app(state), "name=x&kind=pharmacy", Some(&bearer()), LIST).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["code"], "needs_data_folder");
    assert!(v["error"]["message"].as_str().unwrap().contains("--data"));

    // A folder with the built-in manifest: a new list cannot be added to it.
    let data = TempData::new("upload-nomanifest");
    let state = state_over(&data.dir, None);
    let before = state.snapshot().version().to_string();
    let (s, v) = upload(
        &app(state.clone()),
        "name=x&kind=pharmacy",
        Some(&bearer()),
        LIST,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["code"], "manifest_not_writable");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("--manifest"));
    assert!(!data.dir.join("resources/x.csv").exists());
    assert_eq!(state.snapshot().version(), before);
}

#[tokio::test]
async fn bad_upload_parameters_are_named() {
    let (data, manifest) = folder_with_manifest("upload-params");
    let r = app(state_over(&data.dir, Some(&manifest)));
    for (query, body, code) in [
        ("kind=pharmacy", LIST, "missing_parameter"),
        ("name=../etc&kind=pharmacy", LIST, "invalid_name"),
        ("name=Upper&kind=pharmacy", LIST, "invalid_name"),
        ("name=x&kind=hospital", LIST, "unknown_kind"),
        ("name=x&kind=home_care_support_clinic", LIST, "unknown_kind"),
        (
            "name=x&kind=pharmacy&encoding=latin1",
            LIST,
            "invalid_encoding",
        ),
        ("name=x&kind=pharmacy&date=R8.11", LIST, "invalid_date"),
        ("name=x&kind=pharmacy&colour=red", LIST, "unknown_parameter"),
        ("name=x&kind=pharmacy", "", "empty_body"),
    ] {
        let (s, v) = upload(&r, query, Some(&bearer()), body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{query}: {v}");
        assert_eq!(v["error"]["code"], code, "{query}: {v}");
    }
    // Over 16 MiB: 413.
    let big = vec![b'a'; carecover::server::UPLOAD_BODY_LIMIT + 1];
    let (s, v) = upload(&r, "name=x&kind=pharmacy", Some(&bearer()), big).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert!(
        log_lines(&data.dir).is_empty(),
        "parameter errors are not uploads"
    );
}
