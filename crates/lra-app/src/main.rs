//! The LogResultAccumulator app: drop logs, see every test's counts, charts and anomalies.
//!
//! The UI runs on the page's main thread and never parses nor holds the summary: [`engine`]
//! hands File objects to the engine worker (`web/engine/worker.js`), which streams them through
//! `lra-core`, keeps the merged summary, and answers the page's requests (`lra-protocol`) with
//! only what is on screen: a page of tests, the first flaky tests, the charts' options.
//!
//! The engine client is in layers, each file naming only those below it: [`transport`] (the
//! worker, its messages, its lifeline, the answers awaited), [`batches`] (the files being read,
//! over the rules of [`client`]) and [`watchers`] (the embedding API's waits), then [`engine`],
//! the handle that ties them and that views ask typed queries through, directly or with the
//! hooks of [`asked`].

mod asked;
mod batches;
mod charts;
mod client;
mod embed;
mod engine_handle;
mod exports;
mod history_view;
mod input;
mod later;
mod links;
mod panels;
mod settings;
mod state;
mod tests_table;
mod transport;
mod viewer;
mod views;
mod watchers;

use leptos::prelude::*;

use crate::state::AppState;

fn main() {
    std::panic::set_hook(Box::new(|info| show_fatal(&info.to_string())));
    leptos::mount::mount_to_body(App);
}

/// A panic stops the wasm module; say so on the page rather than leave it blank or frozen.
fn show_fatal(message: &str) {
    web_sys::console::error_1(&message.into());
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if let (Ok(p), Some(body)) = (document.create_element("p"), document.body()) {
        p.set_class_name("fatal");
        p.set_attribute("role", "alert").ok();
        p.set_text_content(Some(&format!(
            "LogResultAccumulator stopped on an internal error ({message}). Your files were not sent anywhere; \
             reload the page to start again."
        )));
        let _ = body.prepend_with_node_1(&p);
    }
}

/// The whole page: input, progress, header, then the views of the summary.
#[component]
fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    let engine = engine_handle::EngineHandle::start(state);
    provide_context(engine);
    charts::Charts::provide();
    let embedding = embed::install(engine.for_embedding());
    links::install(state);
    view! {
        <header class="top">
            <h1>"LogResultAccumulator"</h1>
            <p class="tagline">"Test logs in, results out. Nothing leaves this machine."</p>
            {move || embedding.with(embed::Embedding::message).map(|m| view! { <p class="embedding" id="embedding" role="status">{m}</p> })}
        </header>
        <main>
            <input::InputBar/>
            <panels::Progress/>
            <panels::Errors/>
            <Show
                when=move || state.overview.with(Option::is_some)
                fallback=move || {
                    view! {
                        <panels::Welcome/>
                        <Show when=move || state.view.get() == state::View::Compare>
                            <views::Views/>
                        </Show>
                    }
                }
            >
                <panels::Header/>
                <exports::ExportBar/>
                <later::Later frames=1>
                    <charts::ChartsSection/>
                </later::Later>
                <later::Later frames=2>
                    <views::Views/>
                </later::Later>
                <later::Later frames=3>
                    <panels::Anomalies/>
                    <panels::Files/>
                </later::Later>
                <viewer::RunViewer/>
            </Show>
        </main>
    }
}
