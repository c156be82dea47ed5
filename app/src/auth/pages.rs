//! 登录 (PG-01) and 修改密码 (PG-03).
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::api::{ChangePassword, Login, new_captcha};
use super::{ChangePasswordInput, LoginInput};
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Locale, use_i18n};
use crate::ui::{ErrorBanner, Field, PageHeader, SuccessBanner, field_errors, hard_navigate};

/// `next` if it is a path on this site (`/…`, not `//host` or `/\host`), else `/`.
pub fn safe_next(next: &str) -> &str {
    let local = next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\");
    if local && !next.starts_with("/login") { next } else { "/" }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin_id = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let answer = RwSignal::new(String::new());
    let refresh = RwSignal::new(0u32);
    let captcha = Resource::new(move || refresh.get(), |_| new_captcha());
    let error = RwSignal::new(None::<AppError>);
    let login = ServerAction::<Login>::new();
    // Where a deep link sent the user before signing in (`/login?next=…`).
    let query = leptos_router::hooks::use_query_map();

    let captcha_required = move || captcha.get().and_then(|c| c.ok()).flatten().is_some();
    let captcha_id = move || captcha.get().and_then(|c| c.ok()).flatten().map(|c| c.id).unwrap_or_default();

    Effect::new(move |_| {
        if let Some(result) = login.value().get() {
            match result {
                Ok(outcome) => {
                    let next = query.with_untracked(|q| q.get("next")).unwrap_or_default();
                    let next = safe_next(&next);
                    hard_navigate(if outcome.must_change_password { "/account/password" } else { next });
                }
                Err(e) => {
                    error.set(Some(e));
                    password.set(String::new());
                    answer.set(String::new());
                    refresh.update(|n| *n += 1);
                }
            }
        }
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let input = LoginInput {
            admin_id: admin_id.get_untracked(),
            password: password.get_untracked(),
            captcha_id: captcha_id(),
            captcha_answer: answer.get_untracked(),
        };
        match input.validate(captcha_required()) {
            Err(e) => error.set(Some(e)),
            Ok(()) => {
                error.set(None);
                login.dispatch(Login { input });
            }
        }
    };
    let clear = move |_| {
        admin_id.set(String::new());
        password.set(String::new());
        answer.set(String::new());
        error.set(None);
    };
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));

    view! {
        <div class="login-page">
            <div class="login-card">
                <div class="login-brand">
                    <span class="logo" aria-hidden="true">"诚"</span>
                    <div>
                        <h1>{move || i18n.t("诚商网客户关系管理系统", "Chengshang CRM")}</h1>
                        <p class="muted">{move || i18n.t("会员服务 · 客服受理 · 履约 · 质检", "Member service workspace")}</p>
                    </div>
                </div>
                <div class="lang login-lang">
                    <button class:active=move || i18n.locale() == Locale::Zh on:click=move |_| i18n.set(Locale::Zh)>
                        "中文"
                    </button>
                    <button class:active=move || i18n.locale() == Locale::En on:click=move |_| i18n.set(Locale::En)>
                        "English"
                    </button>
                </div>
                <ErrorBanner error=general/>
                <form class="form form-stacked" on:submit=on_submit novalidate>
                    <Field label=("管理员ID", "Login ID") id="admin_id" required=true errors=errors>
                        <input id="admin_id" name="admin_id" type="text" autocomplete="username" autofocus bind:value=admin_id/>
                    </Field>
                    <Field label=("密码", "Password") id="password" required=true errors=errors>
                        <input id="password" name="password" type="password" autocomplete="current-password" bind:value=password/>
                    </Field>
                    <Transition fallback=|| ()>
                        {move || {
                            captcha.get().and_then(|c| c.ok()).flatten().map(|c| {
                                view! {
                                    <Field label=("验证码", "Captcha") id="captcha" required=true errors=errors>
                                        <div class="captcha-row">
                                            <input id="captcha" name="captcha" type="text" maxlength="8" autocomplete="off" bind:value=answer/>
                                            <button
                                                type="button"
                                                class="captcha-img"
                                                title=move || i18n.t("看不清?换一张", "Show another image")
                                                on:click=move |_| refresh.update(|n| *n += 1)
                                            >
                                                <img src=c.image alt=move || i18n.t("验证码图片,点击刷新", "Captcha image, click to refresh")/>
                                            </button>
                                        </div>
                                    </Field>
                                }
                            })
                        }}
                    </Transition>
                    <div class="form-buttons">
                        <button type="submit" class="btn btn-primary" disabled=move || login.pending().get()>
                            {move || if login.pending().get() { i18n.t("登录中…", "Signing in…") } else { i18n.t("登录", "Sign in") }}
                        </button>
                        <button type="button" class="btn" on:click=clear>{move || i18n.t("取消", "Cancel")}</button>
                    </div>
                </form>
            </div>
        </div>
    }
}

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = super::use_session_user();
    let old = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(None::<String>);
    let action = ServerAction::<ChangePassword>::new();
    Effect::new(move |_| {
        if let Some(r) = action.value().get() {
            match r {
                Ok(()) => {
                    error.set(None);
                    old.set(String::new());
                    new.set(String::new());
                    confirm.set(String::new());
                    done.set(Some(
                        i18n.t("密码已修改,其他设备上的登录已失效", "Password changed; other sessions were signed out")
                            .into(),
                    ));
                    if user.must_change_password {
                        hard_navigate("/");
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let input = ChangePasswordInput {
            old_password: old.get_untracked(),
            new_password: new.get_untracked(),
            confirm_password: confirm.get_untracked(),
        };
        match input.validate() {
            Err(e) => error.set(Some(e)),
            Ok(()) => {
                error.set(None);
                action.dispatch(ChangePassword { input });
            }
        }
    };
    let errors: Signal<FieldErrors> = Signal::derive(move || field_errors(error.get().as_ref()));
    let general = Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()));
    view! {
        <PageHeader title=("修改密码", "Change password")/>
        {user.must_change_password.then(|| view! {
            <div class="alert alert-warning" role="status">
                {move || i18n.t("首次登录或密码已被重置,请先设置新密码", "Please set a new password before you continue")}
            </div>
        })}
        <div class="card narrow">
            <ErrorBanner error=general/>
            <SuccessBanner message=done/>
            <form class="form" on:submit=on_submit novalidate>
                <Field label=("原密码", "Current password") id="old_password" required=true errors=errors>
                    <input id="old_password" type="password" autocomplete="current-password" bind:value=old/>
                </Field>
                <Field
                    label=("新密码", "New password")
                    id="new_password"
                    required=true
                    errors=errors
                    hint=("8–64 位,须同时包含字母和数字", "8–64 characters with letters and digits")
                >
                    <input id="new_password" type="password" autocomplete="new-password" bind:value=new/>
                </Field>
                <Field label=("确认新密码", "Confirm new password") id="confirm_password" required=true errors=errors>
                    <input id="confirm_password" type="password" autocomplete="new-password" bind:value=confirm/>
                </Field>
                <div class="form-buttons">
                    <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                        {move || i18n.t("保存", "Save")}
                    </button>
                </div>
            </form>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_are_returned_to() {
        assert_eq!(safe_next("/query/member-services?company=x"), "/query/member-services?company=x");
        for bad in ["", "https://evil.example/", "//evil.example", "/\\evil.example", "/login?next=/x", "javascript:x"]
        {
            assert_eq!(safe_next(bad), "/", "{bad}");
        }
    }
}
