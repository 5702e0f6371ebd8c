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
    assert_eq!(all.files, [None; 12], "a saved history's files have no lines to show");
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

/// Four files of three builds, as the page sends them when files are builds (in natural order):
/// two logs in the folder `build-1`, one in `build-2`, and the log `build-3.log`. By the design,
/// `t` passes in build-1 and fails in builds 2 and 3; `u` runs in builds 1 and 3 and passes.
const BUILD_FILES: [(&str, &str); 4] = [
    ("ci/build-1/a.log", "Test: t\nResult: PASS\n"),
    ("ci/build-1/b.log", "Test: u\nResult: PASS\n"),
    ("ci/build-2/a.log", "Test: t\nResult: FAIL boom\n"),
    ("ci/build-3.log", "Test: t\nResult: FAIL boom\nTest: u\nResult: PASS\n"),
];

fn as_builds() -> Reading {
    Reading { files_are_builds: true, ..Reading::default() }
}

#[test]
fn files_are_builds_make_one_build_per_folder_entry() {
    let mut s = Session::new(false);
    let reply = analyze(&mut s, &BUILD_FILES, as_builds(), 7);
    assert!(matches!(reply, Reply::Analyzed { ref problems, .. } if problems.is_empty()), "{reply:?}");
    let w = window(&mut s, "", 0, 10, 0, 10);
    assert_eq!(w.labels, ["build-1", "build-2", "build-3.log"]);
    // Each build's files, for the run viewer.
    assert_eq!(w.files, [Some([0, 2]), Some([2, 3]), Some([3, 4])]);
    let rows: Vec<_> = w.rows.iter().map(|r| (&*r.name, r.cells.clone(), r.failing_since.as_deref())).collect();
    assert_eq!(rows, [("t", vec![[1, 0], [0, 1], [0, 1]], Some("build-2")), ("u", vec![[1, 0], [0, 0], [1, 0]], None)]);
    // Every file is still the run viewer's to read: the fourth is build-3.log.
    let lines = ask(
        &mut s,
        Request::Lines(lra_protocol::LinesQuery {
            at: lra_protocol::Place { file: 3, line: Some(1), offset: None },
            before: 0,
            after: 3,
            test: None,
        }),
    )
    .0;
    let Reply::Lines(v) = lines else { panic!("{lines:?}") };
    assert_eq!((v.name.as_str(), v.window.lines[0].text.as_str()), ("ci/build-3.log", "Test: t"));

    // The same history as each build read alone, made a build and merged in order.
    let mut expected: Option<Summary> = None;
    for (label, files) in
        [("build-1", &BUILD_FILES[..2]), ("build-2", &BUILD_FILES[2..3]), ("build-3.log", &BUILD_FILES[3..])]
    {
        let mut build: Option<Summary> = None;
        for (name, text) in files {
            let mut p = FileParser::new(*name, Options::default());
            p.feed(text.as_bytes());
            match &mut build {
                None => build = Some(p.finish()),
                Some(b) => b.merge(p.finish()).unwrap(),
            }
        }
        let build = build.unwrap().into_build(label);
        match &mut expected {
            None => expected = Some(build),
            Some(h) => h.merge(build).unwrap(),
        }
    }
    assert_eq!(crate::exported_json(&mut s), expected.unwrap().to_json() + "\n");

    // Read apart by the pool's parsers, the same.
    let mut pooled = Session::new(false);
    let bytes: Vec<(&str, &[u8])> = BUILD_FILES.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
    crate::analyze_in_parts(&mut pooled, &bytes, as_builds(), 5);
    assert_eq!(crate::exported_json(&mut pooled), crate::exported_json(&mut s));
}

#[test]
fn builds_added_later_extend_the_pages_history_and_a_summary_refuses_them() {
    let mut s = Session::new(false);
    analyze(&mut s, &BUILD_FILES, as_builds(), 64);
    analyze(&mut s, &[("ci/build-4/a.log", "Test: t\nResult: PASS\n")], as_builds(), 64);
    let w = window(&mut s, "", 0, 10, 0, 10);
    assert_eq!(w.labels, ["build-1", "build-2", "build-3.log", "build-4"]);
    assert_eq!(w.files, [Some([0, 2]), Some([2, 3]), Some([3, 4]), Some([4, 5])]);
    assert_eq!(w.rows[0].failing_since, None, "t passed in build-4");

    // A saved history among builds: its builds where it stands, with no lines to show.
    let mut mixed = Session::new(false);
    let saved = designed_history();
    analyze(
        &mut mixed,
        &[("week.json", &saved), ("ci/build-13/a.log", "Test: broke\nResult: FAIL\n")],
        as_builds(),
        64,
    );
    let w = window(&mut mixed, "", 0, 1, 0, 20);
    assert_eq!(w.labels.len(), 13);
    assert_eq!((w.labels[11].as_str(), w.labels[12].as_str()), ("build-12", "build-13"));
    assert_eq!(w.files[..12], [None; 12]);
    assert_eq!(w.files[12], Some([12, 13]));
    assert_eq!(w.rows[0].name, "broke");
    assert_eq!(w.rows[0].cells[12], [0, 1]);

    let mut plain = Session::new(false);
    analyze(&mut plain, &[("one.log", "Test: t\nResult: PASS\n")], Reading::default(), 64);
    let reply = analyze(&mut plain, &BUILD_FILES, as_builds(), 64);
    let Reply::Analyzed { problems, .. } = reply else { panic!("{reply:?}") };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("cannot merge"), "{problems:?}");
}
