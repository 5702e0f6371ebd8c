//! The `lra-summary/1` JSON form: the schema's field names and shapes.

use lra_core::NameMode;
use serde_json::Value;

use crate::parse_files;

#[test]
fn json_has_the_schema_fields() {
    let a_log = b"Iteration 1\nTest: a\nResult: FAIL boom\nResult: PASS\nTest: b\n";
    let s = parse_files(&[("a.log", a_log), ("b.log", b"")], NameMode::Line);
    let v: Value = serde_json::from_str(&s.to_json()).unwrap();
    assert_eq!(v["schema"], "lra-summary/1");
    assert_eq!(v["name_mode"], "line");
    let t = &v["totals"];
    for (k, n) in [("tests", 2), ("passed", 0), ("failed", 1), ("skipped", 0), ("other", 0), ("missing", 1)] {
        assert_eq!(t[k], n, "totals.{k}");
    }
    assert_eq!(v["orphan_results"], 1);
    assert_eq!(v["files"][0]["name"], "a.log");
    assert_eq!(v["files"][0]["bytes"], a_log.len());
    assert_eq!(v["files"][0]["totals"]["failed"], 1);
    assert_eq!(v["files"][0]["orphan_results"], 1);
    assert_eq!(v["files"][1]["totals"]["tests"], 0);
    let a = &v["tests"][0];
    assert_eq!(a["name"], "a");
    assert_eq!(a["runs"], 1);
    assert_eq!(a["failed"], 1);
    assert_eq!(a["results"]["FAIL"], 1);
    assert_eq!(a["first_failure"]["file"], "a.log");
    assert_eq!(a["first_failure"]["line"], 3);
    assert_eq!(v["tests"][1]["first_failure"], Value::Null);
    assert_eq!(v["iterations"][0]["label"], "1");
    assert_eq!(v["iterations"][0]["tests"], 2);
    assert_eq!(v["iterations"][0]["missing"], 1);
    let kinds: Vec<(&str, u64)> = v["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["kind"].as_str().unwrap(), a["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(kinds, [("orphan_result", 4), ("missing_result", 5)]);
}

#[test]
fn a_summary_of_another_schema_is_refused_with_a_reason() {
    // A real summary with only its schema changed, so that nothing else can refuse it.
    let s = parse_files(&[("a.log", b"Test: a\nResult: PASS\n")], NameMode::Line);
    let mut v: Value = serde_json::from_str(&s.to_json()).unwrap();
    assert!(lra_core::Summary::from_json(&v.to_string()).is_ok());
    v["schema"] = "lra-summary/2".into();
    let err = lra_core::Summary::from_json(&v.to_string()).unwrap_err();
    assert_eq!(err, r#"unsupported schema "lra-summary/2", expected "lra-summary/1""#);
    let err = lra_core::Summary::from_json("not json").unwrap_err();
    assert!(err.starts_with("not a saved summary"), "{err}");
}
