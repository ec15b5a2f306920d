//! Reading runs: one run, a page of them, the active ones, a frozen config.

use crate::ctx::Ctx;
use crate::error::Result;
use crate::model::{ListQuery, Run, RunPage, RunStatus};
use crate::run_id::RunId;

pub async fn get(ctx: &Ctx, id: &str) -> Result<Run> {
    let id = RunId::parse(id)?;
    Ok(ctx.to_run(ctx.store().require(&id).await?))
}

pub async fn list(ctx: &Ctx, query: &ListQuery) -> Result<RunPage> {
    let (rows, total) = ctx.store().list(query).await?;
    Ok(RunPage {
        runs: rows.into_iter().map(|r| ctx.to_run(r)).collect(),
        total,
        offset: query.offset.unwrap_or(0),
        limit: query
            .limit
            .unwrap_or(ListQuery::DEFAULT_LIMIT)
            .clamp(1, ListQuery::MAX_LIMIT),
    })
}

pub async fn active_runs(ctx: &Ctx) -> Result<Vec<Run>> {
    let mut rows = ctx.store().with_status(RunStatus::Running).await?;
    rows.extend(ctx.store().with_status(RunStatus::Pending).await?);
    Ok(rows.into_iter().map(|r| ctx.to_run(r)).collect())
}

/// The frozen config.ini of a run.
pub async fn config_text(ctx: &Ctx, id: &str) -> Result<String> {
    let id = RunId::parse(id)?;
    ctx.store().require(&id).await?;
    let path = ctx.data().run(&id).config();
    crate::runfs::read_string(&path, crate::runfs::CONFIG_CAP)
}
