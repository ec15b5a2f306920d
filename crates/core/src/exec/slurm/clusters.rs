//! What the shell and the CLI do with clusters: their profiles and
//! "Test connection".

use super::check::{self, ClusterCheck};
use super::connection::ClusterConnection;
use super::profile::{self, ClusterProfile};
use super::state::SlurmExecutor;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::exec::ssh::results::ClusterResult;
use crate::exec::ssh::{self, HostKeyTrust};
use crate::exec::Executors;

pub struct Clusters<'a> {
    ctx: &'a Ctx,
    ex: &'a Executors,
    slurm: &'a SlurmExecutor,
}

impl<'a> Clusters<'a> {
    pub fn new(ex: &'a Executors, slurm: &'a SlurmExecutor) -> Self {
        Clusters {
            ctx: ex.ctx(),
            ex,
            slurm,
        }
    }

    /// One tick of following cluster runs now: submits what waits, asks
    /// Slurm about every active cluster run and settles them.
    pub async fn poll(&self) -> Result<()> {
        super::poll::poll_clusters(self.ex, self.slurm).await
    }

    /// A run's results that stayed on its cluster (larger than what is
    /// fetched with the rest); none for a run that left nothing behind.
    pub async fn results_left(&self, id: &str) -> Result<Vec<ClusterResult>> {
        ssh::results::on_cluster(self.ctx, id).await
    }

    /// Brings one of them into the run's output/; returns where it is now.
    pub async fn fetch_result(&self, id: &str, path: &str) -> Result<std::path::PathBuf> {
        ssh::results::fetch_from_cluster(self.ctx, id, path).await
    }

    pub async fn profiles(&self) -> Result<Vec<ClusterProfile>> {
        profile::load(self.ctx.store()).await
    }

    /// Adds a cluster profile or replaces the one of the same name.
    pub async fn save(&self, profile: &ClusterProfile) -> Result<Vec<ClusterProfile>> {
        profile::save(self.ctx.store(), profile).await
    }

    pub async fn remove(&self, name: &str) -> Result<Vec<ClusterProfile>> {
        profile::remove(self.ctx.store(), name).await
    }

    /// Asks the cluster (`sinfo`) whether the profile's partition exists and
    /// what its nodes are doing.
    pub async fn check(&self, name: &str) -> Result<ClusterCheck> {
        self.check_trusting(name, &HostKeyTrust::Refuse).await
    }

    /// [`check`](Self::check), accepting an unknown SSH host key when
    /// `trust` names its fingerprint.
    pub async fn check_trusting(&self, name: &str, trust: &HostKeyTrust) -> Result<ClusterCheck> {
        let profile = profile::find(self.ctx.store(), name).await?;
        Ok(match profile.connection {
            ClusterConnection::Ssh { .. } => ssh::check::check(self.ctx.data(), &profile, trust).await,
            ClusterConnection::Local => check::check_here(self.slurm.transport(), profile).await,
        })
    }
}
