//! The pool's plan (`lra_session::Pool`) driven as `web/engine/worker.js` drives it: heads given,
//! each job run as `web/engine/parser.js` runs it, outcomes handed back in any order. What it
//! adds must be what one engine reading every file adds.

use lra_input::LinesInRange;
use lra_protocol::{Reading, Reply, Request};
use lra_session::{Job, Outcome, Pool, Session, Work};

use super::{analyze_bytes, ask, exported_json};

/// Runs `job` over `bytes` as a parser of the pool does, in slices of `slice`.
fn run(job: &Job, bytes: &[u8], slice: usize) -> Outcome {
    match &job.work {
        Work::Request(text) => {
            let request = Request::from_text(text).unwrap();
            let mut alone = Session::new(false).begin(&request).unwrap();
            alone.begin_file(0);
            for piece in bytes.chunks(slice) {
                alone.feed(piece);
            }
            Outcome::Read(alone.into_part())
        }
        Work::Segment { reading, start, end } => {
            let mut parser = lra_session::segment_parser(reading).unwrap();
            let mut lines = LinesInRange::new(*start..*end);
            let mut at = lines.read_from() as usize;
            while at < bytes.len() && !lines.is_finished() {
                let next = (at + slice).min(bytes.len());
                parser.feed(lines.take(&bytes[at..next]));
                at = next;
            }
            Outcome::Read(parser.into_segment().to_bytes())
        }
    }
}

/// Reads `files` on a pool of `parsers` that cuts files of `split_min` bytes or more, running
/// every job, then handing the outcomes back in the order `order` puts them; `fail` may replace
/// a job's outcome (a parser that stopped, a file that could not be read to its end).
fn analyze_on_pool(
    session: &mut Session,
    files: &[(&str, &[u8])],
    parsers: usize,
    split_min: u64,
    order: impl Fn(&mut Vec<(Job, Outcome)>),
    fail: impl Fn(&Job) -> Option<Outcome>,
) -> (Reply, Vec<Job>) {
    let names = files.iter().map(|(n, _)| n.to_string()).collect();
    let mut batch = session.begin(&Request::Analyze { names, reading: Reading::default(), adopt: true }).unwrap();
    let sizes: Vec<u64> = files.iter().map(|(_, b)| b.len() as u64).collect();
    let mut pool = Pool::new(parsers, split_min, &sizes);
    while let Some(i) = pool.head_wanted() {
        assert!(pool.next_job(&batch).is_none(), "no job before the heads");
        let head = &files[i].1[..files[i].1.len().min(lra_core::DETECT_LEN)];
        pool.give_head(&batch, i, head);
    }
    let lanes = pool.lanes(&batch);
    let mut jobs = Vec::new();
    while let Some(job) = pool.next_job(&batch) {
        jobs.push(job);
    }
    assert_eq!(lanes, parsers.min(jobs.len()), "a lane per job, at most the pool");
    let mut done: Vec<(Job, Outcome)> =
        jobs.iter().map(|job| (job.clone(), fail(job).unwrap_or_else(|| run(job, files[job.file].1, 4096)))).collect();
    order(&mut done);
    let mut added = Vec::new();
    for (job, outcome) in done {
        added.extend(pool.outcome(&mut batch, job.file, job.part, outcome));
    }
    assert!(pool.is_done());
    assert_eq!(added, (0..files.len()).collect::<Vec<_>>(), "each file added once, in order");
    (session.finish(batch, 0.0, Default::default()), jobs)
}

/// Puts the jobs' outcomes in the order they come back.
type Order = fn(&mut Vec<(Job, Outcome)>);

fn problems(reply: &Reply) -> Vec<String> {
    match reply {
        Reply::Analyzed { problems, .. } => problems.clone(),
        other => panic!("{other:?}"),
    }
}

fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let read = |path: &str| std::fs::read(dir.join(path)).unwrap();
    vec![
        ("seed-sample.log", read("seed-sample.log")),
        ("messy.log", read("messy.log")),
        ("logs.tar.zst", read("archives/logs.tar.zst")),
        ("truncated.log.gz", read("archives/truncated.log.gz")),
        ("gtest.log", read("runners/gtest.log")),
        ("pytest.log", read("runners/pytest.log")),
        ("pytest-junit.xml", read("runners/pytest-junit.xml")),
        ("libtest.log", read("runners/libtest.log")),
        ("go.log", read("runners/go.log")),
    ]
}

#[test]
fn the_pool_as_planned_gives_the_summary_one_reading_gives_in_any_order() {
    let owned = fixtures();
    let files: Vec<(&str, &[u8])> = owned.iter().map(|(n, b)| (*n, &b[..])).collect();
    let mut whole = Session::new(false);
    let one = analyze_bytes(&mut whole, &files, Reading::default(), 4096);
    let json = exported_json(&mut whole);
    let orders: [(&str, Order); 3] = [
        ("in order", |_| {}),
        ("reversed", |v| v.reverse()),
        ("interleaved", |v| {
            let (mut even, odd): (Vec<_>, Vec<_>) = v.drain(..).enumerate().partition(|(i, _)| i % 2 == 0);
            even.extend(odd);
            v.extend(even.into_iter().map(|(_, x)| x));
        }),
    ];
    for parsers in [2, 3, 8] {
        for (name, order) in orders {
            let mut pooled = Session::new(false);
            // Every file of 500 bytes or more may be cut: the plain logs in line formats are.
            let (reply, jobs) = analyze_on_pool(&mut pooled, &files, parsers, 500, order, |_| None);
            assert_eq!(problems(&reply), problems(&one), "{parsers} parsers, {name}");
            assert_eq!(exported_json(&mut pooled), json, "{parsers} parsers, {name}");
            let cut: Vec<&str> = (0..files.len())
                .filter(|&i| jobs.iter().any(|j| j.file == i && matches!(j.work, Work::Segment { .. })))
                .map(|i| files[i].0)
                .collect();
            assert_eq!(cut, ["seed-sample.log", "messy.log", "gtest.log", "libtest.log"], "{parsers} parsers");
            assert!(jobs.iter().filter(|j| j.file == 0).count() == parsers, "a part per parser");
        }
    }
}

#[test]
fn small_files_are_read_whole_one_job_each() {
    let owned = fixtures();
    let files: Vec<(&str, &[u8])> = owned.iter().map(|(n, b)| (*n, &b[..])).collect();
    let mut pooled = Session::new(false);
    let (_, jobs) = analyze_on_pool(&mut pooled, &files, 4, 64 << 20, |_| {}, |_| None);
    assert_eq!(jobs.len(), files.len());
    assert!(jobs.iter().enumerate().all(|(i, j)| j.file == i && matches!(j.work, Work::Request(_))));
    assert!(!Pool::wanted(1, 64 << 20, &[1, 2]), "one parser: no pool");
    assert!(!Pool::wanted(4, 64 << 20, &[10]), "one small file: no pool");
    assert!(Pool::wanted(4, 64 << 20, &[64 << 20]), "one large file is cut");
    assert!(Pool::wanted(4, 64 << 20, &[1, 2]), "several files");
}

#[test]
fn a_file_whose_parser_stopped_is_left_out_and_the_others_count() {
    let files: [(&str, &[u8]); 3] = [
        ("a.log", b"Test: a\nResult: PASS\n"),
        ("lost.log", b"Test: b\nResult: PASS\n"),
        ("c.log", b"Test: c\nResult: FAIL\n"),
    ];
    let mut s = Session::new(false);
    let stop = |job: &Job| (job.file == 1).then(|| Outcome::Stopped("out of memory".to_owned()));
    let (reply, _) = analyze_on_pool(&mut s, &files, 2, 64 << 20, |v| v.reverse(), stop);
    assert_eq!(problems(&reply), ["lost.log was left out: out of memory"]);
    let Reply::Overview(Some(o)) = ask(&mut s, Request::Overview).0 else { panic!() };
    assert_eq!((o.files, o.tests), (2, 2));
}

#[test]
fn a_part_that_stopped_or_was_cut_short_ends_its_file_there_flagged() {
    // Ten tests of 40 bytes; cut in 4 parts of 100 bytes, part 2 starts with test 5 or 6.
    let log: String = (0..10).map(|i| format!("Test: t{i}\nResult: PASS ok {i:014}\n")).collect();
    assert_eq!(log.len(), 400);
    for (fail, why) in [
        (Outcome::Stopped("boom".to_owned()), "the parser of one of its parts stopped: boom"),
        (Outcome::Damaged(Vec::new(), "gone".to_owned()), "gone"),
    ] {
        let mut s = Session::new(false);
        let files: [(&str, &[u8]); 1] = [("big.log", log.as_bytes())];
        let stop = |job: &Job| match (&fail, job.part) {
            (Outcome::Stopped(_), 2) => Some(fail.clone()),
            // A part cut short still sends what it read: here, nothing.
            (Outcome::Damaged(..), 2) => {
                let Work::Segment { reading, .. } = &job.work else { panic!("part 2 of a cut file") };
                let empty = lra_session::segment_parser(reading).unwrap().into_segment().to_bytes();
                Some(Outcome::Damaged(empty, "gone".to_owned()))
            }
            _ => None,
        };
        let (reply, jobs) = analyze_on_pool(&mut s, &files, 4, 100, |v| v.reverse(), stop);
        assert_eq!(jobs.len(), 4);
        assert_eq!(problems(&reply), [format!("big.log: {why}; the lines before it are counted")]);
        let json = exported_json(&mut s);
        let summary = lra_core::Summary::from_json(&json).unwrap();
        assert_eq!(summary.files[0].damage.as_deref(), Some(why));
        // Parts 0 and 1 hold t0..t4 (a line starting before byte 200); part 3 is never added.
        let names: Vec<&str> = summary.tests().iter().map(|t| t.name.as_ref()).collect();
        assert!(names.contains(&"t4") && !names.contains(&"t9"), "{names:?}");
    }
}
