//! The pages' side of jobs: the progress poll (the one server function of jobs), watching a
//! job until it ends, and uploading the file that starts one.
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{JobState, JobStatus};
use crate::error::AppError;

/// The progress of one of the user's jobs.
#[server(endpoint = "jobs/status", input = Json)]
pub async fn get_job_status(id: String) -> Result<JobStatus, AppError> {
    crate::auth::session::serve(crate::auth::session::Access::Login, |ctx, user| async move {
        // A job that is not (or no longer) there: removed a day after it ended.
        let gone = || AppError::rejected(super::INTERRUPTED.0, super::INTERRUPTED.1);
        ctx.state.jobs.get(&id, user.account.id).await?.map(|j| j.status()).ok_or_else(gone)
    })
    .await
}

/// Polls a job until it ends, showing each state in `shown`; returns the final state.
pub async fn watch(mut s: JobStatus, shown: RwSignal<Option<JobStatus>>) -> Result<JobStatus, AppError> {
    shown.set(Some(s.clone()));
    while matches!(s.state, JobState::Queued | JobState::Running) {
        sleep_ms(400).await;
        s = get_job_status(s.id.clone()).await?;
        shown.set(Some(s.clone()));
    }
    Ok(s)
}

/// Waits `ms` milliseconds in the browser.
async fn sleep_ms(ms: i32) {
    #[cfg(feature = "hydrate")]
    {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let _ =
                web_sys::window().expect("window").set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ms;
}

/// Sends the file chosen in `<input type=file id=input_id>` as the body of a POST to `url`
/// (same origin, with the session cookie); the server answers with what it made of it (the
/// job it started, the attachment it keeps).
pub async fn upload<T: serde::de::DeserializeOwned>(url: &str, input_id: &str) -> Result<T, AppError> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let none = || AppError::rejected("请选择要上传的文件", "Choose a file to upload");
        let input: web_sys::HtmlInputElement =
            document().get_element_by_id(input_id).and_then(|e| e.dyn_into().ok()).ok_or_else(none)?;
        let file = input.files().and_then(|f| f.get(0)).ok_or_else(none)?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&file);
        let url =
            format!("{url}{}name={}", if url.contains('?') { "&" } else { "?" }, crate::url::urlencode(&file.name()));
        let failed = |_| AppError::rejected("上传失败,请检查网络后重试", "The upload failed; check the connection");
        let request = web_sys::Request::new_with_str_and_init(&url, &init).map_err(failed)?;
        let response: web_sys::Response = wasm_bindgen_futures::JsFuture::from(window().fetch_with_request(&request))
            .await
            .map_err(failed)?
            .unchecked_into();
        let text = wasm_bindgen_futures::JsFuture::from(response.text().map_err(failed)?).await.map_err(failed)?;
        let text = text.as_string().unwrap_or_default();
        if response.ok() {
            serde_json::from_str(&text).map_err(|e| AppError::Transport(e.to_string()))
        } else {
            Err(serde_json::from_str::<AppError>(&text)
                .unwrap_or_else(|_| AppError::rejected("上传失败", "Upload failed")))
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (url, input_id);
        Err(AppError::rejected("请在浏览器中上传", "Upload from the browser"))
    }
}
