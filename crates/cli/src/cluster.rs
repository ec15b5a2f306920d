//! `fdesk cluster`: the Slurm cluster profiles runs can be sent to.

use clap::Subcommand;
use fusion_desk_core::exec::slurm::ClusterProfile;
use fusion_desk_core::{Desk, DeskError};

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
    },
    /// Remove a cluster profile.
    Remove { name: String },
    /// Ask the cluster (sinfo) whether a profile's partition is there.
    Check { name: String },
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
                "{}: partition {}, account {}, time {}, {} CPU(s), memory {}, data folder {}{}",
                p.name,
                or(&p.partition, "(default)"),
                or(&p.account, "(default)"),
                or(&p.time_limit, "(default)"),
                p.cpus_per_run,
                or(&p.memory_per_run, "(default)"),
                or(&p.data_folder, "(same path)"),
                if p.extra_sbatch_options.is_empty() {
                    String::new()
                } else {
                    format!(", sbatch {}", p.extra_sbatch_options.join(" "))
                }
            );
        }
    };
    match action.unwrap_or(&ClusterAction::List) {
        ClusterAction::List => print(&desk.cluster_profiles().await?),
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
        } => {
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
            };
            print(&desk.save_cluster_profile(&profile).await?);
        }
        ClusterAction::Remove { name } => print(&desk.remove_cluster_profile(name).await?),
        ClusterAction::Check { name } => {
            let check = desk.check_cluster(name).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&check).expect("DTOs serialise")
                );
            } else {
                println!("{}: {}", check.profile, check.summary);
            }
            if !check.ok {
                return Err(DeskError::new(
                    fusion_desk_core::ErrorCode::SimulatorUnavailable,
                    format!("cluster {} is not usable: {}", check.profile, check.summary),
                ));
            }
        }
    }
    Ok(())
}
