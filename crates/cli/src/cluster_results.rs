//! `fdesk fetch`: the results of a run on a cluster reached over SSH that
//! were too large to come back with the rest. Without a path it lists them
//! (they stay on the cluster); with one it brings that file into the run's
//! output folder.

use fusion_desk_core::{Desk, DeskError};

use crate::output::{human_bytes, print_json};

#[derive(clap::Args)]
pub struct FetchArgs {
    pub id: String,
    /// A result left on the cluster, as listed, relative to the run's
    /// output folder (without it: list them).
    pub path: Option<String>,
}

pub async fn fetch(desk: &Desk, args: &FetchArgs, json: bool) -> Result<(), DeskError> {
    let Some(path) = &args.path else {
        let left = desk.clusters().results_left(&args.id).await?;
        if json {
            print_json(&left);
        } else if left.is_empty() {
            println!("run {} has no results left on the cluster", args.id);
        } else {
            println!(
                "run {}: results left on the cluster (fetch one with `fdesk fetch {} PATH`)",
                args.id, args.id
            );
            for r in &left {
                println!("{:>10}  output/{}", human_bytes(r.size), r.path);
            }
        }
        return Ok(());
    };
    let dest = desk.clusters().fetch_result(&args.id, path).await?;
    if json {
        print_json(&serde_json::json!({ "path": dest }));
    } else {
        println!("{}", dest.display());
    }
    Ok(())
}
