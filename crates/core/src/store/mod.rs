//! The run store: one SQLite file (WAL) shared safely by the app, CLIs and
//! supervisors. Every state transition is a single conditional UPDATE, so two
//! processes racing on one run can never both win.
//!
//! All SQL lives here, one module per table (or group of tables); the pool
//! never leaves this module, and nothing here knows a domain: values go in
//! and out as model types or plain rows.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use crate::error::{DeskError, Result};
use crate::layout::DataDir;
use crate::run_lock::RunLock;

mod artifact_roots;
mod changes;
mod history;
mod metrics;
mod progress;
mod run_query;
mod runs;
mod settings;
mod sweeps;

pub use artifact_roots::ArtifactRootRow;
pub use changes::ChangeSummary;
pub use history::BackfillRow;
pub use run_query::escape_like;
pub use runs::{Finish, NewRun, ProcessRecord, RunRow};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    pub async fn open(data: &DataDir) -> Result<Store> {
        // The database holds every run's notes, configs and logs: the user's
        // alone. SQLite gives its -wal and -shm files the database's mode.
        crate::layout::private_file(&data.database())?;
        for side in ["-wal", "-shm"] {
            let path = PathBuf::from(format!("{}{side}", data.database().display()));
            if path.is_file() {
                crate::layout::private_file(&path)?;
            }
        }
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(data.database())
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| DeskError::internal(format!("cannot open {}: {e}", data.database().display())))?;
        let store = Store { pool };
        store.migrate(&data.root().join("migrate.lock")).await?;
        Ok(store)
    }

    /// Runs pending migrations under a file lock: two processes starting on a
    /// fresh data dir would otherwise both try to apply the same migration.
    async fn migrate(&self, lock_path: &Path) -> Result<()> {
        let lock_path = lock_path.to_owned();
        let lock = tokio::task::spawn_blocking(move || RunLock::acquire_blocking(&lock_path))
            .await
            .map_err(|e| DeskError::internal(format!("migration lock task failed: {e}")))??;
        let result = MIGRATOR.run(self.pool()).await;
        drop(lock);
        Ok(result?)
    }

    /// The connection pool, for this module's children only.
    fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The pool itself, for tests that plant states no operation makes.
    #[cfg(feature = "test-support")]
    pub fn raw_pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A counter SQLite bumps whenever another connection commits; cheap to
    /// read, so change detection never has to scan the table.
    pub async fn data_version(&self, conn: &mut sqlx::SqliteConnection) -> Result<i64> {
        Ok(sqlx::query_scalar("PRAGMA data_version").fetch_one(conn).await?)
    }

    pub async fn integrity_check(&self) -> Result<String> {
        Ok(sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(self.pool())
            .await?)
    }
}

impl From<sqlx::Error> for DeskError {
    fn from(err: sqlx::Error) -> Self {
        DeskError::internal(format!("database error: {err}"))
    }
}

impl From<sqlx::migrate::MigrateError> for DeskError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        DeskError::internal(format!("database migration failed: {err}"))
    }
}
