use std::io;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::process::{
    ensure_port_free, open_log, spawn_owned, stop_child, wait_for_port_within, workspace_root, PortProcess,
};
use crate::Service;

/// The workers the dashboard calls, by URL: its build-time `VITE_*` settings
/// (`frontend/src/api/config.ts`).
#[derive(Debug, Clone)]
pub struct DashboardApis {
    pub inventory: String,
    pub payment: String,
    /// consumer-cron: the Operations screen's `/stats`, audit and dead letters.
    pub consumer: String,
}

impl DashboardApis {
    /// Each URL with the variable the dashboard reads it from.
    fn vars(&self) -> [(&'static str, &str); 3] {
        [
            ("VITE_INVENTORY_URL", &self.inventory),
            ("VITE_PAYMENT_URL", &self.payment),
            ("VITE_CONSUMER_URL", &self.consumer),
        ]
    }
}

/// The dashboard's Vite dev server (`npm run dev` in `frontend/`), for `make dev`: a [`Service`]
/// that is nothing but its process, calling the workers at `apis`.
pub fn start_frontend(port: u16, apis: DashboardApis, log: &Path) -> io::Result<impl Service> {
    ensure_port_free(port, "the frontend")?;
    let log = log.to_path_buf();
    PortProcess::start(port, "the frontend", "/", move |port| {
        spawn_vite(port, &apis, &log)
    })
}

fn spawn_vite(port: u16, apis: &DashboardApis, log: &Path) -> io::Result<Child> {
    let root = workspace_root();
    let bin = root.join("node_modules/.bin");
    let path = std::env::var("PATH").unwrap_or_default();
    let file = open_log(log, "the frontend")?;
    let mut cmd = Command::new("npm");
    cmd.current_dir(root.join("frontend"))
        .args([
            "run",
            "dev",
            "--",
            "--port",
            &port.to_string(),
            "--strictPort",
            "--host",
            "localhost",
        ])
        .env("PATH", format!("{}:{path}", bin.display()))
        .envs(apis.vars())
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file);
    let mut child = spawn_owned(&mut cmd)?;
    if let Err(e) = wait_for_port_within(&mut child, port, "the frontend", crate::http::CEILING) {
        stop_child(&mut child);
        return Err(e);
    }
    Ok(child)
}
