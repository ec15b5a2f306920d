//! The user's settings as the shell and the CLI see them: what is stored,
//! with what it resolves to here (the simulator command in effect, an
//! environment override, the data dir).

use crate::ctx::Ctx;
use crate::error::Result;
use crate::settings::{self, Settings, SettingsView};

pub async fn view(ctx: &Ctx) -> Result<SettingsView> {
    let settings = ctx.store().settings().await?;
    Ok(SettingsView {
        effective_simulator: settings::effective_simulator(&settings)
            .map(|c| c.join(" "))
            .unwrap_or_else(|e| format!("(invalid: {})", e.message)),
        simulator_env_override: std::env::var(settings::SIMULATOR_ENV)
            .ok()
            .filter(|v| !v.trim().is_empty()),
        data_dir: ctx.data().root().to_string_lossy().into_owned(),
        settings,
    })
}

/// Saves the settings (validated by the store).
pub async fn save(ctx: &Ctx, settings: &Settings) -> Result<()> {
    ctx.store().save_settings(settings).await
}
