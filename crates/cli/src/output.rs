//! How `fdesk` prints: JSON for scripts, aligned text for people.

use std::io::{Read, Seek, SeekFrom, Write};
use std::time::Duration;

use fusion_desk_core::model::TemplateInfo;
use fusion_desk_core::settings::SettingsView;
use fusion_desk_core::{Desk, DeskError, Run, RunPage};

pub struct Printer {
    pub json: bool,
}

impl Printer {
    fn print_json<T: serde::Serialize>(&self, value: &T) {
        println!("{}", serde_json::to_string_pretty(value).expect("DTOs serialise"));
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
        if let Some(e) = &run.error_message {
            println!("error:        {}", e.replace('\n', "\n              "));
        }
    }

    pub fn page(&self, page: &RunPage) {
        if self.json {
            return self.print_json(page);
        }
        println!("{:<12}  {:<9}  {:<19}  NAME", "ID", "STATUS", "CREATED");
        for run in &page.runs {
            println!(
                "{:<12}  {:<9}  {:<19}  {}",
                run.id,
                run.status.as_str(),
                run.created_at
                    .get(..19)
                    .unwrap_or(&run.created_at)
                    .replace('T', " "),
                run.name
            );
        }
        let shown = page.runs.len() as u32;
        if page.total > shown {
            println!(
                "({shown} of {} runs; use --offset and --limit for more)",
                page.total
            );
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

/// Prints the log; with `follow`, keeps printing appended bytes until the run
/// is finished and everything it wrote has been printed.
pub async fn logs(desk: &Desk, id: &str, follow: bool) -> Result<(), DeskError> {
    let run = desk.get(id).await?;
    let path = std::path::Path::new(&run.run_dir).join("logs").join("sim.log");
    let mut offset = 0u64;
    let mut stdout = std::io::stdout().lock();
    loop {
        let done = !follow || desk.get(id).await?.status.is_terminal();
        if let Ok(mut f) = std::fs::File::open(&path) {
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            if len < offset {
                offset = 0; // truncated or replaced: start again
            }
            f.seek(SeekFrom::Start(offset))
                .map_err(|e| DeskError::io("cannot read the log", e))?;
            let mut buf = Vec::new();
            f.take(len - offset)
                .read_to_end(&mut buf)
                .map_err(|e| DeskError::io("cannot read the log", e))?;
            offset += buf.len() as u64;
            let _ = stdout.write_all(&buf);
            let _ = stdout.flush();
        }
        if done {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
