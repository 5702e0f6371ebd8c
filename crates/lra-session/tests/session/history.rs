//! The History view's grid, asked a window at a time, on a history of designed builds.

use lra_core::{FileParser, Options, Summary};
use lra_protocol::{HistoryQuery, HistoryWindow, Reading, Reply, Request};
use lra_session::Session;

use crate::{analyze, ask};

/// Twelve builds `build-1`…`build-12` of four runs of each test: `steady` always passes;
/// `broke` passes until build-9 and fails every run from then on; `fixed` fails every run
/// until build-6 and passes from build-7 on; `gone` passes in the first three builds only.
fn designed_history() -> String {
    let mut history: Option<Summary> = None;
    for b in 1..=12 {
        let mut log = String::new();
        for _ in 0..4 {
            let word = |fails: bool| if fails { "FAIL" } else { "PASS" };
            log.push_str(&format!("Test: steady\nResult: PASS\nTest: broke\nResult: {}\n", word(b >= 9)));
            log.push_str(&format!("Test: fixed\nResult: {}\n", word(b <= 6)));
            if b <= 3 {
                log.push_str("Test: gone\nResult: PASS\n");
            }
        }
        let mut p = FileParser::new(format!("build-{b}.log"), Options::default());
        p.feed(log.as_bytes());
        let build = p.finish().into_build(&format!("build-{b}"));
        match &mut history {
            None => history = Some(build),
            Some(h) => h.merge(build).unwrap(),
        }
    }
    history.unwrap().to_json()
}

fn window(s: &mut Session, filter: &str, first_test: u32, tests: u32, first_build: u32, builds: u32) -> HistoryWindow {
    let q = HistoryQuery { filter: filter.into(), first_test, tests, first_build, builds };
    match ask(s, Request::History(q)).0 {
        Reply::History(w) => w,
        other => panic!("{other:?}"),
    }
}

#[test]
fn history_window_puts_newly_broken_first_and_moves_back_to_fit() {
    let mut s = Session::new(false);
    analyze(&mut s, &[("week.json", &designed_history())], Reading::default(), 1000);
    // Every test, the latest change point first; those that never failed after, as they came.
    let all = window(&mut s, "", 0, 10, 0, 12);
    let names: Vec<&str> = all.rows.iter().map(|r| &*r.name).collect();
    assert_eq!(names, ["broke", "fixed", "steady", "gone"]);
    assert_eq!((all.matching, all.builds), (4, 12));
    let broke = &all.rows[0];
    assert_eq!(broke.failing_since.as_deref(), Some("build-9"));
    let (at, label, _) = broke.change_point.as_ref().unwrap();
    assert_eq!((*at, label.as_str()), (8, "build-9"));
    assert_eq!((broke.builds_run, broke.builds_failed, broke.builds_flaky), (12, 4, 0));
    assert_eq!(all.rows[1].change_point.as_ref().map(|c| c.1.as_str()), Some("build-7"));
    assert_eq!(all.rows[1].failing_since, None);
    assert!(all.rows[2].change_point.is_none() && all.rows[2].counts.failure_rate_ci95().unwrap()[0] < 1e-12);
    // `gone` ran in builds 1–3 only: empty cells after.
    assert_eq!(all.rows[3].cells[..4], [[4, 0], [4, 0], [4, 0], [0, 0]]);

    // Builds 10–14 asked: moved back to builds 8–12.
    let late = window(&mut s, "", 0, 2, 9, 5);
    assert_eq!((late.first_test, late.first_build), (0, 7));
    assert_eq!(late.labels, ["build-8", "build-9", "build-10", "build-11", "build-12"]);
    assert_eq!(late.rows.len(), 2);
    assert_eq!(late.rows[0].cells, [[4, 0], [0, 4], [0, 4], [0, 4], [0, 4]]);
    assert_eq!(late.rows[1].cells, [[4, 0]; 5]);

    // A filter keeps its order; past the last test, the last ones.
    let filtered = window(&mut s, "O", 5, 1, 0, 1);
    assert_eq!((filtered.matching, filtered.first_test), (2, 1));
    assert_eq!(filtered.rows[0].name, "gone");
}

#[test]
fn history_window_of_a_summary_of_no_builds_is_empty() {
    let mut s = Session::new(false);
    analyze(&mut s, &[("one.log", "Test: a\nResult: FAIL\n")], Reading::default(), 1000);
    assert_eq!(window(&mut s, "", 0, 10, 0, 10), HistoryWindow::default());
}
