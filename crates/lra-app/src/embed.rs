//! The embedding API for portals and automation:
//!
//! - `window.LogResultAccumulator.analyze(files)` adds an array of File or Blob objects;
//! - `window.LogResultAccumulator.summary()` resolves, once every file given so far has been
//!   analysed, to the `lra-summary/1` object, or to `null` when no file was given;
//! - `window.LogResultAccumulator.status()` is the engine's state now (see `Engine::status`);
//! - inside an iframe, `{type: "lra:analyze", files}` is accepted from the parent window only;
//!   once the parent has sent it or `{type: "lra:watch"}`, each completed analysis is posted to
//!   it as `{type: "lra:summary", summary}`. A parent that never asks is never sent the summary,
//!   so that a million tests are not decoded for nobody.
//!
//! The summary is built in the engine worker and decoded here only when it is asked for.

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{Blob, File, MessageEvent, Window};

use crate::engine::{Engine, Input};

/// Installs `window.LogResultAccumulator` and, in an iframe, the message bridge.
pub fn install(engine: Engine) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let api = Object::new();
    let summary = Closure::<dyn Fn() -> Promise>::new(move || summary_promise(engine));
    let analyze = Closure::<dyn Fn(JsValue) -> Result<Promise, JsValue>>::new(move |files: JsValue| {
        engine.add(inputs(&files)?);
        Ok(summary_promise(engine))
    });
    let status = Closure::<dyn Fn() -> JsValue>::new(move || engine.status());
    let _ = Reflect::set(&api, &"summary".into(), summary.as_ref());
    let _ = Reflect::set(&api, &"analyze".into(), analyze.as_ref());
    let _ = Reflect::set(&api, &"status".into(), status.as_ref());
    let _ = Reflect::set(&window, &"LogResultAccumulator".into(), &api);
    // The API lives as long as the page.
    summary.forget();
    analyze.forget();
    status.forget();

    if let Some(parent) = parent_frame(&window) {
        let watched = std::rc::Rc::new(std::cell::Cell::new(false));
        let to_parent = parent.clone();
        let watch = move || {
            let to_parent = to_parent.clone();
            engine.watch(move || {
                let to_parent = to_parent.clone();
                engine.summary_object(move |summary| {
                    let message = Object::new();
                    let _ = Reflect::set(&message, &"type".into(), &"lra:summary".into());
                    let _ = Reflect::set(&message, &"summary".into(), &summary);
                    // The embedding page is the intended reader; its origin is not known in advance.
                    let _ = to_parent.post_message(&message, "*");
                });
            });
        };
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let from_parent = event.source().is_some_and(|s| Object::is(&s, &parent));
            let data = event.data();
            let kind = Reflect::get(&data, &"type".into()).ok().and_then(|t| t.as_string());
            if !from_parent || !matches!(kind.as_deref(), Some("lra:analyze" | "lra:watch")) {
                return;
            }
            if !watched.replace(true) {
                watch();
            }
            if kind.as_deref() == Some("lra:analyze")
                && let Ok(inputs) = Reflect::get(&data, &"files".into()).and_then(|files| inputs(&files))
            {
                engine.add(inputs);
            }
        });
        let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
        on_message.forget();
    }
}

/// The parent window when this page is framed.
fn parent_frame(window: &Window) -> Option<Window> {
    let parent = window.parent().ok().flatten()?;
    (!Object::is(&parent, window)).then_some(parent)
}

fn summary_promise(engine: Engine) -> Promise {
    Promise::new(&mut |resolve: Function, _reject: Function| engine.when_idle(resolve))
}

/// Files and Blobs from a JS array; a Blob without a name is called `blob-N`.
fn inputs(files: &JsValue) -> Result<Vec<Input>, JsValue> {
    if !Array::is_array(files) {
        return Err(js_sys::TypeError::new("analyze() takes an array of File or Blob objects").into());
    }
    Array::from(files)
        .iter()
        .enumerate()
        .map(|(i, item)| {
            if let Some(file) = item.dyn_ref::<File>() {
                Ok(Input::from_file(file.clone(), None))
            } else if let Some(blob) = item.dyn_ref::<Blob>() {
                Ok(Input { blob: blob.clone(), name: format!("blob-{}", i + 1) })
            } else {
                Err(js_sys::TypeError::new(&format!("item {i} is neither a File nor a Blob")).into())
            }
        })
        .collect()
}
