//! 参数设置 (PG-93) of e-mail: the SMTP server (the password is never shown again: an empty
//! field keeps it) and the sending limits.
use leptos::prelude::*;

use super::api::{load_mail_settings, save_mail_settings};
use super::{MailSettings, TlsMode};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::ui::{ChoiceSelect, ErrorBanner, Field, Loaded, PageHeader, SuccessBanner, field_errors};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_mail_settings());
    view! {
        <PageHeader title=("参数设置", "Settings")/>
        <Loaded data show=|s| view! { <MailForm s=s/> }/>
    }
}

#[component]
fn MailForm(s: MailSettings) -> impl IntoView {
    let i18n = use_i18n();
    let form = RwSignal::new(s);
    let error = RwSignal::new(None::<AppError>);
    let errors = Signal::derive(move || field_errors(error.get().as_ref()));
    let saved = RwSignal::new(None::<String>);
    let text = move |get: fn(&MailSettings) -> &String| move || form.with(|f| get(f).clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = form.get_untracked();
        if let Err(e) = input.validate() {
            error.set(Some(e));
            return;
        }
        leptos::task::spawn_local(async move {
            match save_mail_settings(input).await {
                Ok(s) => {
                    error.set(None);
                    form.set(s);
                    saved.set(Some("参数已保存 / Saved".into()));
                }
                Err(e) => {
                    saved.set(None);
                    error.set(Some(e));
                }
            }
        });
    };
    view! {
        <div class="card">
            <h2>{move || i18n.t("发信服务器(SMTP)", "Mail server (SMTP)")}</h2>
            <p class="muted">{move || i18n.t(
                "会员邮件经此服务器发出。国内云主机通常封禁 25 端口,请使用 465(SSL/TLS)或 587(STARTTLS)。服务器地址留空则邮件排队等待。",
                "Member e-mail leaves through this server. Cloud hosts usually block port 25: use 465 (SSL/TLS) or 587 (STARTTLS). With no host, e-mail waits in the queue.",
            )}</p>
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.field_errors().is_none()))/>
            <SuccessBanner message=saved/>
            <form class="form form-2col" novalidate on:submit=submit>
                <Field label=("服务器地址", "Host") id="host" errors hint=("如 smtp.exmail.qq.com", "e.g. smtp.exmail.qq.com")>
                    <input id="host" type="text" prop:value=text(|f| &f.host) on:input=move |ev| form.update(|f| f.host = event_target_value(&ev))/>
                </Field>
                <Field label=("端口", "Port") id="port" required=true errors>
                    <input id="port" type="number" min="1" max="65535" inputmode="numeric" prop:value=text(|f| &f.port)
                        on:input=move |ev| form.update(|f| f.port = event_target_value(&ev))/>
                </Field>
                <Field label=("加密方式", "Security") id="tls" required=true errors>
                    <ChoiceSelect id="tls" form=true choices=TlsMode::CHOICES value=Signal::derive(text(|f| &f.tls))
                        on_change=Callback::new(move |v| form.update(|f| f.tls = v))/>
                </Field>
                <Field label=("用户名", "User") id="user" errors>
                    <input id="user" type="text" autocomplete="off" prop:value=text(|f| &f.user)
                        on:input=move |ev| form.update(|f| f.user = event_target_value(&ev))/>
                </Field>
                <Field label=("密码", "Password") id="password" errors
                    hint=("已保存的密码不再显示;留空则保持不变", "A stored password is never shown; leave empty to keep it")>
                    <input id="password" type="password" autocomplete="new-password"
                        placeholder=move || if form.with(|f| f.password_set) { "••••••(已设置)" } else { "" }
                        prop:value=text(|f| &f.password) on:input=move |ev| form.update(|f| f.password = event_target_value(&ev))/>
                    {move || form.with(|f| f.password_set).then(|| view! {
                        <label class="checkbox-row">
                            <input type="checkbox" prop:checked=move || form.with(|f| f.clear_password)
                                on:change=move |ev| form.update(|f| f.clear_password = event_target_checked(&ev))/>
                            {i18n.t("清除已保存的密码", "Clear the stored password")}
                        </label>
                    })}
                </Field>
                <Field label=("发件人邮箱", "From address") id="from_address" errors>
                    <input id="from_address" type="email" prop:value=text(|f| &f.from_address)
                        on:input=move |ev| form.update(|f| f.from_address = event_target_value(&ev))/>
                </Field>
                <Field label=("发件人名称", "From name") id="from_name" errors>
                    <input id="from_name" type="text" maxlength="50" prop:value=text(|f| &f.from_name)
                        on:input=move |ev| form.update(|f| f.from_name = event_target_value(&ev))/>
                </Field>
                <Field label=("单批上限(家)", "Batch limit") id="batch_max" required=true errors
                    hint=("主管、经理不受此限(最多 10 万)", "Supervisors and managers may send up to 100,000")>
                    <input id="batch_max" type="number" min="1" inputmode="numeric" prop:value=text(|f| &f.batch_max)
                        on:input=move |ev| form.update(|f| f.batch_max = event_target_value(&ev))/>
                </Field>
                <Field label=("每分钟发送上限", "Per minute") id="rate_per_minute" required=true errors>
                    <input id="rate_per_minute" type="number" min="1" inputmode="numeric" prop:value=text(|f| &f.rate_per_minute)
                        on:input=move |ev| form.update(|f| f.rate_per_minute = event_target_value(&ev))/>
                </Field>
                <div class="form-buttons form-wide">
                    <button type="submit" class="btn btn-primary" data-testid="settings-save">{move || i18n.t("保存", "Save")}</button>
                </div>
            </form>
        </div>
    }
}
