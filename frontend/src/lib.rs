//! The browser entry point: hydrates the server-rendered HTML with the same `App`.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes: the current page's WASM chunk is fetched before its HTML is hydrated.
    leptos::mount::hydrate_lazy(app::App);
}
