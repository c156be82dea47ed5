//! Configuration from the environment (documented in the README).
use std::net::SocketAddr;

use anyhow::Context;
use app::state::Settings;

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub database_url: String,
    pub site_root: String,
    pub demo: bool,
    pub settings: Settings,
}

fn flag(name: &str, default: bool) -> bool {
    match std::env::var(name) {
        Ok(v) => matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "on" | "yes"),
        Err(_) => default,
    }
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let addr = std::env::var("CRM_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
        let mut settings = Settings {
            captcha_enabled: flag("CRM_CAPTCHA", true),
            cookie_secure: flag("CRM_COOKIE_SECURE", false),
            trust_proxy: flag("CRM_TRUST_PROXY", false),
            ..Settings::default()
        };
        if let Ok(n) = std::env::var("CRM_IP_MAX_FAILURES") {
            settings.ip_max_failures = n.parse().context("CRM_IP_MAX_FAILURES")?;
        }
        Ok(Self {
            addr: addr.parse().with_context(|| format!("CRM_ADDR={addr}"))?,
            database_url: std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://data/crm.db?mode=rwc".into()),
            site_root: std::env::var("CRM_SITE_ROOT").unwrap_or_else(|_| "target/site".into()),
            demo: flag("CRM_DEMO", false),
            settings,
        })
    }
}
