//! Exports: the summary as `lra-summary/1` JSON (the same as `lra summarize --format json`), as
//! CSV, and as a self-contained HTML report. The engine worker builds each file as a Blob of
//! parts (a million tests' JSON is hundreds of MB, too much for one string); the page only saves
//! it, through a local object URL.

use leptos::prelude::*;
use lra_protocol::Export;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, HtmlAnchorElement, Url};

use crate::engine_handle::EngineHandle;
use crate::state::AppState;
use crate::transport::js_text;

/// The export buttons.
#[component]
pub fn ExportBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<EngineHandle>();
    let saved = move |file: Result<(String, Blob), String>| {
        let saved = file
            .and_then(|(name, blob)| save(&blob, &name).map_err(|e| format!("could not save {name}: {}", js_text(&e))));
        if let Err(e) = saved {
            state.errors.update(|errs| errs.push(e));
        }
    };
    let report = move |_| {
        wasm_bindgen_futures::spawn_local(async move {
            // The report inlines the charting library, so that it opens with no network.
            match fetch_text("./echarts.min.js").await {
                Ok(echarts) => engine.export(Export::Report { echarts }, saved),
                Err(e) => state.errors.update(|errs| errs.push(format!("could not build the report: {}", js_text(&e)))),
            }
        });
    };
    view! {
        <div class="exports">
            <button id="export-json" on:click=move |_| engine.export(Export::Json { pretty: true }, saved)>"Export JSON"</button>
            <button id="export-csv" on:click=move |_| engine.export(Export::Csv, saved)>"Export CSV"</button>
            <button id="export-report" on:click=report>"Export report"</button>
        </div>
    }
}

async fn fetch_text(url: &str) -> Result<String, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url)).await?.dyn_into()?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()).into());
    }
    Ok(JsFuture::from(response.text()?).await?.as_string().unwrap_or_default())
}

fn save(blob: &Blob, name: &str) -> Result<(), JsValue> {
    let url = Url::create_object_url_with_blob(blob)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    Url::revoke_object_url(&url)?;
    Ok(())
}
