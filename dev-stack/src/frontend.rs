use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::process::{
    ensure_port_free, open_log, spawn_owned, stop_child, wait_for_port_within, wait_until_port_free,
    workspace_root,
};
use crate::Service;

/// The dashboard's Vite dev server (`npm run dev` in `frontend/`), for `make dev`.
pub struct Frontend {
    port: u16,
    apis: (String, String),
    log: PathBuf,
    child: Child,
}

impl Frontend {
    /// `apis`: the inventory and payment URLs the dashboard calls (its `VITE_*` settings).
    pub fn start(port: u16, apis: (&str, &str), log: &Path) -> io::Result<Self> {
        ensure_port_free(port, "the frontend")?;
        let apis = (apis.0.to_owned(), apis.1.to_owned());
        Ok(Self {
            child: spawn_vite(port, &apis, log)?,
            port,
            apis,
            log: log.to_path_buf(),
        })
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Service for Frontend {
    fn pid(&self) -> Option<u32> {
        Some(self.child.id())
    }

    fn is_running(&mut self) -> bool {
        Frontend::is_running(self)
    }

    fn restart(&mut self) -> io::Result<()> {
        stop_child(&mut self.child);
        wait_until_port_free(self.port, "the frontend")?;
        self.child = spawn_vite(self.port, &self.apis, &self.log)?;
        Ok(())
    }
}

impl Drop for Frontend {
    fn drop(&mut self) {
        stop_child(&mut self.child);
    }
}

fn spawn_vite(port: u16, apis: &(String, String), log: &Path) -> io::Result<Child> {
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
        .env("VITE_INVENTORY_URL", &apis.0)
        .env("VITE_PAYMENT_URL", &apis.1)
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file);
    let mut child = spawn_owned(&mut cmd)?;
    if let Err(e) = wait_for_port_within(&mut child, port, "the frontend", Duration::from_secs(60)) {
        stop_child(&mut child);
        return Err(e);
    }
    Ok(child)
}
