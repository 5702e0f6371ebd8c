//! Getting logs in: the drop zone (files and whole folders), the pickers, the sample button, the
//! name mode and Clear.

use js_sys::{Array, Function, Promise};
use leptos::ev::{DragEvent, KeyboardEvent};
use leptos::html;
use leptos::prelude::*;
use lra_core::{NameMode, Reading};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{FileList, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry};

use crate::batches::Input;
use crate::engine_handle::EngineHandle;
use crate::state::AppState;
use crate::transport::js_text;

/// The drop zone and the controls beside it.
#[component]
pub fn InputBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<EngineHandle>();
    let files_input = NodeRef::<html::Input>::new();
    let folder_input = NodeRef::<html::Input>::new();
    let (over, set_over) = signal(false);
    let open_picker = move || {
        if let Some(input) = files_input.get() {
            input.click();
        }
    };
    let picked = move |input: Option<web_sys::HtmlInputElement>| {
        if let Some(input) = input {
            if let Some(list) = input.files() {
                engine.add(from_file_list(&list));
            }
            // Picking the same files again must fire `change` again.
            input.set_value("");
        }
    };
    // `webkitdirectory` turns the second picker into a folder picker.
    Effect::new(move |_| {
        if let Some(input) = folder_input.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });
    view! {
        <section class="input" aria-label="Add logs">
            <div
                class="drop"
                class:over=over
                role="button"
                tabindex="0"
                on:click=move |_| open_picker()
                on:keydown=move |ev: KeyboardEvent| {
                    if ev.key() == "Enter" || ev.key() == " " {
                        ev.prevent_default();
                        open_picker();
                    }
                }
                on:dragover=move |ev: DragEvent| {
                    ev.prevent_default();
                    set_over.set(true);
                }
                on:dragleave=move |_| set_over.set(false)
                on:drop=move |ev: DragEvent| {
                    ev.prevent_default();
                    set_over.set(false);
                    dropped(&ev, state, engine);
                }
            >
                <strong>"Drop logs or folders here"</strong>
                <span>" or click to choose files. Files added later add to the summary."</span>
            </div>
            <input type="file" multiple class="hidden" node_ref=files_input aria-hidden="true" tabindex="-1"
                on:change=move |_| picked(files_input.get()) />
            <input type="file" multiple class="hidden" node_ref=folder_input aria-hidden="true"
                tabindex="-1" on:change=move |_| picked(folder_input.get()) />
            <div class="controls">
                <button on:click=move |_| {
                    if let Some(i) = folder_input.get() {
                        i.click();
                    }
                }>"Choose a folder"</button>
                <button id="sample" on:click=move |_| engine.sample()>"Try a sample log"</button>
                <label>
                    "Test names: "
                    <select
                        aria-label="How test names are read"
                        on:change=move |ev| {
                            let mode = NameMode::from_name(&event_target_value(&ev)).unwrap_or_default();
                            engine.set_reading(Reading { name_mode: mode, ..state.reading() });
                        }
                        prop:value=move || state.name_mode.get().as_str()
                    >
                        <option value="line">"whole line after Test:"</option>
                        <option value="first-word">"first word after Test:"</option>
                    </select>
                </label>
                <button id="clear" on:click=move |_| {
                    engine.clear();
                    state.errors.set(Vec::new());
                }>"Clear"</button>
            </div>
            <crate::settings::MarkerSettings/>
        </section>
    }
}

fn from_file_list(list: &FileList) -> Vec<Input> {
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|f| {
            // A folder pick names files by their path inside the folder.
            let path = js_sys::Reflect::get(&f, &"webkitRelativePath".into()).ok().and_then(|p| p.as_string());
            let name = path.filter(|p| !p.is_empty());
            Input::from_file(f, name)
        })
        .collect()
}

/// Takes the dropped entries now (the browser empties the list after the event), then walks
/// folders asynchronously, in sorted order.
fn dropped(ev: &DragEvent, state: AppState, engine: EngineHandle) {
    let Some(dt) = ev.data_transfer() else { return };
    let items = dt.items();
    let entries: Vec<FileSystemEntry> = (0..items.length())
        .filter_map(|i| items.get(i))
        .filter_map(|item| item.webkit_get_as_entry().ok().flatten())
        .collect();
    if entries.is_empty() {
        if let Some(files) = dt.files() {
            engine.add(from_file_list(&files));
        }
        return;
    }
    let started = engine.epoch();
    wasm_bindgen_futures::spawn_local(async move {
        let mut inputs = Vec::new();
        let mut errors = Vec::new();
        for entry in entries {
            walk(entry, &mut inputs, &mut errors).await;
        }
        // Cleared or cancelled while the folders were listed: drop them.
        if engine.epoch() != started {
            return;
        }
        if !errors.is_empty() {
            state.errors.update(|e| e.extend(errors));
        }
        engine.add(inputs);
    });
}

async fn walk(entry: FileSystemEntry, inputs: &mut Vec<Input>, errors: &mut Vec<String>) {
    let mut stack = vec![entry];
    while let Some(entry) = stack.pop() {
        let path = entry.full_path().trim_start_matches('/').to_owned();
        if entry.is_directory() {
            let reader = entry.unchecked_into::<FileSystemDirectoryEntry>().create_reader();
            let mut children = Vec::new();
            loop {
                let batch =
                    callback_promise(|ok, err| reader.read_entries_with_callback_and_callback(ok, err).map(|_| ()))
                        .await;
                match batch {
                    Ok(list) => {
                        let list = Array::from(&list);
                        if list.length() == 0 {
                            break;
                        }
                        children.extend(list.iter().map(|e| e.unchecked_into::<FileSystemEntry>()));
                    }
                    Err(e) => {
                        errors.push(format!("{path}: {}", js_text(&e)));
                        break;
                    }
                }
            }
            children.sort_by_key(|e| std::cmp::Reverse(e.name()));
            stack.extend(children);
        } else {
            let file_entry = entry.unchecked_into::<FileSystemFileEntry>();
            match callback_promise(|ok, err| {
                file_entry.file_with_callback_and_callback(ok, err);
                Ok(())
            })
            .await
            {
                Ok(file) => inputs.push(Input::from_file(file.unchecked_into(), Some(path))),
                Err(e) => errors.push(format!("{path}: {}", js_text(&e))),
            }
        }
    }
}

/// Awaits a success/error callback pair as a promise.
async fn callback_promise(call: impl FnOnce(&Function, &Function) -> Result<(), JsValue>) -> Result<JsValue, JsValue> {
    let mut call = Some(call);
    let promise = Promise::new(&mut |ok, err| {
        if let Some(Err(e)) = call.take().map(|call| call(&ok, &err)) {
            let _ = err.call1(&JsValue::NULL, &e);
        }
    });
    JsFuture::from(promise).await
}
