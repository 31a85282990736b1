//! Connections to redis-server.
//!
//! - Shared: a few multiplexed connections, picked round-robin. Each pipelines the commands of
//!   many concurrent requests, so 1000 simultaneous requests need no 1000 sockets.
//! - Exclusive: for /multi-exec, a connection that only one transaction uses at a time.
//!
//! Recovery without a restart: a connection that fails is dropped (and, since Redis likely went
//! away, so is every other one); a connection idle for a while is checked with a PING before it
//! carries a command, because on RESP2 redis-rs cannot tell us that its socket closed meanwhile.
//! Every call that cannot reach Redis fails fast with [`Unavailable`] (connect timeout 1 s; a
//! refused connection fails at once).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use redis::aio::{ConnectionLike, MultiplexedConnection};
use redis::{AsyncConnectionConfig, Client, Pipeline, Value};
use tokio::sync::{Mutex, Semaphore};

use crate::command::Command;

const SHARED_CONNECTIONS: usize = 4;
const MAX_EXCLUSIVE_CONNECTIONS: usize = 64;
/// A connection unused for longer than this gets a PING before it carries a command.
const CHECK_AFTER_IDLE: Duration = Duration::from_millis(500);
/// That PING answers at once from a live redis-server; waiting longer only delays the 502.
const PING_TIMEOUT: Duration = Duration::from_secs(1);

/// Redis cannot be reached (refused, dropped, timed out). Answered as 502.
#[derive(Debug)]
pub struct Unavailable;

pub struct RedisPool {
    client: Client,
    config: AsyncConnectionConfig,
    shared: Vec<Mutex<Option<Pooled>>>,
    next: AtomicUsize,
    idle_exclusive: Mutex<Vec<Pooled>>,
    exclusive_slots: Semaphore,
    /// Bumped on every connection failure: connections of an older generation are not reused.
    generation: AtomicU64,
    epoch: Instant,
}

struct Pooled {
    conn: MultiplexedConnection,
    generation: u64,
    last_ok: AtomicU64,
}

impl RedisPool {
    pub fn new(client: Client, response_timeout: Duration) -> Self {
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(response_timeout));
        Self {
            client,
            config,
            shared: (0..SHARED_CONNECTIONS).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
            idle_exclusive: Mutex::new(Vec::new()),
            exclusive_slots: Semaphore::new(MAX_EXCLUSIVE_CONNECTIONS),
            generation: AtomicU64::new(0),
            epoch: Instant::now(),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    async fn connect(&self) -> Result<Pooled, Unavailable> {
        let generation = self.generation.load(Ordering::Acquire);
        let conn = self
            .client
            .get_multiplexed_async_connection_with_config(&self.config)
            .await
            .map_err(|_| self.failed())?;
        Ok(Pooled {
            conn,
            generation,
            last_ok: AtomicU64::new(self.now_ms()),
        })
    }

    fn failed(&self) -> Unavailable {
        self.generation.fetch_add(1, Ordering::AcqRel);
        Unavailable
    }

    /// Whether a pooled connection may carry a command: current generation, and alive if idle.
    async fn usable(&self, pooled: &Pooled) -> bool {
        if pooled.generation != self.generation.load(Ordering::Acquire) {
            return false;
        }
        let idle_ms = self
            .now_ms()
            .saturating_sub(pooled.last_ok.load(Ordering::Relaxed));
        if idle_ms < CHECK_AFTER_IDLE.as_millis() as u64 {
            return true;
        }
        let mut conn = pooled.conn.clone();
        let ping = redis::cmd("PING");
        let alive = matches!(
            tokio::time::timeout(PING_TIMEOUT, conn.req_packed_command(&ping)).await,
            Ok(Ok(Value::SimpleString(_)))
        );
        if alive {
            pooled.last_ok.store(self.now_ms(), Ordering::Relaxed);
        }
        alive
    }

    /// Runs commands in order on a shared connection (not atomically); one reply per command,
    /// Redis errors as `Value::ServerError` entries.
    pub async fn run(&self, commands: &[Command]) -> Result<Vec<Value>, Unavailable> {
        let slot = &self.shared[self.next.fetch_add(1, Ordering::Relaxed) % SHARED_CONNECTIONS];
        let mut conn = {
            let mut guard = slot.lock().await;
            let reuse = match guard.as_ref() {
                Some(pooled) => self.usable(pooled).await,
                None => false,
            };
            if !reuse {
                *guard = Some(self.connect().await?);
            }
            let pooled = guard.as_ref().ok_or(Unavailable)?;
            pooled.last_ok.store(self.now_ms(), Ordering::Relaxed);
            pooled.conn.clone()
        };
        let pipe = pipeline(commands.iter().map(Command::to_redis));
        conn.req_packed_commands(&pipe, 0, commands.len())
            .await
            .map_err(|_| self.failed())
    }

    /// MULTI, the commands, EXEC on a connection no other request uses meanwhile. Returns every
    /// reply: `OK`, one `QUEUED` or error per command, then EXEC's array (or EXECABORT error).
    pub async fn transaction(&self, commands: &[Command]) -> Result<Vec<Value>, Unavailable> {
        let _slot = self.exclusive_slots.acquire().await.map_err(|_| Unavailable)?;
        let mut pooled = None;
        loop {
            let candidate = self.idle_exclusive.lock().await.pop();
            let Some(candidate) = candidate else { break };
            if self.usable(&candidate).await {
                pooled = Some(candidate);
                break;
            }
        }
        let mut pooled = match pooled {
            Some(pooled) => pooled,
            None => self.connect().await?,
        };
        let mut cmds = vec![redis::cmd("MULTI")];
        cmds.extend(commands.iter().map(Command::to_redis));
        cmds.push(redis::cmd("EXEC"));
        let pipe = pipeline(cmds);
        let replies = pooled
            .conn
            .req_packed_commands(&pipe, 0, commands.len() + 2)
            .await;
        match replies {
            Ok(values) => {
                pooled.last_ok.store(self.now_ms(), Ordering::Relaxed);
                self.idle_exclusive.lock().await.push(pooled);
                Ok(values)
            }
            // A broken connection is not returned to the pool.
            Err(_) => Err(self.failed()),
        }
    }
}

fn pipeline(cmds: impl IntoIterator<Item = redis::Cmd>) -> Pipeline {
    let mut pipe = redis::pipe();
    for cmd in cmds {
        pipe.add_command(cmd);
    }
    pipe
}
