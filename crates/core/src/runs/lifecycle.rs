//! A run's life from the outside: created (folder, frozen config, PENDING
//! row) and handed to its executor, cancelled, waited for, deleted. Which
//! executor a run belongs to is its parsed placement; nothing here knows
//! what an executor does.

use std::time::{Duration, Instant};

use crate::configs::Configs;
use crate::ctx::Ctx;
use crate::error::{DeskError, ErrorCode, Result};
use crate::events::RunEvent;
use crate::exec::slurm::profile::{self, ClusterProfile};
use crate::exec::Executors;
use crate::layout::create_private_dir;
use crate::model::{CreateRunRequest, Lineage, Placement, Run, RunStatus};
use crate::run_id::RunId;
use crate::settings;
use crate::store::NewRun;
use crate::timestamp;

use super::names::validate_name;

/// Announces a run's row and returns it; `not_found` when another process
/// deleted it meanwhile (a finished run can go at any time).
pub async fn updated(ctx: &Ctx, id: &RunId) -> Result<Run> {
    ctx.emit_row(id)
        .await?
        .ok_or_else(|| DeskError::not_found(format!("no run with id {id}")))
}

/// Creates a run: a fresh id, its folder with the frozen config.ini, a
/// PENDING row; then its executor starts it if it can (a free slot here,
/// a submission to its cluster).
pub async fn create(ex: &Executors, req: &CreateRunRequest) -> Result<Run> {
    let run = create_queued(ex.ctx(), req, &Lineage::default()).await?;
    start_placed(ex, [run.placement()]).await?;
    Ok(super::get(ex.ctx(), &run.id).await.unwrap_or(run))
}

/// Creates several runs at once: every request is checked before any run
/// is made; then each executor starts its runs once (a cluster gets its
/// runs as one job array).
pub async fn create_many(ex: &Executors, reqs: &[CreateRunRequest]) -> Result<Vec<Run>> {
    for (i, req) in reqs.iter().enumerate() {
        let numbered = |e: DeskError| DeskError::new(e.code, format!("run {}: {}", i + 1, e.message));
        Configs::new(ex.ctx())
            .resolve_config(req)
            .await
            .map_err(numbered)?;
        resolve_cluster(ex.ctx(), req.executor.as_deref())
            .await
            .map_err(numbered)?;
    }
    let runs: Vec<(CreateRunRequest, Lineage)> =
        reqs.iter().map(|r| (r.clone(), Lineage::default())).collect();
    create_batch(ex, &runs).await
}

/// Creates already checked runs, each with its lineage, then has each
/// executor start what it was given.
pub async fn create_batch(ex: &Executors, reqs: &[(CreateRunRequest, Lineage)]) -> Result<Vec<Run>> {
    let mut created = Vec::with_capacity(reqs.len());
    let mut failure = None;
    for (req, lineage) in reqs {
        match create_queued(ex.ctx(), req, lineage).await {
            Ok(run) => created.push(run),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    // The runs already queued start even when a later one could not be
    // made: nothing else would start them until some other run ends.
    start_placed(ex, created.iter().map(Run::placement)).await?;
    if let Some(e) = failure {
        return Err(if created.is_empty() {
            e
        } else {
            DeskError::new(
                e.code,
                format!(
                    "{} of {} runs were created and queued; the next failed: {}",
                    created.len(),
                    reqs.len(),
                    e.message
                ),
            )
        });
    }
    let mut runs = Vec::with_capacity(created.len());
    for run in created {
        runs.push(super::get(ex.ctx(), &run.id).await.unwrap_or(run));
    }
    Ok(runs)
}

/// Starts what was just queued: each executor that was given a run starts
/// its ready runs once, whatever the mix of placements.
async fn start_placed(ex: &Executors, placements: impl IntoIterator<Item = Placement>) -> Result<()> {
    let placements: Vec<Placement> = placements.into_iter().collect();
    for executor in ex.all() {
        if placements.iter().any(|p| executor.serves(p)) {
            executor.start_ready(ex).await?;
        }
    }
    Ok(())
}

/// Every executor starts what is ready (after a limit was raised, a run
/// ended elsewhere, a start-up).
pub async fn start_ready(ex: &Executors) -> Result<()> {
    for executor in ex.all() {
        executor.start_ready(ex).await?;
    }
    Ok(())
}

/// Starts queued runs of this machine while slots are free (after the
/// limit was raised; clusters take their runs when they are created).
pub async fn dispatch_local(ex: &Executors) -> Result<()> {
    ex.for_placement(&Placement::Local)?.start_ready(ex).await
}

/// The cluster profile a request's executor name selects; `None` for this
/// machine.
pub(crate) async fn resolve_cluster(ctx: &Ctx, executor: Option<&str>) -> Result<Option<ClusterProfile>> {
    match Placement::from_request(executor) {
        Placement::Local => Ok(None),
        Placement::Slurm { cluster } => profile::find(ctx.store(), &cluster).await.map(Some),
    }
}

/// Creates a run (folder, frozen config, PENDING row) without starting or
/// submitting it; `lineage` places it in a sweep or records what it re-runs.
pub async fn create_queued(ctx: &Ctx, req: &CreateRunRequest, lineage: &Lineage) -> Result<Run> {
    // The final text is validated before anything is written: an invalid
    // config never gets a row or a folder.
    let config = Configs::new(ctx).resolve_config(req).await?;
    let overrides = &config.overrides;
    let name = match req.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => validate_name(n)?,
        None => format!(
            "{} {}",
            config.template,
            &timestamp::now()[..16].replace('T', " ")
        ),
    };
    let settings = ctx.store().settings().await?;
    let cluster = resolve_cluster(ctx, req.executor.as_deref()).await?;
    let simulator = match cluster.as_ref().map(|p| p.simulator_command.trim()) {
        Some(command) if !command.is_empty() => settings::split_command(command)?,
        _ => settings::effective_simulator(&settings)?,
    };

    let (id, dir) = loop {
        let id = RunId::generate();
        let dir = ctx.data().run(&id);
        // create_dir (not _all) fails if the id is taken: draw again.
        match create_private_dir(dir.root()) {
            Ok(()) => break (id, dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(DeskError::io(
                    format!("cannot create {}", dir.root().display()),
                    e,
                ))
            }
        }
    };
    let header = format!(
        "# Frozen by FUSION Desk for run {id} from template {:?} at {}\n",
        config.template,
        timestamp::now()
    );
    let text = header + &config.text;
    let result = async {
        for sub in [dir.logs(), dir.output()] {
            create_private_dir(&sub)
                .map_err(|e| DeskError::io(format!("cannot create {}", sub.display()), e))?;
        }
        crate::runfs::write_atomic(&dir.config(), text.as_bytes(), crate::runfs::FILE_MODE)?;
        let overrides: Vec<String> = overrides
            .iter()
            .map(|o| format!("{}.{}={}", o.section, o.key, o.value))
            .collect();
        let network = crate::configs::network_of_config(&text).unwrap_or_default();
        let placement = cluster.as_ref().map_or(Placement::Local, |p| Placement::Slurm {
            cluster: p.name.clone(),
        });
        ctx.store()
            .insert_new_run(&NewRun {
                id: &id,
                name: &name,
                template: &config.template,
                overrides: &overrides,
                simulator: &settings::join_command(&simulator),
                placement: &placement,
                network: Some(&network),
                lineage,
            })
            .await
    }
    .await;
    if let Err(e) = result {
        // Nothing refers to the folder yet: the row is the last step.
        let _ = std::fs::remove_dir_all(dir.root());
        return Err(e);
    }
    Ok(ctx.emit_row(&id).await?.expect("just inserted"))
}

/// Cancels a pending or running run through its executor; returns without
/// waiting for its processes to go.
pub async fn cancel(ex: &Executors, id: &str) -> Result<Run> {
    let id = RunId::parse(id)?;
    let row = ex.ctx().store().require(&id).await?;
    if row.status().is_terminal() {
        return Err(DeskError::invalid_state(format!(
            "run {id} is already {}; only pending or running runs can be cancelled",
            row.status().as_str()
        )));
    }
    ex.for_row(&row)?.cancel(ex, &row).await?;
    updated(ex.ctx(), &id).await
}

/// Cancels every pending and running run (the quit dialog's "cancel them").
pub async fn cancel_all_active(ex: &Executors) -> Result<usize> {
    let mut n = 0;
    // Pending first, so a freed slot does not start one of them.
    for status in [RunStatus::Pending, RunStatus::Running] {
        for row in ex.ctx().store().with_status(status).await? {
            if cancel(ex, &row.id).await.is_ok() {
                n += 1;
            }
        }
    }
    Ok(n)
}

/// Waits until a run is terminal (or the timeout passes) and returns it,
/// settling it at its executor's pace meanwhile.
pub async fn wait(ex: &Executors, id: &str, timeout: Option<Duration>) -> Result<Run> {
    let id = RunId::parse(id)?;
    let deadline = timeout.map(|t| Instant::now() + t);
    loop {
        let row = ex.ctx().store().require(&id).await?;
        if row.status().is_terminal() {
            return Ok(ex.ctx().to_run(row));
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(DeskError::new(
                ErrorCode::InvalidState,
                format!("run {id} is still {} after the timeout", row.status().as_str()),
            ));
        }
        let executor = ex.for_row(&row)?;
        if row.status() == RunStatus::Pending {
            executor.start_ready(ex).await?;
        }
        executor.settle(ex, std::slice::from_ref(&row)).await?;
        tokio::time::sleep(executor.poll_interval()).await;
    }
}

/// Deletes a finished run: its row and its folder.
pub async fn delete(ctx: &Ctx, id: &str) -> Result<()> {
    let id = RunId::parse(id)?;
    let row = ctx.store().require(&id).await?;
    if !row.status().is_terminal() {
        return Err(DeskError::invalid_state(format!(
            "run {id} is {}; cancel it before deleting it",
            row.status().as_str()
        )));
    }
    let dir = ctx.data().run(&id);
    // Move the folder aside first: the rename is atomic, so the run is
    // either fully present or gone, never half-deleted under its name.
    let trash = ctx
        .data()
        .runs()
        .join(format!(".deleted-{id}-{}", RunId::generate()));
    match std::fs::rename(dir.root(), &trash) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(DeskError::io(
                format!("cannot delete {}", dir.root().display()),
                e,
            ))
        }
    }
    if !ctx.store().delete_terminal(&id).await? {
        let _ = std::fs::rename(&trash, dir.root());
        return Err(DeskError::invalid_state(format!(
            "run {id} changed state; not deleted"
        )));
    }
    if let Err(e) = std::fs::remove_dir_all(&trash) {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!("cannot remove {}: {e}", trash.display());
        }
    }
    ctx.emit(RunEvent::RunDeleted { id: id.to_string() });
    Ok(())
}
