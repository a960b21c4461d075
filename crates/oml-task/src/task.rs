//! [`Task`]: a task description, its dataset, its splits and its class labels, checked
//! against each other; read from a cache or a directory, built locally, written to a cache.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use oml_data::{Dataset, DatasetLoader, FeatureKind, Warning, write_atomically};

use crate::cache::{
    self, Cache, DATA_ARFF, DESCRIPTION_XML, FEATURES_XML, QUALITIES_XML, SPLITS_ARFF, TASK_XML,
};
use crate::dataset_xml::{description_xml, features_xml, qualities_xml};
use crate::error::{Error, Result};
use crate::procedure::TaskType;
use crate::splits::{SplitUnit, Splits};
use crate::summary::{SplitIndices, SplitSummary, TaskIndices, TaskSummary};
use crate::task_xml::TaskDescription;

/// A task ready to run: what `task.xml` says, the dataset with its metadata applied, the
/// train/test splits, and the class labels.
///
/// Every `Task` has been checked: its target is a column of the dataset, nominal for
/// classification and learning curves (the class labels are its declared values, in order)
/// and numeric for regression; every row id of the splits is a row of the dataset; and for
/// cross-validation, leave-one-out and learning curves the test folds of each repeat
/// partition the rows. Splits keep the order of their file.
#[derive(Debug, Clone)]
pub struct Task {
    description: TaskDescription,
    dataset: Dataset,
    splits: Splits,
    class_labels: Option<Vec<String>>,
    warnings: Vec<Warning>,
    files: TaskFiles,
}

/// The files a task was read from; empty for a task built in memory (a local task).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskFiles {
    /// The dataset file (ARFF or Parquet).
    pub dataset: Option<PathBuf>,
    /// The split file (`datasplits.arff`), absent for clustering tasks without one.
    pub splits: Option<PathBuf>,
}

impl Task {
    /// A task from its parts, checked as the type documentation says. The class labels are
    /// the declared values of a nominal target, for classification and learning curves.
    ///
    /// Fails with [`Error::Invalid`] naming the target when it is not a column of the dataset
    /// or has the wrong kind, and with [`Error::Splits`] when the splits do not fit the
    /// dataset or the counts of the task's estimation procedure.
    pub fn new(description: TaskDescription, dataset: Dataset, splits: Splits) -> Result<Self> {
        let task_type = description.task_type;
        let class_labels = class_labels(task_type, description.target.as_deref(), &dataset)?;
        splits.check_for_task(&description, dataset.n_rows())?;
        Ok(Task {
            description,
            dataset,
            splits,
            class_labels,
            warnings: Vec::new(),
            files: TaskFiles::default(),
        })
    }

    /// Task `task_id` from `cache`, without network: `tasks/<id>/task.xml`, the dataset named
    /// there (`datasets/<did>/description.xml` and, when present, `features.xml` applied to
    /// `dataset_<did>.pq`, else `dataset.arff`, whose MD5 is checked) and
    /// `tasks/<id>/datasplits.arff` (whose counts of repeats, folds and samples are the
    /// task's).
    ///
    /// A missing file is an [`Error::NotCached`] naming it and the command that would fetch
    /// it. A `task.xml` without `data_set_id`, or whose `task_id` is not `task_id`, is an
    /// [`Error::TaskXml`].
    pub fn from_cache(cache: &Cache, task_id: i64) -> Result<Self> {
        let task_xml = cache.task_xml(task_id)?;
        let mut description = TaskDescription::from_path(&task_xml)?;
        let xml_error = |message: String| Error::TaskXml {
            path: Some(task_xml.clone()),
            message,
        };
        match description.task_id {
            None => description.task_id = Some(task_id),
            Some(id) if id != task_id => {
                return Err(xml_error(format!(
                    "`task_id` is {id}, but the file is the cache's task {task_id}"
                )));
            }
            Some(_) => {}
        }
        let Some(dataset_id) = description.dataset_id else {
            return Err(xml_error(
                "no `data_set_id` in `input name=\"source_data\"`; the cache needs it to find \
                 the dataset"
                    .into(),
            ));
        };
        let splits_path = cache.splits_arff(task_id);
        let mut loader = DatasetLoader::new();
        loader.description(cache.description_xml(dataset_id)?);
        // openml-python fetches features.xml only when it needs class labels, so a regression
        // task's cache may lack it; the data file declares the kinds then.
        if let Ok(features) = cache.features_xml(dataset_id) {
            loader.features(features);
        }
        let data = cache.data_file(dataset_id)?;
        assemble(&task_xml, description, &loader, &data, splits_path)
    }

    /// The task in directory `dir`, which holds `task.xml` and `datasplits.arff`.
    ///
    /// The dataset is found beside them when `dir` has a data file (`dataset_<did>.pq`,
    /// `dataset.pq` or `dataset.arff`), otherwise in `dir/../../datasets/<did>/`, which is
    /// where it is when `dir` is a cache's `tasks/<id>/`. In that directory `description.xml`
    /// and `features.xml` are applied when present. A task without `data_set_id` must have
    /// its dataset beside it.
    pub fn from_path(dir: &Path) -> Result<Self> {
        let description = TaskDescription::from_path(&dir.join(TASK_XML))?;
        let dataset_id = description.dataset_id;
        let beside = cache::data_file_in(dir, dataset_id).map(|file| (dir.to_path_buf(), file));
        let in_cache = || {
            let id = dataset_id?;
            let data_dir = dir.join("../../datasets").join(id.to_string());
            cache::data_file_in(&data_dir, Some(id)).map(|file| (data_dir, file))
        };
        let Some((data_dir, data)) = beside.or_else(in_cache) else {
            let elsewhere = match dataset_id {
                Some(id) => format!(
                    " or in {}",
                    dir.join("../../datasets").join(id.to_string()).display()
                ),
                None => " (the task names no `data_set_id`)".into(),
            };
            return Err(Error::Invalid(format!(
                "no dataset for the task in {}: no dataset_<id>.pq, dataset.pq or dataset.arff \
                 beside it{elsewhere}",
                dir.display()
            )));
        };
        let mut loader = DatasetLoader::new();
        if data_dir.join(DESCRIPTION_XML).is_file() {
            loader.description(data_dir.join(DESCRIPTION_XML));
        }
        if data_dir.join(FEATURES_XML).is_file() {
            loader.features(data_dir.join(FEATURES_XML));
        }
        let splits_path = dir.join(SPLITS_ARFF);
        let splits_path = if splits_path.is_file() {
            Ok(splits_path)
        } else {
            Err(Error::NotCached {
                path: splits_path,
                fetch: "oml fetch task <id>".into(),
            })
        };
        assemble(
            &dir.join(TASK_XML),
            description,
            &loader,
            &data,
            splits_path,
        )
    }

    /// What `task.xml` says (for a local task, what it would say).
    pub fn description(&self) -> &TaskDescription {
        &self.description
    }

    /// The dataset, with its metadata applied.
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// The train/test splits.
    pub fn splits(&self) -> &Splits {
        &self.splits
    }

    /// The class labels in declared order, for classification and learning curves.
    pub fn class_labels(&self) -> Option<&[String]> {
        self.class_labels.as_deref()
    }

    /// The files the task was read from (none for a local task).
    pub fn files(&self) -> &TaskFiles {
        &self.files
    }

    /// Problems in the dataset's metadata documents that did not stop loading.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The task type.
    pub fn task_type(&self) -> TaskType {
        self.description.task_type
    }

    /// The target column; `None` for clustering.
    pub fn target(&self) -> Option<&str> {
        self.description.target.as_deref()
    }

    /// The OpenML task id; `None` for a local task.
    pub fn task_id(&self) -> Option<i64> {
        self.description.task_id
    }

    /// The OpenML dataset id; `None` for a local task.
    pub fn dataset_id(&self) -> Option<i64> {
        self.description.dataset_id
    }

    /// The task at a glance, for `oml task show`.
    pub fn summary(&self) -> TaskSummary {
        let splits = &self.splits;
        TaskSummary {
            task_id: self.task_id(),
            task_type: self.task_type().id(),
            dataset_id: self.dataset_id(),
            target: self.description.target.clone(),
            n_repeats: splits.n_repeats(),
            n_folds: splits.n_folds(),
            n_samples: splits.n_samples(),
            class_labels: self.class_labels.clone(),
            splits: splits
                .units()
                .iter()
                .map(|u| SplitSummary {
                    repeat: u.repeat,
                    fold: u.fold,
                    sample: u.sample,
                    n_train: u.train.len(),
                    n_test: u.test.len(),
                })
                .collect(),
            task_type_name: self.task_type().name(),
            dataset_name: self.dataset.name().to_owned(),
            n_rows: self.dataset.n_rows(),
            procedure: self.description.procedure.kind.clone(),
        }
    }

    /// Every split's row ids, for comparing with another implementation.
    pub fn indices(&self) -> TaskIndices<'_> {
        TaskIndices {
            task_id: self.task_id(),
            target: self.target(),
            n_rows: self.dataset.n_rows(),
            class_labels: self.class_labels(),
            splits: self
                .splits
                .units()
                .iter()
                .map(|u| SplitIndices {
                    repeat: u.repeat,
                    fold: u.fold,
                    sample: u.sample,
                    train: &u.train,
                    test: &u.test,
                })
                .collect(),
        }
    }

    /// Writes the task and its dataset into `cache` as task `task_id` on dataset
    /// `dataset_id`, in openml-python's layout, so that [`Task::from_cache`] and
    /// openml-python's `get_task(task_id)` read them back offline.
    ///
    /// Written, each atomically (temporary file, then rename):
    /// - `tasks/<task_id>/task.xml`: the description with both ids; a missing procedure id is
    ///   filled from the server's table ([`Resampling::server_procedure_id`]), since
    ///   openml-python 0.16 needs one, and a learning curve's `number_samples` from the
    ///   splits;
    /// - `tasks/<task_id>/datasplits.arff`;
    /// - `datasets/<dataset_id>/dataset.arff` ([`Dataset::to_arff`]);
    /// - `datasets/<dataset_id>/description.xml`: id, name, version 1, format ARFF, a
    ///   `file://` URL of the ARFF file, the task's target as default target, the row id and
    ///   ignored columns, and the ARFF file's MD5;
    /// - `datasets/<dataset_id>/features.xml` and `qualities.xml` (a few counts).
    ///
    /// Files that openml-python derives from these (its pickles and feather files) and
    /// Parquet files at the same ids are removed, so that no reader sees stale data.
    ///
    /// [`Resampling::server_procedure_id`]: crate::Resampling::server_procedure_id
    pub fn write_to_cache(&self, cache: &Cache, task_id: i64, dataset_id: i64) -> Result<()> {
        self.write_to_cache_replacing(cache, task_id, dataset_id, false)
    }

    /// [`Task::write_to_cache`]: files already in the cache that differ from what would be
    /// written, and files derived from an earlier dataset at these ids, are replaced only
    /// when `replace` is true; otherwise they are an [`Error::Exists`] naming them and
    /// nothing is written. Files identical to what would be written are left as they are.
    pub fn write_to_cache_replacing(
        &self,
        cache: &Cache,
        task_id: i64,
        dataset_id: i64,
        replace: bool,
    ) -> Result<()> {
        let task_dir = cache.task_dir(task_id);
        let data_dir = cache.dataset_dir(dataset_id);
        let files = self.cache_files(&task_dir, &data_dir, task_id, dataset_id)?;
        let stale: Vec<PathBuf> = [
            task_dir.join("datasplits.pkl.py3"),
            data_dir.join(format!("dataset_{dataset_id}.pq")),
            data_dir.join("dataset.pq"),
            data_dir.join(format!("dataset_{dataset_id}.pkl.py3")),
            data_dir.join(format!("dataset_{dataset_id}.feather")),
            data_dir.join(format!("dataset_{dataset_id}.feather.attributes.pkl.py3")),
            data_dir.join("dataset.pkl.py3"),
            data_dir.join("dataset.feather"),
            data_dir.join("dataset.feather.attributes.pkl.py3"),
            data_dir.join("features.xml.pkl"),
            data_dir.join("qualities.xml.pkl"),
        ]
        .into_iter()
        .filter(|path| path.exists())
        .collect();
        let to_write: Vec<&(PathBuf, Vec<u8>)> = files
            .iter()
            .filter(|(path, bytes)| std::fs::read(path).ok().as_deref() != Some(bytes.as_slice()))
            .collect();
        if to_write.is_empty() {
            return Ok(());
        }
        let in_the_way: Vec<PathBuf> = to_write
            .iter()
            .map(|(path, _)| path.clone())
            .filter(|path| path.exists())
            .chain(stale.iter().cloned())
            .collect();
        if !in_the_way.is_empty() && !replace {
            return Err(Error::Exists { paths: in_the_way });
        }
        for dir in [&task_dir, &data_dir] {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
        }
        // What openml-python derived from the files about to change would shadow them.
        for path in &stale {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::io("remove", path, e));
                }
                _ => {}
            }
        }
        for (path, bytes) in to_write {
            write_file(path, bytes)?;
        }
        Ok(())
    }

    /// Every file [`Task::write_to_cache`] writes, with its bytes.
    fn cache_files(
        &self,
        task_dir: &Path,
        data_dir: &Path,
        task_id: i64,
        dataset_id: i64,
    ) -> Result<Vec<(PathBuf, Vec<u8>)>> {
        let arff_path = data_dir.join(DATA_ARFF);
        let bytes = self
            .dataset
            .to_arff()?
            .to_bytes()
            .map_err(|e| Error::io("write", &arff_path, e))?;
        let md5: String = Md5::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let target = self.target().or(self.dataset.default_target());
        let url = file_url(&arff_path);
        let mut files = vec![
            (
                data_dir.join(DESCRIPTION_XML),
                description_xml(&self.dataset, dataset_id, target, &url, &md5).into_bytes(),
            ),
            (
                data_dir.join(FEATURES_XML),
                features_xml(&self.dataset, target).into_bytes(),
            ),
            (
                data_dir.join(QUALITIES_XML),
                qualities_xml(&self.dataset, target).into_bytes(),
            ),
        ];
        files.insert(0, (arff_path, bytes));

        let mut description = self.description.clone();
        description.task_id = Some(task_id);
        description.dataset_id = Some(dataset_id);
        let task_type = description.task_type;
        if description.procedure.id.is_none() {
            let id = match description.procedure.resampling(task_type) {
                Ok(resampling) => resampling.server_procedure_id(task_type),
                Err(_) => task_type.default_procedure_id(),
            };
            description.procedure.id = Some(id);
        }
        if task_type == TaskType::LearningCurve && description.procedure.number_samples.is_none() {
            description.procedure.number_samples = Some(self.splits.n_samples());
        }
        files.push((task_dir.join(TASK_XML), description.to_xml().into_bytes()));
        let splits_path = task_dir.join(SPLITS_ARFF);
        let splits = self
            .splits
            .to_arff()
            .to_bytes()
            .map_err(|e| Error::io("write", &splits_path, e))?;
        files.push((splits_path, splits));
        Ok(files)
    }
}

/// Where a task comes from, as `oml task show` and `oml task write` take it: an OpenML task
/// id (read from the cache), a task directory, or a dataset for a local task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskSource {
    /// A task id: [`Task::from_cache`].
    Id(i64),
    /// A directory holding `task.xml` and `datasplits.arff`: [`Task::from_path`].
    Dir(PathBuf),
    /// A dataset file or `builtin:NAME`: [`LocalTaskBuilder::from_source`].
    ///
    /// [`LocalTaskBuilder::from_source`]: crate::LocalTaskBuilder::from_source
    Dataset(String),
}

impl TaskSource {
    /// `builtin:NAME` is a dataset; an integer is a task id (write `./3` for a file called
    /// `3`); an existing directory is a task directory; anything else is a dataset file.
    pub fn parse(text: &str) -> Self {
        if text.starts_with(oml_data::BUILTIN_PREFIX) {
            return TaskSource::Dataset(text.to_owned());
        }
        if let Ok(id) = text.parse::<i64>() {
            return TaskSource::Id(id);
        }
        if Path::new(text).is_dir() {
            return TaskSource::Dir(PathBuf::from(text));
        }
        TaskSource::Dataset(text.to_owned())
    }
}

/// The class labels of `target` for a task of `task_type` (`None` unless classification or
/// learning curve), or an error when the target is missing, not a column, or of the wrong
/// kind: nominal for classification and learning curves, numeric for regression.
pub(crate) fn class_labels(
    task_type: TaskType,
    target: Option<&str>,
    dataset: &Dataset,
) -> Result<Option<Vec<String>>> {
    let Some(target) = target else {
        return match task_type {
            TaskType::Clustering => Ok(None),
            _ => Err(Error::Invalid(format!(
                "task type {} ({task_type}) needs a target",
                task_type.id()
            ))),
        };
    };
    let Some(feature) = dataset.feature(target) else {
        return Err(Error::Invalid(format!(
            "the task's target `{target}` is not a column of dataset `{}`",
            dataset.name()
        )));
    };
    match (task_type, &feature.kind) {
        (t, FeatureKind::Nominal(labels)) if t.is_classification() => Ok(Some(labels.clone())),
        (TaskType::SupervisedRegression, FeatureKind::Numeric) | (TaskType::Clustering, _) => {
            Ok(None)
        }
        (t, kind) => {
            let needed = if t.is_classification() {
                "nominal"
            } else {
                "numeric"
            };
            Err(Error::Invalid(format!(
                "task type {} ({t}) needs a {needed} target, but `{target}` in dataset `{}` is {}",
                t.id(),
                dataset.name(),
                kind.name()
            )))
        }
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically(path, |file| file.write_all(bytes)).map_err(|e| Error::io("write", path, e))
}

/// A `file://` URL of `path`, made absolute; characters URLs cannot carry are
/// percent-encoded.
fn file_url(path: &Path) -> String {
    let absolute: PathBuf = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut url = String::from("file://");
    for byte in absolute.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(byte as char);
            }
            _ => url.push_str(&format!("%{byte:02X}")),
        }
    }
    url
}

/// `path` as the UTF-8 text that [`DatasetLoader::load`] takes.
fn utf8(path: &Path) -> Result<&str> {
    path.to_str().ok_or_else(|| {
        Error::Invalid(format!(
            "{}: oml reads datasets only from paths that are valid UTF-8",
            path.display()
        ))
    })
}

/// Loads the data file with `loader`, reads the splits and checks them together: the common end
/// of [`Task::from_cache`] and [`Task::from_path`].
fn assemble(
    task_xml: &Path,
    description: TaskDescription,
    loader: &DatasetLoader,
    data: &Path,
    splits_path: Result<PathBuf>,
) -> Result<Task> {
    let loaded = loader.load(utf8(data)?)?;
    let splits_file = splits_path.as_ref().ok().cloned();
    let splits = read_splits(&description, splits_path, loaded.dataset.n_rows())?;
    // The target and the type that do not fit the dataset are task.xml's.
    let mut task = Task::new(description, loaded.dataset, splits).map_err(|e| match e {
        Error::Invalid(message) => Error::TaskXml {
            path: Some(task_xml.to_path_buf()),
            message: format!("{message} (its `target_feature` and `task_type_id`)"),
        },
        e => e,
    })?;
    task.warnings = loaded.warnings;
    task.files = TaskFiles {
        dataset: Some(data.to_path_buf()),
        splits: splits_file.filter(|path| path.is_file()),
    };
    Ok(task)
}

/// Reads the split file; a clustering task without one (openml-python never downloads it)
/// gets OpenML's test-on-training-data splits: per repeat, every row trains and is tested.
fn read_splits(
    description: &TaskDescription,
    path: Result<PathBuf>,
    n_rows: usize,
) -> Result<Splits> {
    match path {
        Ok(path) => Splits::read_path(&path),
        Err(Error::NotCached { .. }) if description.task_type == TaskType::Clustering => {
            let rows: Vec<u32> = (0..n_rows as u32).collect();
            let repeats = description.procedure.number_repeats.unwrap_or(1).max(1);
            let units = (0..repeats)
                .map(|repeat| SplitUnit {
                    repeat,
                    fold: 0,
                    sample: 0,
                    train: rows.clone(),
                    test: rows.clone(),
                })
                .collect();
            Splits::new("test_on_training_data", units)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources() {
        let dir = tempfile::tempdir().unwrap();
        let dir_text = dir.path().to_str().unwrap();
        assert_eq!(TaskSource::parse("31"), TaskSource::Id(31));
        assert_eq!(TaskSource::parse("-1"), TaskSource::Id(-1));
        assert_eq!(
            TaskSource::parse("builtin:iris"),
            TaskSource::Dataset("builtin:iris".into())
        );
        assert_eq!(
            TaskSource::parse(dir_text),
            TaskSource::Dir(dir.path().to_path_buf())
        );
        assert_eq!(
            TaskSource::parse("./31"),
            TaskSource::Dataset("./31".into())
        );
    }

    #[test]
    fn file_urls_are_absolute_and_escaped() {
        let url = file_url(Path::new("/tmp/a b/dataset.arff"));
        assert_eq!(url, "file:///tmp/a%20b/dataset.arff");
        assert!(file_url(Path::new("x.arff")).starts_with("file:///"));
    }
}
