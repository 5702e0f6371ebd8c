//! Deep links: the view, the tests table's filter and sort, and the selected test live in the
//! URL's hash (`#view=flaky&filter=login&sort=failed-desc&test=Apples`). Reloading or sharing the
//! URL restores them; they apply once the same files are given again.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::state::{AppState, View};
use crate::tests_table::Column;

/// Restores the state from the hash, then keeps the hash up to date.
pub fn install(state: AppState) {
    let Some(window) = web_sys::window() else { return };
    let hash = window.location().hash().unwrap_or_default();
    for pair in hash.trim_start_matches('#').split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value: String = js_sys::decode_uri_component(value).map(String::from).unwrap_or_default();
        match key {
            "view" => {
                if let Some(v) = View::from_key(&value) {
                    state.view.set(v);
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
            _ => {}
        }
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
        let hash = format!("#{}", parts.join("&"));
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&hash));
        }
    });
}

fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}
