//! The reading panel: the logs' format (told by each file, or chosen), and for the markers
//! format which texts open a test, close it and start an iteration, and whether their case
//! matters. Applying re-analyses every file given so far; the choice lives in the URL's hash (see
//! `links`).

use leptos::html;
use leptos::prelude::*;
use lra_core::{DEFAULT_ITERATION_MARKER, DEFAULT_RESULT_MARKER, DEFAULT_TEST_MARKER, LogFormat, Markers, Reading};

use crate::engine_handle::EngineHandle;
use crate::state::AppState;

/// The three marker fields, the case switch, Apply and Reset.
#[component]
pub fn MarkerSettings() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<EngineHandle>();
    let (test, result, iteration) = (NodeRef::<html::Input>::new(), NodeRef::<html::Input>::new(), NodeRef::new());
    let ignore_case = NodeRef::<html::Input>::new();
    let format = NodeRef::<html::Select>::new();
    let per_file = NodeRef::<html::Input>::new();
    let as_builds = NodeRef::<html::Input>::new();
    let (problem, set_problem) = signal(None::<String>);
    let chosen_format = move || format.get().and_then(|s| LogFormat::from_name(&s.value()));
    let apply = move |markers: Result<Markers, String>| match markers {
        Ok(m) => {
            set_problem.set(None);
            engine.set_reading(Reading {
                markers: (&m).into(),
                format: chosen_format(),
                iteration_per_file: per_file.get().is_some_and(|i| i.checked()),
                files_are_builds: as_builds.get().is_some_and(|i| i.checked()),
                ..state.reading()
            });
        }
        Err(e) => set_problem.set(Some(e)),
    };
    let value = |r: NodeRef<html::Input>| r.get().map(|i| i.value()).unwrap_or_default();
    let on_apply = move |_| {
        let case = ignore_case.get().is_some_and(|i| i.checked());
        apply(Markers::new(&value(test), &value(result), &value(iteration), case));
    };
    let field =
        move |label: &'static str, id: &'static str, r: NodeRef<html::Input>, current: fn(&Markers) -> String| {
            view! {
                <label for=id>{label}</label>
                <input id=id type="text" spellcheck="false" node_ref=r
                    prop:value=move || state.markers.with(current) />
            }
        };
    view! {
        <details class="settings"
            open=move || {
                !state.markers.with(Markers::is_default) || state.log_format.get().is_some() || state.iteration_per_file.get()
                    || state.files_are_builds.get()
            }>
            <summary>
                "Reading: " {move || state.log_format.get().map_or("format told by each file".to_owned(), |f| format!("{f} format"))}
                "; markers " {move || state.markers.with(Markers::describe)}
            </summary>
            <label class="case">
                "Log format: "
                <select id="log-format" node_ref=format aria-label="The logs' format"
                    prop:value=move || state.log_format.get().map_or("auto", LogFormat::as_str)>
                    <option value="auto">"told by each file's first lines"</option>
                    <option value="markers">"markers (Test: / Result: / Iteration, or your own)"</option>
                    <option value="gtest">"GoogleTest"</option>
                    <option value="pytest">"pytest -v"</option>
                    <option value="libtest">"cargo test (libtest)"</option>
                    <option value="tap">"TAP"</option>
                    <option value="junit">"JUnit XML"</option>
                    <option value="go">"go test -v"</option>
                    <option value="go-json">"go test -json"</option>
                    <option value="nextest">"cargo-nextest"</option>
                </select>
            </label>
            <p class="hint">
                "A test opens at the test marker (its name follows), closes at the result marker (its word \
                 follows) and counts in the iteration last started by the iteration marker. Spaces count."
            </p>
            <div class="marker-fields">
                {field("Test marker", "test-marker", test, |m| m.test().to_owned())}
                {field("Result marker", "result-marker", result, |m| m.result().to_owned())}
                {field("Iteration marker", "iteration-marker", iteration, |m| m.iteration().to_owned())}
            </div>
            <label class="case">
                <input id="iteration-per-file" type="checkbox" node_ref=per_file
                    prop:checked=move || state.iteration_per_file.get() />
                " Each file is one iteration (a folder of JUnit files, one run each)"
            </label>
            <label class="case">
                <input id="files-are-builds" type="checkbox" node_ref=as_builds
                    prop:checked=move || state.files_are_builds.get() />
                " Files are builds: each file dropped alone, or entry of a dropped folder (a file, an archive, a \
                 subfolder), is one build of a history, in natural order (build-9 before build-10); on by itself \
                 for a folder of archives or subfolders"
            </label>
            <label class="case">
                <input id="ignore-case" type="checkbox" node_ref=ignore_case
                    prop:checked=move || state.markers.with(Markers::ignore_case) />
                " Match the markers in any case"
            </label>
            <div class="controls">
                <button id="apply-markers" on:click=on_apply>"Apply and re-analyse"</button>
                <button on:click=move |_| {
                    apply(Markers::new(DEFAULT_TEST_MARKER, DEFAULT_RESULT_MARKER, DEFAULT_ITERATION_MARKER, false))
                }>"Default markers"</button>
            </div>
            {move || problem.get().map(|p| view! { <p class="marker-problem" role="alert">{p}</p> })}
        </details>
    }
}
