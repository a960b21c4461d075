//! The environment, resolved once per process: environment variables and openml-python's
//! config file are read at start, and every command asks this module for the server, the API
//! key, the cache, the run store and its threads, so all commands resolve them alike.

use std::collections::HashMap;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use oml::api::{Client, ClientBuilder, Flags, Settings};
use oml::run::RunStore;
use oml::task::{Cache, CacheEnv, OpenmlConfig, Server, Task, TaskOptions, TaskSource, TaskSpec};

use super::args::{LocalTaskArgs, StoreArgs};

/// The process's environment variables and openml-python's configuration, read once.
pub struct Env {
    vars: HashMap<String, String>,
    config: OpenmlConfig,
    cache: CacheEnv,
}

impl Env {
    /// Reads this process's environment and openml-python's config file (an unreadable file
    /// counts as absent).
    pub fn read() -> Self {
        let config = OpenmlConfig::from_process();
        let cache = CacheEnv {
            config_cachedir: config.get("cachedir").map(str::to_owned),
            ..CacheEnv::from_process_without_config()
        };
        Env {
            vars: std::env::vars().collect(),
            config,
            cache,
        }
    }

    /// An environment variable.
    pub fn var(&self, name: &str) -> Option<String> {
        self.vars.get(name).cloned()
    }

    /// The server and key: the flags, else `OPENML_SERVER` and `OPENML_API_KEY`, else
    /// openml-python's config, else www and no key. The key is remembered, so that nothing
    /// printed carries it.
    pub fn settings(&self, flags: &Flags) -> anyhow::Result<Settings> {
        let settings = Settings::resolve_with(flags, |name| self.var(name), &self.config)?;
        if let Some(key) = &settings.api_key {
            crate::output::remember_key(key);
        }
        Ok(settings)
    }

    /// The server a command uses ([`Env::settings`] with the flag), named `www`, `test` or by
    /// its URL.
    pub fn server_name(&self, flag: Option<&str>) -> anyhow::Result<String> {
        let settings = self.settings(&Flags {
            server: flag.map(str::to_owned),
            api_key: None,
        })?;
        Ok(match settings.server {
            Server::Www => "www".to_owned(),
            Server::Test => "test".to_owned(),
            Server::Url(url) => url,
        })
    }

    /// The cache root: `dir` if given, else openml-python's (`$OPENML_CACHE_DIR`, its config,
    /// `~/.cache/openml`).
    pub fn cache_root(&self, dir: Option<&Path>) -> anyhow::Result<PathBuf> {
        Ok(match dir {
            Some(dir) => dir.to_path_buf(),
            None => self.cache.root(Path::is_dir)?,
        })
    }

    /// A client of `server` (www, test or a URL; by default as [`Env::settings`] resolves it;
    /// no API key), with progress on a terminal, and its cache under `cache_dir` (by default
    /// openml-python's).
    pub fn client(
        &self,
        server: Option<String>,
        cache_dir: Option<&Path>,
        offline: bool,
    ) -> anyhow::Result<(Client, Cache)> {
        let settings = self.settings(&Flags {
            server,
            api_key: None,
        })?;
        let cache = Cache::new(self.cache_root(cache_dir)?, settings.server.clone());
        let mut builder = ClientBuilder::from_settings(settings);
        builder.offline(offline);
        if io::stderr().is_terminal() {
            builder.progress(|line| say!("oml: {line}"));
        }
        Ok((builder.build()?, cache))
    }

    /// The task the command line names: `task` with the local task's options, the server
    /// resolved, and the cache root for a task id.
    pub fn task_spec(
        &self,
        task: &str,
        local: &LocalTaskArgs,
        split_seed: Option<u64>,
        cache_dir: Option<&Path>,
    ) -> anyhow::Result<TaskSpec> {
        let mut options = TaskOptions {
            target: local.target.clone(),
            task_type: local.task_type.as_deref().map(str::parse).transpose()?,
            resampling: local.resampling.as_deref().map(str::parse).transpose()?,
            no_stratify: local.no_stratify,
            split_seed,
            ignore: local.ignore.clone(),
            server: None,
        };
        options.set_server(&self.server_name(local.server.as_deref())?);
        let cache_dir = match TaskSource::parse(task) {
            TaskSource::Id(_) => Some(self.cache_root(cache_dir)?),
            _ => cache_dir.map(Path::to_path_buf),
        };
        Ok(TaskSpec {
            task: task.to_owned(),
            cache_dir,
            options,
        })
    }

    /// The run store: `--store`, else `$OML_STORE`, else `$XDG_DATA_HOME/oml/runs`, else
    /// `~/.local/share/oml/runs`.
    pub fn store(&self, args: &StoreArgs) -> anyhow::Result<RunStore> {
        let root = match &args.store {
            Some(dir) => dir.clone(),
            None => RunStore::default_root(|name| self.var(name))?,
        };
        Ok(RunStore::new(root))
    }

    /// The run store, which must exist: listing or reporting on a store that is not there (a
    /// typo in --store) says so instead of showing nothing.
    pub fn existing_store(&self, args: &StoreArgs) -> anyhow::Result<RunStore> {
        let store = self.store(args)?;
        if !store.root().is_dir() {
            bail!(
                "there is no run store at {} (--store DIR or $OML_STORE picks one)",
                store.root().display()
            );
        }
        Ok(store)
    }

    /// The threads of a run: the flag, else `$SLURM_CPUS_PER_TASK`, else none (all cores).
    pub fn threads(&self, flag: Option<u64>) -> Option<usize> {
        flag.map(|n| usize::try_from(n).unwrap_or(usize::MAX))
            .or_else(|| oml::eval::threads_from_env(&|name| self.var(name)))
    }
}

/// Reads or makes the task `spec` names; an error names the task.
pub fn open_task(spec: &TaskSpec) -> anyhow::Result<Task> {
    spec.open()
        .with_context(|| format!("cannot read task {}", spec.task))
}

/// Prints the task's warnings (problems in its metadata that did not stop loading).
pub fn warn(task: &Task) {
    for warning in task.warnings() {
        say!("oml: warning: {warning}");
    }
}
