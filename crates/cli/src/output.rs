//! How `fdesk` prints: JSON for scripts, aligned text for people.

use std::io::Write;

use fusion_desk_core::compare::TemplateDiff;
use fusion_desk_core::live::{LoadEnd, LoadProgress, LogMessage, RunProgress};
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
        match run.placement() {
            fusion_desk_core::Placement::Local => {}
            fusion_desk_core::Placement::Slurm { cluster } => {
                println!("executor:     {cluster}");
                println!("slurm job:    {}", opt(&run.slurm_job_id));
            }
        }
        if let Some(d) = &run.status_detail {
            println!("detail:       {d}");
        }
        if let Some(e) = &run.error_message {
            println!("error:        {}", e.replace('\n', "\n              "));
        }
    }

    /// A run with its progress (`progress` is null before the first event)
    /// and how its config differs from its template.
    pub fn show(&self, run: &Run, progress: Option<&RunProgress>, diff: Option<&TemplateDiff>) {
        if self.json {
            let mut value = serde_json::to_value(run).expect("DTOs serialise");
            value["progress"] = serde_json::to_value(progress).expect("DTOs serialise");
            value["template_diff"] = serde_json::to_value(diff).expect("DTOs serialise");
            return self.print_json(&value);
        }
        self.run(run);
        if let Some(outcome) = outcome_words(run) {
            println!("outcome:      {outcome}");
        }
        if let Some(d) = diff {
            print_template_diff(d);
        }
        if let Some(p) = progress {
            println!("progress:     {}", progress_line(p, run.status.is_terminal()));
            for l in &p.loads {
                println!("  {}", load_line(l));
            }
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

/// `changed:      routing_settings.k_paths: 3 → 1` per key, aligned.
fn print_template_diff(d: &TemplateDiff) {
    if d.template_missing {
        println!(
            "changed:      (template {:?} not found: nothing to compare with)",
            d.template
        );
        return;
    }
    if d.changes.is_empty() {
        println!("changed:      nothing (the template as it is)");
        return;
    }
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".to_owned());
    for (i, c) in d.changes.iter().enumerate() {
        let head = if i == 0 { "changed:" } else { "" };
        println!("{head:<14}{}: {} → {}", c.key, show(&c.template), show(&c.run));
    }
}

/// How the run ended, in words: `stopped by SIGTERM after cancel`.
fn outcome_words(run: &Run) -> Option<String> {
    let cancelled = run.cancel_requested_at.is_some();
    // A shell or Python that dies of a signal is reported by its parent as
    // exit code 128 + the signal.
    let signal = run.exit_signal.or_else(|| {
        run.exit_code
            .filter(|c| (129..=128 + 64).contains(c))
            .map(|c| c - 128)
    });
    let after = if cancelled { " after cancel" } else { "" };
    match (signal, run.exit_code) {
        (Some(s), _) => Some(format!("stopped by {}{after}", signal_name(s))),
        (None, Some(0)) => Some("exited normally (code 0)".to_owned()),
        (None, Some(c)) => Some(format!("exited with code {c}{after}")),
        (None, None) => None,
    }
}

fn signal_name(s: i64) -> String {
    match s {
        1 => "SIGHUP".to_owned(),
        2 => "SIGINT".to_owned(),
        6 => "SIGABRT".to_owned(),
        9 => "SIGKILL".to_owned(),
        11 => "SIGSEGV".to_owned(),
        15 => "SIGTERM".to_owned(),
        n => format!("signal {n}"),
    }
}

/// `  400 Erlang  10/10 iterations  done (all iterations)`.
fn load_line(l: &LoadProgress) -> String {
    let of = l.total_iterations.map_or_else(String::new, |n| format!("/{n}"));
    let state = match l.reason {
        Some(LoadEnd::MaxIters) => "done (all iterations)",
        Some(LoadEnd::Confidence) => "early stop (confidence reached)",
        Some(LoadEnd::Interrupted) => "interrupted (partial statistics)",
        None => "running",
    };
    format!("{} Erlang  {}{of} iterations  {state}", l.erlang, l.iteration)
}

/// `42.0 %, load 300 Erlang (2/3), iteration 2/3, about 12 s left`; for a
/// run that ended short: `stopped at 62.5 %: 5 of 8 loads, 50 of 80 iterations`.
fn progress_line(p: &RunProgress, ended: bool) -> String {
    if ended && p.percent.is_some_and(|v| v < 100.0) {
        let mut line = format!("stopped at {:.1} %", p.percent.unwrap_or(0.0));
        let mut facts = Vec::new();
        if let Some(n) = p.total_erlangs {
            facts.push(format!("{} of {n} loads", p.loads_complete));
        }
        if let (Some(e), Some(i)) = (p.total_erlangs, p.total_iterations) {
            facts.push(format!("{} of {} iterations", p.finished_iterations, e * i));
        }
        if !facts.is_empty() {
            line.push_str(": ");
            line.push_str(&facts.join(", "));
        }
        if let Some(err) = &p.error {
            line.push_str(&format!(", error: {err}"));
        }
        return line;
    }
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
        // The log is the simulator's to replace: a link, FIFO or device
        // under its name is refused rather than followed or blocked on.
        match fusion_desk_core::runfs::open_file_io(&path) {
            Ok(mut f) => {
                let _ = std::io::copy(&mut f, &mut stdout);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(DeskError::io("cannot read the log", e)),
        }
        let _ = stdout.flush();
        return Ok(());
    }
    let mut stream = desk.live().log_stream(id, 0).await?;
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
