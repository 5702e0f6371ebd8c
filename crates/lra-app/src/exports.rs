//! Exports: the summary as `lra-summary/1` JSON (the same as `lra summarize --format json`) and
//! as CSV, saved through a local object URL.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

use crate::state::AppState;

/// The export buttons.
#[component]
pub fn ExportBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let export = move |csv: bool| {
        let Some(s) = state.summary.get_untracked() else {
            return;
        };
        let (text, name, mime) = if csv {
            (s.to_csv(), "lra-summary.csv", "text/csv")
        } else {
            (s.to_json_pretty(), "lra-summary.json", "application/json")
        };
        if let Err(e) = save(&text, name, mime) {
            state.errors.update(|errs| errs.push(format!("could not save {name}: {}", crate::engine::js_text(&e))));
        }
    };
    let report = move |_| {
        let Some(s) = state.summary.get_untracked() else { return };
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = crate::report::export(&s).await {
                state
                    .errors
                    .update(|errs| errs.push(format!("could not save the report: {}", crate::engine::js_text(&e))));
            }
        });
    };
    view! {
        <div class="exports">
            <button id="export-json" on:click=move |_| export(false)>"Export JSON"</button>
            <button id="export-csv" on:click=move |_| export(true)>"Export CSV"</button>
            <button id="export-report" on:click=report>"Export report"</button>
        </div>
    }
}

pub(crate) fn save(text: &str, name: &str, mime: &str) -> Result<(), JsValue> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    Url::revoke_object_url(&url)?;
    Ok(())
}
