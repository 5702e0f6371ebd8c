//! The embedding API for portals and automation:
//!
//! - `window.LogResultAccumulator.analyze(files)` adds an array of File or Blob objects;
//! - `window.LogResultAccumulator.summary()` resolves, once every file given so far has been
//!   analysed, to the `lra-summary/1` object, or to `null` when no file was given;
//! - `window.LogResultAccumulator.status()` is the engine's state now (see `ForEmbedding::status`);
//! - inside an iframe, `{type: "lra:analyze", files}` and `{type: "lra:watch"}` are accepted from
//!   the parent window only, and only when its origin is allowed: the page's own, or one listed
//!   by the host in `embedders.json` beside `index.html` (docs/design.md, "Threat model"). Once an
//!   allowed parent has sent either, each completed analysis is posted to that origin, never to
//!   `"*"`, as `{type: "lra:summary", summary}`. A parent that never asks is never sent the
//!   summary, so that a million tests are not decoded for nobody; one that is not allowed is
//!   sent nothing, and the page says so.
//!
//! The summary is built in the engine worker and decoded here only when it is asked for. The
//! engine is driven through [`ForEmbedding`], which does only what this API needs; what the
//! page shares is this module's own signal, [`Embedding`], shown by the page's header.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, MessageEvent, RequestCache, RequestInit, RequestMode, Response, Window};

use crate::batches::Input;
use crate::engine_handle::ForEmbedding;

/// Where the host lists the origins allowed to embed the app, beside `index.html`.
const EMBEDDERS_URL: &str = "./embedders.json";

/// Messages from the parent kept while the allow-list loads; more are dropped, so that a
/// parent cannot grow the page's memory before it is judged.
const WAITING_MOST: usize = 64;

/// What the page shares with the page around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Embedding {
    /// Not inside a frame.
    Top,
    /// Inside a frame whose page has not asked for the summaries.
    Framed,
    /// The page around it, of this origin, asked and is allowed: each summary is posted to it.
    SharedWith(String),
    /// The page around it, of this origin, asked but is not allowed: nothing is posted to it.
    NotShared(String),
}

impl Embedding {
    /// The line the page shows about it; `None` when not framed.
    pub fn message(&self) -> Option<String> {
        match self {
            Embedding::Top => None,
            Embedding::Framed => Some("Inside another page: not shared with it.".to_owned()),
            Embedding::SharedWith(origin) => {
                Some(format!("Shared with {origin}: the page around this one receives each summary."))
            }
            Embedding::NotShared(origin) => Some(format!(
                "Not shared: {origin} asked for the summaries, but this site does not allow it to embed the app."
            )),
        }
    }
}

/// The origins an `embedders.json` text allows: `{"embedders": ["https://portal.example.com"]}`.
/// A text that is not such an object, or any entry that is not an origin as a browser writes
/// one (`event.origin`), allows none: a mistake never widens who may embed the app.
pub fn allowed_embedders(text: &str) -> Vec<String> {
    let Ok(serde_json::Value::Object(object)) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let Some(serde_json::Value::Array(list)) = object.get("embedders") else { return Vec::new() };
    let origins: Option<Vec<String>> =
        list.iter().map(|v| v.as_str().filter(|s| is_origin(s)).map(str::to_owned)).collect();
    origins.unwrap_or_default()
}

/// Whether `text` is an http(s) origin exactly as a browser serializes one: a lower-case
/// scheme and host, a port only when not the scheme's default, and nothing else (no path,
/// user, query or trailing slash). `null` (an opaque origin) is not one.
fn is_origin(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else { return false };
    let default_port = match scheme {
        "https" => "443",
        "http" => "80",
        _ => return false,
    };
    let (host, port) = match rest.rfind(':') {
        // An IPv6 host's colons are inside its brackets.
        Some(i) if !rest[i..].contains(']') => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    let host_ok = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        !v6.is_empty() && v6.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f' | ':' | '.'))
    } else {
        !host.is_empty()
            && host
                .split('.')
                .all(|label| !label.is_empty() && label.chars().all(|c| matches!(c, 'a'..='z' | '0'..='9' | '-')))
    };
    let port_ok =
        port.is_none_or(|p| !p.starts_with('0') && p != default_port && p.parse::<u16>().is_ok_and(|n| n > 0));
    host_ok && port_ok
}

/// Installs `window.LogResultAccumulator` and, in an iframe, the message bridge; returns what
/// the page shares with the page around it.
pub fn install(engine: ForEmbedding) -> ReadSignal<Embedding> {
    let embedding = RwSignal::new(Embedding::Top);
    let Some(window) = web_sys::window() else {
        return embedding.read_only();
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
        embedding.set(Embedding::Framed);
        Bridge::install(&window, parent, engine, embedding);
    }
    embedding.read_only()
}

/// The iframe's side of the `lra:*` messages.
struct Bridge {
    engine: ForEmbedding,
    embedding: RwSignal<Embedding>,
    parent: Window,
    /// The allowed origins; `None` until `embedders.json` has been read.
    allowed: Option<Vec<String>>,
    /// Messages that came before the allow-list, judged once it is read.
    waiting: Vec<MessageEvent>,
    /// The origin the summaries are posted to: the last allowed one that asked.
    shared_with: Option<String>,
}

impl Bridge {
    fn install(window: &Window, parent: Window, engine: ForEmbedding, embedding: RwSignal<Embedding>) {
        let bridge = Rc::new(RefCell::new(Bridge {
            engine,
            embedding,
            parent,
            allowed: None,
            waiting: Vec::new(),
            shared_with: None,
        }));
        let on_message = {
            let bridge = bridge.clone();
            Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| Bridge::receive(&bridge, event))
        };
        let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
        on_message.forget();
        // The page's own origin is always allowed, unless it is opaque ("null"), which any
        // sandboxed page shares.
        let own = window.location().origin().ok().filter(|o| is_origin(o));
        wasm_bindgen_futures::spawn_local(async move {
            let mut allowed = allowed_embedders(&fetch_embedders().await.unwrap_or_default());
            allowed.extend(own);
            let waiting = {
                let mut b = bridge.borrow_mut();
                b.allowed = Some(allowed);
                std::mem::take(&mut b.waiting)
            };
            for event in waiting {
                Bridge::receive(&bridge, event);
            }
        });
    }

    /// An `lra:*` message from the parent: kept until the allow-list is read, then judged by
    /// its sender's origin.
    fn receive(bridge: &Rc<RefCell<Bridge>>, event: MessageEvent) {
        let mut b = bridge.borrow_mut();
        let from_parent = event.source().is_some_and(|s| Object::is(&s, &b.parent));
        let data = event.data();
        let kind = Reflect::get(&data, &"type".into()).ok().and_then(|t| t.as_string());
        if !from_parent || !matches!(kind.as_deref(), Some("lra:analyze" | "lra:watch")) {
            return;
        }
        let Some(allowed) = &b.allowed else {
            if b.waiting.len() < WAITING_MOST {
                b.waiting.push(event);
            }
            return;
        };
        let origin = event.origin();
        if !allowed.contains(&origin) {
            b.embedding.set(Embedding::NotShared(origin));
            return;
        }
        b.embedding.set(Embedding::SharedWith(origin.clone()));
        if b.shared_with.replace(origin).is_none() {
            let watcher = bridge.clone();
            b.engine.watch(move || Bridge::post_summary(&watcher));
        }
        let engine = b.engine;
        drop(b);
        if kind.as_deref() == Some("lra:analyze")
            && let Ok(inputs) = Reflect::get(&data, &"files".into()).and_then(|files| inputs(&files))
        {
            engine.add(inputs);
        }
    }

    /// Posts the summary to the origin that asked for it, and to no other: if the parent has
    /// since gone to another origin, the browser delivers nothing.
    fn post_summary(bridge: &Rc<RefCell<Bridge>>) {
        let (engine, parent, origin) = {
            let b = bridge.borrow();
            let Some(origin) = b.shared_with.clone() else { return };
            (b.engine, b.parent.clone(), origin)
        };
        engine.summary_object(move |summary| {
            let message = Object::new();
            let _ = Reflect::set(&message, &"type".into(), &"lra:summary".into());
            let _ = Reflect::set(&message, &"summary".into(), &summary);
            let _ = parent.post_message(&message, &origin);
        });
    }
}

/// The text of `embedders.json`, fetched from this origin and never from a cache (a service
/// worker's or the browser's); `None` when it cannot be had.
async fn fetch_embedders() -> Option<String> {
    let window = web_sys::window()?;
    let init = RequestInit::new();
    init.set_cache(RequestCache::NoStore);
    init.set_mode(RequestMode::SameOrigin);
    let response: Response =
        JsFuture::from(window.fetch_with_str_and_init(EMBEDDERS_URL, &init)).await.ok()?.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    JsFuture::from(response.text().ok()?).await.ok()?.as_string()
}

/// The parent window when this page is framed.
fn parent_frame(window: &Window) -> Option<Window> {
    let parent = window.parent().ok().flatten()?;
    (!Object::is(&parent, window)).then_some(parent)
}

fn summary_promise(engine: ForEmbedding) -> Promise {
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

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values from the rule: an origin as `new URL(x).origin` writes it.

    #[test]
    fn origins_as_a_browser_writes_them_are_allowed() {
        let text = r#"{"embedders": ["https://portal.example.com", "http://127.0.0.1:8081", "https://[::1]:8443", "https://xn--bcher-kva.example"]}"#;
        assert_eq!(
            allowed_embedders(text),
            [
                "https://portal.example.com",
                "http://127.0.0.1:8081",
                "https://[::1]:8443",
                "https://xn--bcher-kva.example"
            ]
        );
        assert_eq!(allowed_embedders(r#"{"embedders": []}"#), Vec::<String>::new());
    }

    #[test]
    fn a_list_with_anything_but_origins_allows_none() {
        for bad in [
            "https://portal.example.com/",
            "https://portal.example.com/path",
            "https://user@portal.example.com",
            "https://Portal.example.com",
            "https://portal.example.com:443",
            "http://portal.example.com:80",
            "https://portal.example.com:0",
            "https://portal.example.com:08080",
            "https://portal.example.com:65536",
            "https://portal..example.com",
            "https://*.example.com",
            "*",
            "null",
            "file://",
            "javascript://x",
            "portal.example.com",
            "https://portal.example.com?x",
            "https://portal.example.com#x",
            " https://portal.example.com",
        ] {
            let text = format!(r#"{{"embedders": ["https://ok.example", {}]}}"#, serde_json::json!(bad));
            assert_eq!(allowed_embedders(&text), Vec::<String>::new(), "{bad:?}");
        }
    }

    #[test]
    fn a_missing_or_broken_list_allows_none() {
        for text in [
            "",
            "not json",
            "[]",
            r#"["https://ok.example"]"#,
            r#"{"embedders": "https://ok.example"}"#,
            r#"{"embedders": [1]}"#,
            "<!doctype html><title>404</title>",
        ] {
            assert_eq!(allowed_embedders(text), Vec::<String>::new(), "{text:?}");
        }
    }

    #[test]
    fn the_page_says_what_it_shares() {
        assert_eq!(Embedding::Top.message(), None);
        assert_eq!(Embedding::Framed.message().as_deref(), Some("Inside another page: not shared with it."));
        assert!(
            Embedding::SharedWith("https://a.example".into())
                .message()
                .unwrap()
                .starts_with("Shared with https://a.example")
        );
        assert!(
            Embedding::NotShared("https://b.example".into())
                .message()
                .unwrap()
                .starts_with("Not shared: https://b.example")
        );
    }
}
