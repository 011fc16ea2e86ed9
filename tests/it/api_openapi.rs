//! `GET /openapi.json`: an OpenAPI 3.1 document that lists exactly the router's paths, whose
//! operations document their errors, and whose `/api/v1/…` paths answer as their `/api/…`
//! aliases. An ignored test validates it with an independent validator (Python's
//! openapi-spec-validator).

use crate::common::{self, get_json, post_json, shared_router};
use std::collections::BTreeSet;

async fn document() -> serde_json::Value {
    let (status, doc) = get_json(&shared_router(), "/openapi.json").await;
    assert_eq!(status, 200);
    doc
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_exactly_the_router_paths() {
    let doc = document().await;
    assert_eq!(doc["openapi"], "3.1.0");
    let documented: BTreeSet<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    let routed: BTreeSet<String> = carecover::server::route_paths(false).into_iter().collect();
    assert_eq!(
        documented.difference(&routed).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "documented but not routed"
    );
    assert_eq!(
        routed.difference(&documented).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "routed but not documented"
    );
    // Every API route has its /api/v1 form, and the alias is marked deprecated.
    for path in routed
        .iter()
        .filter(|p| p.starts_with("/api/") && !p.starts_with("/api/v1/"))
    {
        let v1 = path.replacen("/api/", "/api/v1/", 1);
        assert!(routed.contains(&v1), "{path} has no {v1}");
        let op = doc["paths"][path]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap();
        assert_eq!(op["deprecated"], true, "{path}");
    }
}

#[tokio::test]
async fn every_api_operation_documents_its_answer_and_its_errors() {
    let doc = document().await;
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("200"), "{method} {path}");
            if !path.starts_with("/api/") {
                continue;
            }
            let ok = &responses["200"]["content"]["application/json"]["schema"]["$ref"];
            let name = ok
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path}: {ok}"));
            let name = name.trim_start_matches("#/components/schemas/");
            assert!(
                schemas.contains_key(name),
                "{method} {path}: no schema {name}"
            );
            let bad = &responses["400"]["content"]["application/json"]["schema"]["$ref"];
            assert_eq!(bad, "#/components/schemas/ErrorBody", "{method} {path}");
            assert!(op["operationId"].is_string(), "{method} {path}");
        }
    }
    // The parameters the handlers read are documented.
    let nearest = &doc["paths"]["/api/v1/nearest"]["get"]["parameters"];
    let names: BTreeSet<&str> = nearest
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        BTreeSet::from(["lat", "lon", "address", "k", "kind", "require", "sort"])
    );
}

#[tokio::test]
async fn the_versioned_paths_answer_as_their_aliases() {
    let router = shared_router();
    for uri in [
        "/api/nearest?lat=32.8032&lon=130.7079&k=3",
        "/api/regions?preset=strengthened",
        "/api/municipalities/43513",
        "/api/geocode?q=八代市松江城町",
        "/api/nearest?lat=50&lon=130",
    ] {
        let v1 = uri.replacen("/api/", "/api/v1/", 1);
        let (s0, a) = get_json(&router, &common::encode_uri(uri)).await;
        let (s1, b) = get_json(&router, &common::encode_uri(&v1)).await;
        assert_eq!((s0, &a), (s1, &b), "{uri}");
    }
    let body = serde_json::json!({ "add": [{ "lat": 32.35, "lon": 130.95 }] });
    let a = post_json(&router, "/api/scenarios", &body).await;
    let b = post_json(&router, "/api/v1/scenarios", &body).await;
    assert_eq!(a, b);
    assert_eq!(a.0, 200);
}

#[tokio::test]
#[ignore = "needs python3 with openapi-spec-validator (pip install openapi-spec-validator); run with --include-ignored (as .ci/run does)"]
async fn an_independent_validator_accepts_the_document() {
    common::require_python(
        "openapi_spec_validator",
        "pip install openapi-spec-validator",
    );
    let doc = document().await;
    let dir = std::env::temp_dir().join(format!("carecover-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("openapi.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import json, sys\n\
             from openapi_spec_validator import validate\n\
             from openapi_spec_validator.validation import OpenAPIV31SpecValidator\n\
             validate(json.load(open(sys.argv[1])), cls=OpenAPIV31SpecValidator)\n\
             print('valid')",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "openapi-spec-validator refused the document: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
