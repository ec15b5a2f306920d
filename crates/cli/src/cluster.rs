//! `fdesk cluster`: the Slurm cluster profiles runs can be sent to.

use clap::Subcommand;
use fusion_desk_core::exec::slurm::{ClusterConnection, ClusterProfile};
use fusion_desk_core::{Desk, DeskError};

// Parsed once per invocation: the size of the Add variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum ClusterAction {
    /// List the cluster profiles (the default).
    List,
    /// Add a cluster profile, or replace the one of the same name.
    Add {
        name: String,
        /// Slurm partition (default: the cluster's default partition).
        #[arg(long, default_value = "")]
        partition: String,
        /// Slurm account to charge.
        #[arg(long, default_value = "")]
        account: String,
        /// Time limit per run: minutes, HH:MM:SS or D-HH:MM:SS.
        #[arg(long, default_value = "")]
        time_limit: String,
        #[arg(long, default_value_t = 1)]
        cpus: u32,
        /// Memory per run, e.g. 4G.
        #[arg(long, default_value = "")]
        memory: String,
        /// A further sbatch option such as --qos=long; repeat for more.
        #[arg(long = "sbatch-option", value_name = "OPTION", allow_hyphen_values = true)]
        sbatch_options: Vec<String>,
        /// FUSION Desk's data folder as the cluster's nodes see it (default: the same path).
        #[arg(long, default_value = "")]
        data_folder: String,
        /// The simulator command on the cluster (default: the one in effect here).
        #[arg(long, default_value = "")]
        simulator: String,
        /// Reach the cluster over SSH at this login node (a host name or an
        /// alias from ~/.ssh/config) instead of submitting from this machine.
        #[arg(long, value_name = "HOST", requires = "remote_folder")]
        ssh: Option<String>,
        /// The login name on the cluster (default: the SSH config's).
        #[arg(long, requires = "ssh")]
        user: Option<String>,
        /// The login node's SSH port (default: the SSH config's, or 22).
        #[arg(long, requires = "ssh")]
        port: Option<u16>,
        /// Where runs go on the cluster, e.g. '$SCRATCH/fusion-desk' or '~/fusion-desk'.
        #[arg(long, value_name = "PATH", requires = "ssh")]
        remote_folder: Option<String>,
    },
    /// Remove a cluster profile.
    Remove { name: String },
    /// Test the connection: ask the cluster (sinfo) whether a profile's
    /// partition is there; over SSH, also log in and expand the remote folder.
    Check {
        name: String,
        /// Accept the login node's host key if the app has not seen it yet.
        #[arg(long)]
        accept_host_key: bool,
    },
}

pub async fn cluster(desk: &Desk, action: Option<&ClusterAction>, json: bool) -> Result<(), DeskError> {
    let print = |profiles: &[ClusterProfile]| {
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(profiles).expect("DTOs serialise")
            );
            return;
        }
        if profiles.is_empty() {
            println!("no cluster profiles (add one with `fdesk cluster add NAME --partition ...`)");
        }
        for p in profiles {
            let or = |v: &str, d: &str| if v.is_empty() { d.to_owned() } else { v.to_owned() };
            println!(
                "{}: {}partition {}, account {}, time {}, {} CPU(s), memory {}, data folder {}{}",
                p.name,
                match &p.connection {
                    ClusterConnection::Local => String::new(),
                    ClusterConnection::Ssh {
                        host,
                        user,
                        port,
                        remote_folder,
                    } => format!(
                        "over SSH to {}{host}{}, runs in {remote_folder}, ",
                        user.as_deref().map(|u| format!("{u}@")).unwrap_or_default(),
                        port.map(|p| format!(":{p}")).unwrap_or_default()
                    ),
                },
                or(&p.partition, "(default)"),
                or(&p.account, "(default)"),
                or(&p.time_limit, "(default)"),
                p.cpus_per_run,
                or(&p.memory_per_run, "(default)"),
                match &p.connection {
                    ClusterConnection::Local => or(&p.data_folder, "(same path)"),
                    ClusterConnection::Ssh { .. } => "(remote)".to_owned(),
                },
                if p.extra_sbatch_options.is_empty() {
                    String::new()
                } else {
                    format!(", sbatch {}", p.extra_sbatch_options.join(" "))
                }
            );
        }
    };
    match action.unwrap_or(&ClusterAction::List) {
        ClusterAction::List => print(&desk.clusters().profiles().await?),
        ClusterAction::Add {
            name,
            partition,
            account,
            time_limit,
            cpus,
            memory,
            sbatch_options,
            data_folder,
            simulator,
            ssh,
            user,
            port,
            remote_folder,
        } => {
            let connection = match ssh {
                Some(host) => ClusterConnection::Ssh {
                    host: host.clone(),
                    user: user.clone(),
                    port: *port,
                    remote_folder: remote_folder.clone().unwrap_or_default(),
                },
                None => ClusterConnection::Local,
            };
            let profile = ClusterProfile {
                name: name.clone(),
                partition: partition.clone(),
                account: account.clone(),
                time_limit: time_limit.clone(),
                cpus_per_run: *cpus,
                memory_per_run: memory.clone(),
                extra_sbatch_options: sbatch_options.clone(),
                data_folder: data_folder.clone(),
                simulator_command: simulator.clone(),
                connection,
            };
            print(&desk.clusters().save(&profile).await?);
        }
        ClusterAction::Remove { name } => print(&desk.clusters().remove(name).await?),
        ClusterAction::Check {
            name,
            accept_host_key,
        } => crate::cluster_check::check(desk, name, *accept_host_key, json).await?,
    }
    Ok(())
}
