//! How `fdesk` prints: JSON for scripts, aligned text for people.

use std::io::Write;

use fusion_desk_core::live::{LogMessage, RunProgress};
use fusion_desk_core::model::TemplateInfo;
use fusion_desk_core::settings::SettingsView;
use fusion_desk_core::{Desk, DeskError, Run};

pub struct Printer {
    pub json: bool,
}

impl Printer {
    fn print_json<T: serde::Serialize>(&self, value: &T) {
        print_json(value);
    }

    pub fn run(&self, run: &Run) {
        if self.json {
            return self.print_json(run);
        }
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
        let num = |v: Option<i64>| v.map_or_else(|| "-".to_owned(), |n| n.to_string());
        println!("id:           {}", run.id);
        println!("name:         {}", run.name);
        println!("status:       {}", run.status.as_str());
        println!("template:     {}", run.template);
        if !run.overrides.is_empty() {
            println!("overrides:    {}", run.overrides.join(", "));
        }
        println!("simulator:    {}", opt(&run.simulator));
        println!("pid / pgid:   {} / {}", num(run.pid), num(run.pgid));
        println!("created:      {}", run.created_at);
        println!("started:      {}", opt(&run.started_at));
        println!("completed:    {}", opt(&run.completed_at));
        println!("run dir:      {}", run.run_dir);
        if run.executor != "local" {
            println!("executor:     {}", run.executor);
            println!("slurm job:    {}", opt(&run.slurm_job_id));
        }
        if let Some(d) = &run.status_detail {
            println!("detail:       {d}");
        }
        if let Some(e) = &run.error_message {
            println!("error:        {}", e.replace('\n', "\n              "));
        }
    }

    /// A run with its progress (`progress` is null before the first event).
    pub fn show(&self, run: &Run, progress: Option<&RunProgress>) {
        if self.json {
            let mut value = serde_json::to_value(run).expect("DTOs serialise");
            value["progress"] = serde_json::to_value(progress).expect("DTOs serialise");
            return self.print_json(&value);
        }
        self.run(run);
        if let Some(p) = progress {
            println!("progress:     {}", progress_line(p));
        }
    }

    pub fn deleted(&self, id: &str) {
        if self.json {
            self.print_json(&serde_json::json!({ "deleted": id }));
        } else {
            println!("deleted {id}");
        }
    }

    pub fn templates(&self, templates: &[TemplateInfo]) {
        if self.json {
            return self.print_json(&templates);
        }
        for t in templates {
            println!("{:<28}  {}", t.name, t.description);
        }
    }

    pub fn settings(&self, view: &SettingsView) {
        if self.json {
            return self.print_json(view);
        }
        println!("simulator:       {}", view.effective_simulator);
        if let Some(env) = &view.simulator_env_override {
            println!("                 (from FUSION_DESK_SIMULATOR={env})");
        }
        println!("max concurrent:  {}", view.settings.max_concurrent_runs);
        println!("cancel grace:    {} s", view.settings.cancel_grace_seconds);
        println!("data dir:        {}", view.data_dir);
    }
}

/// Pretty JSON on stdout, as every `--json` answer is printed.
pub fn print_json<T: serde::Serialize>(value: &T) {
    println!("{}", serde_json::to_string_pretty(value).expect("DTOs serialise"));
}

/// A size for people: `512 B`, `3.4 MiB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// `42.0 %, load 300 Erlang (2/3), iteration 2/3, about 12 s left`.
fn progress_line(p: &RunProgress) -> String {
    let mut parts = vec![p.percent.map_or_else(|| "-".to_owned(), |v| format!("{v:.1} %"))];
    if let Some(e) = p.erlang {
        let of = match (p.erlang_index, p.total_erlangs) {
            (Some(i), Some(n)) => format!(" ({}/{n})", i + 1),
            _ => String::new(),
        };
        parts.push(format!("load {e} Erlang{of}"));
    }
    if let Some(i) = p.iteration {
        let of = p.total_iterations.map_or_else(String::new, |n| format!("/{n}"));
        parts.push(format!("iteration {i}{of}"));
    }
    if let Some(err) = &p.error {
        parts.push(format!("error: {err}"));
    } else if p.complete {
        parts.push("complete".to_owned());
    } else if let Some(eta) = p.eta_seconds {
        parts.push(format!("about {} s left", eta.round()));
    }
    parts.join(", ")
}

/// Prints the log; with `follow`, keeps printing lines as they are written
/// (through the core's log stream: file events, truncation noticed, a last
/// line printed once complete) until the run has ended.
pub async fn logs(desk: &Desk, id: &str, follow: bool) -> Result<(), DeskError> {
    let run = desk.get(id).await?;
    let mut stdout = std::io::stdout().lock();
    if !follow {
        let path = std::path::Path::new(&run.run_dir).join("logs").join("sim.log");
        match std::fs::File::open(&path) {
            Ok(mut f) => {
                let _ = std::io::copy(&mut f, &mut stdout);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(DeskError::io("cannot read the log", e)),
        }
        let _ = stdout.flush();
        return Ok(());
    }
    let mut stream = desk.log_stream(id, 0).await?;
    while let Some(message) = stream.recv().await {
        match message {
            LogMessage::Lines { lines, .. } => {
                for line in lines {
                    let _ = writeln!(stdout, "{line}");
                }
                let _ = stdout.flush();
            }
            LogMessage::Reset => eprintln!("fdesk: the log was truncated or replaced; printing it again"),
            LogMessage::End { .. } => break,
        }
    }
    Ok(())
}
