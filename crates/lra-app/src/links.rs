//! Deep links: the view, the tests table's filter and sort, and the selected test live in the
//! URL's hash (`#view=flaky&filter=login&sort=failed-desc&test=Apples`), and so do markers that
//! are not the default ones (`test-marker=TESTCASE%3A%20&ignore-case=1`) and the line the run
//! viewer shows (`lines=build.log%3A1204711`). Reloading or sharing the URL restores them; they
//! apply once the same files are given again.

use leptos::prelude::*;
use lra_core::{LogFormat, Markers};
use wasm_bindgen::JsValue;

use crate::state::{AppState, View};
use lra_protocol::Column;

/// Restores the state from the hash, then keeps the hash up to date.
pub fn install(state: AppState) {
    let Some(window) = web_sys::window() else { return };
    let hash = window.location().hash().unwrap_or_default();
    let mut marker_texts: [Option<String>; 3] = Default::default();
    // The viewer's place, opened once a file of that name is in the summary.
    let mut lines: Option<(String, u64)> = None;
    let mut ignore_case = false;
    for pair in hash.trim_start_matches('#').split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value: String = js_sys::decode_uri_component(value).map(String::from).unwrap_or_default();
        match key {
            "view" => {
                if let Some(v) = View::from_key(&value) {
                    state.view.set(v);
                    state.view_chosen.set(true);
                }
            }
            "filter" => state.filter.set(value),
            "sort" => {
                let (column, order) = match value.rsplit_once('-') {
                    Some((column, order @ ("asc" | "desc"))) => (column, order),
                    _ => (value.as_str(), "desc"),
                };
                if let Some(c) = Column::from_key(column) {
                    state.sort.set((c, order != "asc"));
                }
            }
            "test" => state.selected.set(Some(value)),
            "lines" => lines = value.rsplit_once(':').and_then(|(f, n)| Some((f.to_owned(), n.parse().ok()?))),
            "test-marker" => marker_texts[0] = Some(value),
            "result-marker" => marker_texts[1] = Some(value),
            "iteration-marker" => marker_texts[2] = Some(value),
            "ignore-case" => ignore_case = value == "1",
            "iteration-per-file" => state.iteration_per_file.set(value == "1"),
            "format" => match LogFormat::from_name(&value) {
                Some(f) => state.log_format.set(Some(f)),
                None => state.errors.update(|errs| errs.push(format!("the link's log format {value:?} is not known"))),
            },
            _ => {}
        }
    }
    if marker_texts.iter().any(Option::is_some) || ignore_case {
        let m = Markers::default();
        let [t, r, i] = marker_texts;
        let (t, r, i) = (
            t.as_deref().unwrap_or(m.test()),
            r.as_deref().unwrap_or(m.result()),
            i.as_deref().unwrap_or(m.iteration()),
        );
        match Markers::new(t, r, i, ignore_case) {
            Ok(markers) => state.markers.set(markers),
            Err(e) => state.errors.update(|errs| errs.push(format!("the link's markers are not valid: {e}"))),
        }
    }
    if let Some((name, line)) = lines {
        let pending = StoredValue::new(Some((name, line)));
        Effect::new(move |_| {
            let file = state.overview.with(|o| {
                let (name, _) = pending.with_value(|p| p.clone())?;
                o.as_ref()?.file_rows.iter().position(|f| f.name == name)
            });
            if let Some(file) = file
                && let Some((_, line)) = pending.try_update_value(Option::take).flatten()
            {
                let place = lra_protocol::Place { file: file as u32, line: Some(line), offset: None };
                state.viewer.set(Some(crate::state::Target::at(place, None)));
            }
        });
    }
    Effect::new(move |_| {
        let mut parts = vec![format!("view={}", state.view.get().key())];
        let filter = state.filter.get();
        if !filter.is_empty() {
            parts.push(format!("filter={}", encode(&filter)));
        }
        let (column, descending) = state.sort.get();
        parts.push(format!("sort={}-{}", column.key(), if descending { "desc" } else { "asc" }));
        if let Some(test) = state.selected.get() {
            parts.push(format!("test={}", encode(&test)));
        }
        state.markers.with(|m| {
            let default = Markers::default();
            for (key, text, default) in [
                ("test-marker", m.test(), default.test()),
                ("result-marker", m.result(), default.result()),
                ("iteration-marker", m.iteration(), default.iteration()),
            ] {
                if text != default {
                    parts.push(format!("{key}={}", encode(text)));
                }
            }
            if m.ignore_case() {
                parts.push("ignore-case=1".to_owned());
            }
        });
        if let Some(f) = state.log_format.get() {
            parts.push(format!("format={f}"));
        }
        if state.iteration_per_file.get() {
            parts.push("iteration-per-file=1".to_owned());
        }
        if let Some((name, line)) = state.lines_shown.get() {
            parts.push(format!("lines={}", encode(&format!("{name}:{line}"))));
        }
        let hash = format!("#{}", parts.join("&"));
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&hash));
        }
    });
}

fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}
