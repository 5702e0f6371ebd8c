//! `lra`: summarize test-result logs in CI pipelines and scripts, with the same core as the app.

mod gates;
mod history;
mod input;
mod markdown;
mod object_url;
mod quarantine;
mod render;
mod show;
#[cfg(feature = "store")]
mod store;

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use lra_core::{
    DEFAULT_ITERATION_MARKER, DEFAULT_RESULT_MARKER, DEFAULT_TEST_MARKER, Diff, GenOptions, GenStyle, LogFormat,
    MarkerTexts, NameMode, Options, Plan, Quarantine, Reading, Runner, Select, Summary, as_printed,
};

#[derive(Parser)]
#[command(name = "lra", version, about = "Summarize test-result logs: pass, fail and skip counts per test")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Summarize logs: files, directories (read recursively, in sorted order) or `-` for stdin.
    ///
    /// A file that holds a summary saved with `--format json` (told by its content, whatever
    /// its name) is merged where it stands, never read as a log.
    ///
    /// Exit status: 0, 1 when a file could not be read (the others are still summarized), 2 for
    /// a usage error, 3 when `--fail-under` fails (a read error wins over it).
    Summarize {
        /// Output format: `junit` is JUnit XML with one testcase per test, for CI test reports;
        /// `markdown` a short summary for CI job summaries; `html` the single-file report the
        /// app exports (charts, heatmap, sortable tables; opens from disk with no network), to
        /// publish as a CI artifact.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Exit with 3 when the pass rate (passed runs among those passed, failed, other or
        /// missing) is under RATE: a fraction (0.95) or a percentage (95%). Logs with no such run
        /// fail it.
        #[arg(long, value_name = "RATE", value_parser = gates::parse_threshold)]
        fail_under: Option<f64>,
        #[command(flatten)]
        read: ReadArgs,
        /// Logs to read: files, directories, `-` for stdin, or objects (`s3://bucket/key.log`,
        /// `s3://bucket/prefix/`, `gs://`, `az://`, `https://`).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Compare two runs: new failures, fixed, still failing, new and removed tests. Each side is
    /// a log file, a directory of logs, or a summary saved with `--format json` (told by its
    /// content).
    ///
    /// Exit status: 0, 1 when a side could not be read, 2 for a usage error, 3 when `--fail-on`
    /// fails.
    Diff {
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
        format: DiffFormat,
        /// Exit with 3 when the current run has `new-failures` (tests failing now that did not
        /// fail in the base, new tests among them), any `failures`, or `regressions` (tests
        /// whose failure rate rose beyond chance at `--alpha`). A current run with no passed or
        /// failed run fails any gate.
        #[arg(long, value_enum, value_name = "GATE")]
        fail_on: Option<gates::FailOn>,
        /// The significance level of regressions: the chance that any test is called a
        /// regression by chance alone is at most ALPHA (Fisher's exact test per test, one-sided,
        /// with Holm's method over the tests judged on both sides).
        #[arg(long, value_name = "ALPHA", default_value_t = lra_core::DEFAULT_ALPHA, value_parser = parse_alpha)]
        alpha: f64,
        /// How logs are read (saved summaries keep their own rules).
        #[command(flatten)]
        read: ReadArgs,
        /// The earlier run.
        base: PathBuf,
        /// The run to compare with it.
        current: PathBuf,
    },
    /// Read builds in order into one history: each test's runs per build, the builds it failed
    /// and was flaky in, since when it fails, and where its failure rate changed beyond chance.
    /// Each BUILD is one build (a log, an archive, a saved summary, an object), labelled by its
    /// name; a folder or an object prefix gives one build per entry in it (a file, an archive, a
    /// subfolder). A saved history contributes its builds, so `lra history week.json new.log -o
    /// week.json` reads only the new build. All or nothing: if a build cannot be read, nothing is
    /// written (exit status 1).
    History {
        /// Write here instead of to stdout (replaced only once it is whole).
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Output format: `json` the history (`lra-summary/1` with its builds), `table` for people,
        /// `csv` a row per test with the history's columns, `html` the single-file report with
        /// the tests × builds grid (offline, as `summarize`'s).
        #[arg(long, value_enum, default_value_t = HistoryFormat::Json)]
        format: HistoryFormat,
        /// The order of a folder's or a prefix's entries: `natural` (`build-9` before `build-10`)
        /// or by their bytes.
        #[arg(long, value_enum, default_value_t = history::Order::Natural)]
        order: history::Order,
        /// The level a test's change point must be significant at to be shown.
        #[arg(long, value_name = "ALPHA", default_value_t = lra_core::DEFAULT_ALPHA, value_parser = parse_alpha)]
        alpha: f64,
        #[command(flatten)]
        read: ReadArgs,
        /// The builds, oldest first.
        #[arg(required = true)]
        builds: Vec<PathBuf>,
    },
    /// Merge summaries saved with `--format json` into one, exactly as if their logs had been
    /// summarized together in the order given. Each is read as it streams, so memory is that of
    /// the result. Summaries read by different rules (name mode, markers) are refused, and so is
    /// any file that is not a saved summary: nothing is written then (exit status 1).
    Merge {
        /// Write the merged summary here instead of to stdout (replaced only once it is whole).
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
        /// Saved summaries: files, directories of them (read in sorted order), or objects
        /// (`s3://bucket/partials/`).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Print a log's own lines at FILE:LINE: the failed run that holds that line (from the line
    /// that opened it to its result), or the lines around it, with line numbers. The line may
    /// be written as the app and the table show it (`build.log:1,204,711`). FILE is any file as
    /// lra names it: a local file, a compressed one, an archive's member
    /// (`build.zip/job-3/test.log`), an object (`s3://bucket/key`), but not stdin. Its input is
    /// read once to find the runs, then again for the lines (a compressed one decoded again up
    /// to them).
    Show {
        /// FILE:LINE.
        place: String,
        /// Lines of context before and after.
        #[arg(short = 'C', long, default_value_t = 3)]
        context: usize,
        /// How the log is read.
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Plan reruns: for each test that has failed, how many more runs, every one clean, would
    /// show its failure rate (failed over passed and failed runs) under RATE at 95% confidence
    /// (the one-sided Clopper–Pearson bound; about 3 / RATE runs when none failed), and so how
    /// many more runs of the suite (the most any of them needs). The input is a log file, a
    /// directory of logs, or a summary saved with `--format json`.
    Plan {
        /// The failure rate to show each test under: above 0, under 1 (0.01 is 1%).
        #[arg(long, value_name = "RATE", value_parser = parse_target_rate)]
        target_rate: f64,
        /// Output format.
        #[arg(long, value_enum, default_value_t = PlanFormat::Table)]
        format: PlanFormat,
        /// How logs are read (a saved summary keeps its own rules).
        #[command(flatten)]
        read: ReadArgs,
        /// The run to plan from.
        path: PathBuf,
    },
    /// Print the arguments that make a test runner skip the tests judged flaky (the default; in
    /// a history, flaky within some build) or failing (every run failed; in a history, failing
    /// since some build), each named by the runner's own id: GoogleTest's `--gtest_filter=-…`,
    /// pytest's `--deselect` node ids, go's `-skip` pattern (Go 1.20 and later), a nextest
    /// filterset (`-E`), libtest's `--exact --skip …` (after cargo test's `--`). A test whose
    /// name cannot be that runner's exact id (read from another format, cut, a pytest id that
    /// would deselect another test too) is listed on stderr. The input is a log file, a
    /// directory of logs, or a saved summary or history.
    Quarantine {
        /// The runner: gtest, pytest, go, nextest or libtest.
        #[arg(long, value_parser = quarantine::parse_runner)]
        runner: Runner,
        /// Quarantine the flaky tests (the default when neither is given).
        #[arg(long)]
        flaky: bool,
        /// Quarantine the failing tests.
        #[arg(long)]
        failing: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = quarantine::QuarantineFormat::Args)]
        format: quarantine::QuarantineFormat,
        /// How logs are read (a saved summary keeps its own rules).
        #[command(flatten)]
        read: ReadArgs,
        /// The run or history to quarantine from.
        path: PathBuf,
    },
    /// Print the files and objects that PATHS name, one a line, in the order `summarize` reads
    /// them: a directory's files sorted, a prefix's objects in key order; a name that holds a line
    /// break or a control is shown with it made visible. This is how a job that spreads whole
    /// files over machines (the Spark job) lists its inputs: with `-0`, which writes names as they
    /// are.
    List {
        /// End each name with a NUL byte instead of a line break, as `find -print0` does, and
        /// write it byte for byte: the form for programs (`xargs -0`), since file names and
        /// object keys may hold line breaks but never NUL.
        #[arg(short = '0', long)]
        null: bool,
        #[command(flatten)]
        store: StoreArgs,
        /// Files, directories or objects (`s3://bucket/prefix/`).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Write a generated log in the seed's format to stdout.
    Generate {
        /// Number of iterations.
        #[arg(long, default_value_t = 3)]
        iterations: u64,
        /// Tests per iteration.
        #[arg(long, default_value_t = 3)]
        tests: u64,
        /// Share of non-flaky tests that always fail, from 0 to 1.
        #[arg(long, default_value_t = 0.1, value_parser = parse_rate)]
        fail_rate: f64,
        /// Number of tests that pass or fail at random in each iteration.
        #[arg(long, default_value_t = 1)]
        flaky: u64,
        /// Seed: the same options and seed give the same log.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Stop after the iteration that reaches this size (e.g. 300M, 2G); overrides --iterations.
        #[arg(long, value_parser = parse_size)]
        size: Option<u64>,
        /// How each run is written: `verbose` (5 lines, with reasons), `seed` (the seed's own 5
        /// short lines) or `flat` (`Test: suite17/case_17042` and `Result: PASS`).
        #[arg(long, default_value = "verbose", value_parser = parse_style)]
        style: GenStyle,
    },
}

/// How logs are read: the same options for every command that reads them.
#[derive(Args, Clone)]
struct ReadArgs {
    /// How test names are taken from the test marker's lines.
    #[arg(long, value_enum, default_value_t = Name::Line)]
    name: Name,
    /// The text that opens a test; the name follows it.
    #[arg(long, default_value = DEFAULT_TEST_MARKER, value_name = "TEXT")]
    test_marker: String,
    /// The text that closes the open test; the result word follows it.
    #[arg(long, default_value = DEFAULT_RESULT_MARKER, value_name = "TEXT")]
    result_marker: String,
    /// The text that starts an iteration; its label follows it.
    #[arg(long, default_value = DEFAULT_ITERATION_MARKER, value_name = "TEXT")]
    iteration_marker: String,
    /// Match the markers in any case of ASCII letters.
    #[arg(long)]
    ignore_case: bool,
    /// The logs' format: told by each file's first lines (`auto`), or this one. Custom markers
    /// mean `markers`.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    log_format: FormatArg,
    /// Count each file as one iteration, labelled by its name (a folder of JUnit files with one
    /// run each); iteration lines are then ignored.
    #[arg(long)]
    iteration_per_file: bool,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    #[command(flatten)]
    store: StoreArgs,
}

/// Where objects named by URL are read from and written to.
#[derive(Args, Clone)]
struct StoreArgs {
    /// The endpoint of an S3-compatible store (MinIO, Ceph) for `s3://` URLs; without it,
    /// `AWS_ENDPOINT_URL` if set, else AWS.
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// How many times a failed request to an object store, or a connection dropped in the
    /// middle of an object (then resumed where it stopped), is tried again.
    #[arg(long, value_name = "N", default_value_t = 8)]
    retries: usize,
    /// Allow plain HTTP, without TLS: an `http://` endpoint (`--endpoint`, `AWS_ENDPOINT_URL`)
    /// or object URL. Without it (or `AWS_ALLOW_HTTP=true`) they are refused.
    #[arg(long)]
    allow_http: bool,
}

impl StoreArgs {
    #[cfg(feature = "store")]
    fn config(&self) -> input::StoreConfig {
        input::StoreConfig { endpoint: self.endpoint.clone(), retries: self.retries, allow_http: self.allow_http }
    }

    #[cfg(not(feature = "store"))]
    fn config(&self) -> input::StoreConfig {
        input::StoreConfig
    }
}

impl ReadArgs {
    /// The reading these flags set: the type the app and the engine's requests carry too.
    fn reading(&self) -> Reading {
        let name_mode = match self.name {
            Name::Line => NameMode::Line,
            Name::FirstWord => NameMode::FirstWord,
        };
        let markers = MarkerTexts {
            test: self.test_marker.clone(),
            result: self.result_marker.clone(),
            iteration: self.iteration_marker.clone(),
            ignore_case: self.ignore_case,
        };
        let format = match self.log_format {
            FormatArg::Auto => None,
            FormatArg::Markers => Some(LogFormat::Markers),
            FormatArg::Gtest => Some(LogFormat::GoogleTest),
            FormatArg::Pytest => Some(LogFormat::Pytest),
            FormatArg::Libtest => Some(LogFormat::Libtest),
            FormatArg::Tap => Some(LogFormat::Tap),
            FormatArg::Junit => Some(LogFormat::Junit),
            FormatArg::Go => Some(LogFormat::Go),
            FormatArg::GoJson => Some(LogFormat::GoJson),
            FormatArg::Nextest => Some(LogFormat::Nextest),
        };
        // Builds are `lra history`'s arguments, not a way of reading files.
        Reading {
            name_mode,
            markers,
            format,
            detected: None,
            iteration_per_file: self.iteration_per_file,
            files_are_builds: false,
        }
    }

    /// The core's options, or a usage error.
    fn options(&self) -> Result<Options, String> {
        self.reading().options()
    }
}

/// `--log-format`.
#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// Told by each file's first lines.
    Auto,
    /// `Test: ` / `Result: ` / `Iteration ` lines, or the markers given.
    Markers,
    /// GoogleTest's output (`[ RUN      ]`, `[       OK ]`, `--gtest_repeat`).
    Gtest,
    /// `pytest -v` output (pytest-repeat, -xdist and -rerunfailures too).
    Pytest,
    /// Rust's libtest (`cargo test`): `test NAME ... ok`.
    Libtest,
    /// The Test Anything Protocol: `ok 1 - NAME`.
    Tap,
    /// JUnit XML: `<testcase>` elements.
    Junit,
    /// `go test -v`: `=== RUN` and `--- PASS:` lines.
    Go,
    /// `go test -json`: one event a line.
    GoJson,
    /// cargo-nextest: `PASS [ 0.004s] BINARY TEST` lines.
    Nextest,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
    Junit,
    Markdown,
    /// The single-file report the app exports: charts, heatmap, tables; opens offline.
    Html,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum HistoryFormat {
    Json,
    Table,
    /// One row per test, with the history's columns after the summary's.
    Csv,
    /// The single-file report, with the tests × builds grid and each test's history row.
    Html,
}

#[derive(Clone, Copy, ValueEnum)]
enum PlanFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Name {
    /// The rest of the line after `Test: `, trimmed.
    Line,
    /// The first word after `Test: `.
    FirstWord,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Summarize { format, fail_under, read, paths } => summarize(format, fail_under, &read, &paths),
        Command::Diff { format, fail_on, alpha, read, base, current } => {
            diff(format, fail_on, alpha, &read, &base, &current)
        }
        Command::Plan { target_rate, format, read, path } => plan(target_rate, format, &read, &path),
        Command::Quarantine { runner, flaky, failing, format, read, path } => {
            let select = Select { flaky: flaky || !failing, failing };
            quarantine_of(runner, select, format, &read, &path)
        }
        Command::History { output, format, order, alpha, read, builds } => {
            history_of(output.as_deref(), format, order, alpha, &read, &builds)
        }
        Command::Merge { output, store, paths } => merge(output.as_deref(), &store.config(), &paths),
        Command::List { null, store, paths } => list(null, &store.config(), &paths),
        Command::Show { place, context, read } => show(&place, context, &read),
        Command::Generate { iterations, tests, fail_rate, flaky, seed, size, style } => {
            let options = GenOptions { iterations, tests, fail_rate, flaky, seed, style };
            generate(options, size).map(|()| ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`lra … | head`) is not an error worth a message.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            say(&e.to_string());
            ExitCode::FAILURE
        }
    }
}

/// Says a problem on stderr. Its text may hold names from the input (a file's, a member's, an
/// object's), so it is printed as they are (`lra_core::as_printed`), whatever command said it.
fn say(problem: &str) {
    eprintln!("lra: {}", as_printed(problem));
}

/// Reads `paths` into one summary, as `read` says. Problems go to stderr; returns whether there
/// were any, and the indices of the files read as plain local logs (whose lines may be printed).
fn read_logs(read: &ReadArgs, paths: &[PathBuf]) -> io::Result<(Summary, bool, Vec<u32>)> {
    Reader::new(read)?.read(paths)
}

/// How logs are read, and the threads that read them: made once for a command that reads
/// many inputs one after another (`lra history`'s builds).
struct Reader {
    options: Options,
    store: input::StoreConfig,
    pool: rayon::ThreadPool,
}

impl Reader {
    fn new(read: &ReadArgs) -> io::Result<Reader> {
        let options = match read.options() {
            Ok(o) => o,
            Err(e) => {
                eprintln!("lra: {e}");
                std::process::exit(2);
            }
        };
        let threads =
            read.threads.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), usize::from);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| io::Error::other(format!("cannot start {threads} threads: {e}")))?;
        Ok(Reader { options: Options { parallel: threads > 1, ..options }, store: read.store.config(), pool })
    }

    /// Reads `paths` into one summary (see [`read_logs`]).
    fn read(&self, paths: &[PathBuf]) -> io::Result<(Summary, bool, Vec<u32>)> {
        let mut summary = Summary::empty_for(&self.options);
        let (mut failed, mut read_here) = (false, Vec::new());
        self.pool.install(|| {
            for problem in input::summarize_paths(paths, &self.options, &self.store, &mut summary, &mut read_here) {
                say(&problem);
                failed = true;
            }
        });
        warn_about_files(&summary);
        Ok((summary, failed, read_here))
    }
}

/// Says which files were probably not meant to be read as logs.
fn warn_about_files(summary: &Summary) {
    for f in &summary.files {
        let name = as_printed(&f.name);
        if f.binary {
            eprintln!("lra: {name}: warning: this looks like a binary file, not a text log");
        }
        if let Some(reading) = f.reading.as_deref().filter(|r| r.contains(lra_core::TERSE_OUTPUT)) {
            eprintln!("lra: {name}: warning: {}", as_printed(reading));
        }
        if f.name.ends_with(".json") && f.totals.runs() == 0 {
            eprintln!(
                "lra: {name}: warning: no test runs found in it, and it is not a summary saved by lra (which \
                 opens with its \"schema\": \"lra-summary/1\" member)"
            );
        }
        if f.from_summary {
            eprintln!(
                "lra: {name}: warning: this JUnit file was written by `lra --format junit` from a summary: each of its \
                 tests counts one run here, not the runs it summarized (merge the saved JSON summary instead)"
            );
        }
    }
}

fn summarize(format: Format, fail_under: Option<f64>, read: &ReadArgs, paths: &[PathBuf]) -> io::Result<ExitCode> {
    let (summary, failed, read_here) = read_logs(read, paths)?;
    let mut out = BufWriter::new(io::stdout().lock());
    match format {
        Format::Table => {
            render::table(&summary, &mut out)?;
            show::first_runs(&summary, &read_here, FIRST_RUNS_SHOWN, FIRST_RUN_LINES, &mut out)?;
        }
        Format::Json => {
            summary.write_json(&mut out, true)?;
            writeln!(out)?;
        }
        Format::Csv => summary.write_csv(&mut out)?,
        Format::Junit => summary.write_junit(&mut out)?,
        Format::Markdown => markdown::summary(&summary, &mut out)?,
        Format::Html => out.write_all(lra_session::report_html(&summary, lra_session::BUNDLED_ECHARTS).as_bytes())?,
    }
    out.flush()?;
    if failed {
        return Ok(ExitCode::FAILURE);
    }
    Ok(gates::verdict(fail_under.map(|rate| gates::pass_rate(&summary, rate))))
}

/// `lra history`: all or nothing, as `lra merge`, since a history without one of its builds
/// would be wrong.
fn history_of(
    output: Option<&Path>,
    format: HistoryFormat,
    order: history::Order,
    alpha: f64,
    read: &ReadArgs,
    paths: &[PathBuf],
) -> io::Result<ExitCode> {
    let store = read.store.config();
    let (builds, mut problems) = history::builds(paths, order, &store);
    let mut all: Option<Summary> = None;
    let reader = Reader::new(read)?;
    for b in builds {
        let (summary, failed, _) = reader.read(std::slice::from_ref(&b.path))?;
        if failed {
            problems.push(format!("{}: build {:?} was not read whole", b.path.display(), b.label));
            continue;
        }
        let build = summary.into_build(&b.label);
        match &mut all {
            None => all = Some(build),
            Some(history) => {
                if let Err(e) = history.merge(build) {
                    problems.push(format!("{}: {e}", b.path.display()));
                }
            }
        }
    }
    let Some(mut history) = all.filter(|_| problems.is_empty()) else {
        for p in &problems {
            say(p);
        }
        eprintln!("lra: no history was written");
        return Ok(ExitCode::FAILURE);
    };
    history.set_change_point_alpha(alpha);
    let write = |out: &mut dyn Write| -> io::Result<()> {
        match format {
            HistoryFormat::Json => {
                history.write_json(&mut *out, true)?;
                writeln!(out)
            }
            HistoryFormat::Table => {
                let mut text = Vec::new();
                render::table(&history, &mut text)?;
                render::history(&history, &mut text)?;
                out.write_all(&text)
            }
            HistoryFormat::Csv => history.write_csv(&mut &mut *out),
            HistoryFormat::Html => {
                out.write_all(lra_session::report_html(&history, lra_session::BUNDLED_ECHARTS).as_bytes())
            }
        }
    };
    match output {
        None => {
            let mut out = BufWriter::new(io::stdout().lock());
            write(&mut out)?;
            out.flush()?;
        }
        Some(path) if crate::object_url::url_of(path).is_some() => write_object(path, &store, write)?,
        Some(path) => write_whole(path, write)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `lra merge`: all or nothing, since a merge that silently left a file out would be wrong.
fn merge(output: Option<&Path>, store: &input::StoreConfig, paths: &[PathBuf]) -> io::Result<ExitCode> {
    let mut problems = Vec::new();
    // The merged summary, and the file whose rules it has.
    let mut merged: Option<(Summary, String)> = None;
    input::for_each_saved(paths, store, |saved| match (saved, &mut merged) {
        (Err(problem), _) => problems.push(problem),
        (Ok((name, saved)), None) => merged = Some((saved, name)),
        (Ok((name, saved)), Some((summary, first))) => {
            if let Err(e) = summary.merge(saved) {
                problems.push(format!("{name}: read by other rules than {first}: {e}"));
            }
        }
    });
    if !problems.is_empty() {
        for p in &problems {
            say(p);
        }
        eprintln!("lra: nothing was merged");
        return Ok(ExitCode::FAILURE);
    }
    let (summary, _) = merged.expect("at least one file, each read");
    warn_about_files(&summary);
    let write_json = |out: &mut dyn Write| -> io::Result<()> {
        summary.write_json(&mut *out, true)?;
        writeln!(out)
    };
    match output {
        None => {
            let mut out = BufWriter::new(io::stdout().lock());
            write_json(&mut out)?;
            out.flush()?;
        }
        Some(path) if crate::object_url::url_of(path).is_some() => write_object(path, store, write_json)?,
        Some(path) => write_whole(path, |out| write_json(out))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn list(null: bool, store: &input::StoreConfig, paths: &[PathBuf]) -> io::Result<ExitCode> {
    use std::os::unix::ffi::OsStrExt;
    let (names, problems) = input::list(paths, store);
    let mut out = BufWriter::new(io::stdout().lock());
    for name in names {
        match null {
            true => out.write_all(name.as_bytes()).and_then(|()| out.write_all(b"\0"))?,
            // For people: a name that holds a line break or a terminal's controls is shown as
            // every name from an input is (lra_core::as_printed), one a line.
            false => writeln!(out, "{}", as_printed(&name.to_string_lossy()))?,
        }
    }
    out.flush()?;
    for p in &problems {
        say(p);
    }
    Ok(if problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Writes the object `url` with what `write` writes, as it is written.
#[cfg(feature = "store")]
fn write_object(
    url: &Path,
    store: &input::StoreConfig,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()> + Send,
) -> io::Result<()> {
    let url = url.to_string_lossy();
    let (reader, writer) = io::pipe()?;
    std::thread::scope(|scope| {
        let writing = scope.spawn(move || {
            let mut out = BufWriter::with_capacity(1 << 20, writer);
            write(&mut out).and_then(|()| out.flush())
        });
        // The upload is completed only if the writer ended well: its end of the pipe closes
        // either way.
        let written = || match writing.join() {
            Ok(written) => written.map_err(|e| e.to_string()),
            Err(_) => Err("the summary's writer stopped".to_owned()),
        };
        store::write(&url, store, reader, written)
            .map_err(|e| io::Error::other(format!("{}: {e}", crate::object_url::shown_url(&url))))
    })
}

#[cfg(not(feature = "store"))]
fn write_object(
    url: &Path,
    _: &input::StoreConfig,
    _: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    Err(io::Error::other(format!("{}: this lra was built without object storage (the `store` feature)", url.display())))
}

/// Writes `path` through a file beside it, renamed over it once whole, so that a reader never
/// sees half a summary and a failed write leaves the old one. The file beside it is made anew
/// (`O_CREAT | O_EXCL`, which never follows a symlink), under a name no one can plant in
/// advance; it is removed if anything fails.
fn write_whole(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let named = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
    let (partial, file) = create_partial(path).map_err(named)?;
    let mut out = BufWriter::new(file);
    let written = write(&mut out).and_then(|()| out.flush()).and_then(|()| out.get_ref().sync_all());
    drop(out);
    if let Err(e) = written.and_then(|()| std::fs::rename(&partial, path)) {
        let _ = std::fs::remove_file(&partial);
        return Err(named(e));
    }
    Ok(())
}

/// A new file in `path`'s folder, named `path.<pid>-<random>.partial`: created exclusively, so
/// that nothing already there (a file, a symlink planted to make us write elsewhere) is ever
/// opened; another name is drawn if one is taken.
fn create_partial(path: &Path) -> io::Result<(PathBuf, std::fs::File)> {
    use std::hash::{BuildHasher, Hasher};
    let mut tries = 0;
    loop {
        // RandomState's keys come from the system's random source (once a thread, then stepped).
        let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
        let mut partial = path.as_os_str().to_owned();
        partial.push(format!(".{}-{random:016x}.partial", std::process::id()));
        let partial = PathBuf::from(partial);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&partial) {
            Ok(file) => return Ok((partial, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 16 => tries += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Under the table, the first failed run of this many failing tests (the first in the table),
/// each in at most this many lines.
const FIRST_RUNS_SHOWN: usize = 5;
const FIRST_RUN_LINES: usize = 8;

fn show(place: &str, context: usize, read: &ReadArgs) -> io::Result<ExitCode> {
    let place = match show::Place::parse(place) {
        Ok(p) => p,
        Err(e) => {
            say(&e);
            return Ok(ExitCode::from(2));
        }
    };
    // The file itself, or the archive or object that holds it.
    let store = read.store.config();
    let input = place.input(&store);
    let (summary, failed, _) = read_logs(read, &[PathBuf::from(&input)])?;
    if failed {
        return Ok(ExitCode::FAILURE);
    }
    let mut out = BufWriter::new(io::stdout().lock());
    show::show(&summary, &input, &store, &place, context, &mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// One side of a diff: a saved summary, with its own rules, or logs.
fn side(read: &ReadArgs, path: &Path) -> io::Result<Option<Summary>> {
    match input::open_saved(path) {
        Ok(Some(s)) => return Ok(Some(s)),
        Ok(None) => {}
        Err(e) => {
            say(&format!("{}: {e}", path.display()));
            return Ok(None);
        }
    }
    let (summary, failed, _) = read_logs(read, &[path.to_owned()])?;
    Ok((!failed).then_some(summary))
}

fn diff(
    format: DiffFormat,
    fail_on: Option<gates::FailOn>,
    alpha: f64,
    read: &ReadArgs,
    base: &Path,
    current: &Path,
) -> io::Result<ExitCode> {
    let (Some(base), Some(current)) = (side(read, base)?, side(read, current)?) else {
        return Ok(ExitCode::FAILURE);
    };
    if let Err(e) = base.can_merge(&current) {
        eprintln!(
            "lra: warning: the two sides were read by different rules ({}); names may not match",
            as_printed(&e.to_string())
        );
    }
    let diff = Diff::between(&base, &current, alpha);
    let mut out = BufWriter::new(io::stdout().lock());
    match format {
        DiffFormat::Json => writeln!(out, "{}", diff.to_json_pretty())?,
        DiffFormat::Table => render::diff(&diff, &mut out)?,
        DiffFormat::Markdown => markdown::diff(&diff, &current, &mut out)?,
    }
    out.flush()?;
    Ok(gates::verdict(fail_on.map(|gate| gates::fail_on(gate, &diff, &current))))
}

fn plan(target_rate: f64, format: PlanFormat, read: &ReadArgs, path: &Path) -> io::Result<ExitCode> {
    let Some(summary) = side(read, path)? else {
        return Ok(ExitCode::FAILURE);
    };
    let plan = Plan::of(&summary, target_rate);
    let mut out = BufWriter::new(io::stdout().lock());
    match format {
        PlanFormat::Json => writeln!(out, "{}", plan.to_json_pretty())?,
        PlanFormat::Table => render::plan(&plan, &mut out)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn quarantine_of(
    runner: Runner,
    select: Select,
    format: quarantine::QuarantineFormat,
    read: &ReadArgs,
    path: &Path,
) -> io::Result<ExitCode> {
    let Some(summary) = side(read, path)? else {
        return Ok(ExitCode::FAILURE);
    };
    let quarantine = Quarantine::of(&summary, runner, select);
    let mut out = BufWriter::new(io::stdout().lock());
    quarantine::print(&quarantine, format, &mut out, &mut io::stderr().lock())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn parse_style(name: &str) -> Result<GenStyle, String> {
    GenStyle::ALL.iter().find(|(_, n)| *n == name).map(|&(s, _)| s).ok_or_else(|| {
        let names: Vec<&str> = GenStyle::ALL.iter().map(|(_, n)| *n).collect();
        format!("expected one of {}", names.join(", "))
    })
}

fn generate(options: GenOptions, size: Option<u64>) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    match size {
        None => lra_core::generate(options, &mut out)?,
        Some(size) => {
            let mut g = lra_core::Generator::new(GenOptions { iterations: u64::MAX, ..options });
            let (mut written, mut buf) = (0u64, Vec::new());
            while written < size && g.next_iteration(&mut buf) {
                out.write_all(&buf)?;
                written += buf.len() as u64;
                buf.clear();
            }
        }
    }
    out.flush()
}

/// A significance level: above 0, under 1.
fn parse_alpha(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(a) if a > 0.0 && a < 1.0 => Ok(a),
        _ => Err(format!("{s:?} is not a significance level: give a number above 0 and under 1 (0.01)")),
    }
}

/// A failure rate to show tests under: above 0, under 1.
fn parse_target_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if r > 0.0 && r < 1.0 => Ok(r),
        _ => Err(format!("{s:?} is not a target failure rate: give a number above 0 and under 1 (0.01)")),
    }
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("{s:?} is not a number from 0 to 1")),
    }
}

/// Sizes such as `300M`, `2G`, `512K` or plain bytes (powers of 1024).
fn parse_size(s: &str) -> Result<u64, String> {
    let (digits, shift) = match s.char_indices().last() {
        Some((i, 'K' | 'k')) => (&s[..i], 10),
        Some((i, 'M' | 'm')) => (&s[..i], 20),
        Some((i, 'G' | 'g')) => (&s[..i], 30),
        _ => (s, 0),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .ok_or_else(|| format!("{s:?} is not a size such as 300M or 2G"))
}
