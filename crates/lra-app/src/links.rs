//! Deep links: the view, the tests table's filter and sort, and the selected test live in the
//! URL's hash (`#view=flaky&filter=login&sort=failed-desc&test=Apples`), and so does the reading
//! when it is not the default one (`test-marker=TESTCASE%3A%20&ignore-case=1`, the pairs of
//! [`lra_core::Reading::link_pairs`]) and the line the run viewer shows
//! (`lines=build.log%3A1204711`). Reloading or sharing the URL restores them; they apply once the
//! same files are given again.

use leptos::prelude::*;
use lra_core::{READING_LINK_KEYS, Reading};
use wasm_bindgen::JsValue;

use crate::asked::asked_of_summary_then;
use crate::state::{AppState, View};
use lra_protocol::Column;
use lra_protocol::query::FileNamedQuery;

/// Restores the state from the hash, then keeps the hash up to date.
pub fn install(state: AppState) {
    let Some(window) = web_sys::window() else { return };
    let hash = window.location().hash().unwrap_or_default();
    // The viewer's place, opened once a file of that name is in the summary.
    let mut lines: Option<(String, u64)> = None;
    let mut reading_pairs: Vec<(String, String)> = Vec::new();
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
            key if READING_LINK_KEYS.contains(&key) => reading_pairs.push((key.to_owned(), value)),
            _ => {}
        }
    }
    if !reading_pairs.is_empty() {
        let (reading, problems) = Reading::from_link_pairs(reading_pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        state.errors.update(|errs| errs.extend(problems));
        if let Err(e) = state.set_reading(&reading) {
            state.errors.update(|errs| errs.push(e));
        }
    }
    if let Some((name, line)) = lines {
        // Asked of the worker with each summary until a file of that name is in it.
        let pending = StoredValue::new(Some(line));
        let found = asked_of_summary_then(move || FileNamedQuery { name: name.clone() }, |a| a.ok().flatten());
        Effect::new(move |_| {
            if let Some(file) = found.get()
                && let Some(line) = pending.try_update_value(Option::take).flatten()
            {
                let place = lra_protocol::Place { file, line: Some(line), offset: None };
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
        for (key, value) in state.reading_tracked().link_pairs() {
            parts.push(format!("{key}={}", encode(&value)));
        }
        if let Some((name, line)) = state.lines_shown.get() {
            parts.push(format!("lines={}", encode(&format!("{name}:{line}"))));
        }
        let hash = format!("#{}", parts.join("&"));
        // Only when it changed: in the task that made a large summary the call took up to 15 ms
        // (0.15 ms on a page at rest).
        if window.location().hash().ok().as_deref() != Some(hash.as_str())
            && let Ok(history) = window.history()
        {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&hash));
        }
    });
}

fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}
