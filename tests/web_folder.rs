//! `serve --web DIR`: the widget from a folder instead of the built-in copy (for developing
//! it). Its own test binary, because the widget folder is process-wide.

#[path = "it/common/mod.rs"]
mod common;

use common::{get, router};

#[tokio::test]
async fn a_widget_folder_replaces_the_builtin_page_and_a_missing_maplibre_is_a_404_saying_why() {
    let dir = std::env::temp_dir().join(format!("carecover-web-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><p>dev page</p>").unwrap();
    carecover::server::set_web_dir(dir.clone());
    let r = router();

    let (s, _, body) = get(&r, "/").await;
    assert_eq!(s, 200);
    assert_eq!(body, b"<!doctype html><p>dev page</p>");
    // No node_modules in the folder: MapLibre is missing, and the answer says where it looked.
    let (s, h, body) = get(&r, "/vendor/maplibre-gl.js").await;
    assert_eq!(s, 404);
    assert_eq!(h["content-type"], "text/plain; charset=utf-8");
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.contains("MapLibre") && text.contains("node_modules/maplibre-gl/dist/maplibre-gl.js"),
        "{text}"
    );
    // A page file missing from the folder is a 404 naming it.
    let (s, _, body) = get(&r, "/app.js").await;
    assert_eq!(s, 404);
    assert!(String::from_utf8(body).unwrap().contains("app.js"));
    assert!(carecover::server::widget_status().is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}
