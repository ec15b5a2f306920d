//! The `settings` table: the app's settings, and other documents stored
//! whole under a key of their own (the cluster profiles).

use super::Store;
use crate::error::Result;
use crate::settings::Settings;

impl Store {
    pub async fn settings(&self) -> Result<Settings> {
        let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = 'settings'")
            .fetch_optional(self.pool())
            .await?;
        // Settings written by an older version may lack newer fields: serde
        // defaults fill them, and a corrupt value falls back to the defaults.
        Ok(value
            .and_then(|v| serde_json::from_str::<Settings>(&v).ok())
            .unwrap_or_default())
    }

    pub async fn save_settings(&self, s: &Settings) -> Result<()> {
        s.validate()?;
        sqlx::query("INSERT INTO settings (key, value) VALUES ('settings', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .bind(serde_json::to_string(s).expect("settings serialise"))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// A document stored whole under `key` (JSON text), if any.
    pub async fn document(&self, key: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Replaces the document stored under `key`.
    pub async fn save_document(&self, key: &str, json: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES (?, ?) \
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(json)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
