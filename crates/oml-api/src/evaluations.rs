//! Evaluations from the server: OpenML's `evaluation/list`, paged, cached, and returned as the
//! DataFrame of oml-run's local evaluations.

use std::path::PathBuf;

use oml_data::xml::{Doc, Node};
use oml_run::{EVALUATION_COLUMNS, sha256_hex};
use oml_task::Cache;
use polars::prelude::{Column, DataFrame, DataType};

use crate::client::{Client, percent_encode, strip_query};
use crate::error::{Error, Result};
use crate::fetch::write;

/// How many evaluations [`Client::list_evaluations`] asks for per request.
pub const EVALUATION_PAGE_SIZE: usize = 1000;

/// OpenML's error code of `evaluation/list` for "no results".
pub const NO_EVALUATIONS: i64 = 542;

/// The filters of OpenML's `evaluation/list` (openml-python's `list_evaluations`). Empty lists
/// do not filter; a non-empty list keeps an evaluation that matches any of its entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerEvaluationFilters {
    /// The measure (`predictive_accuracy`); OpenML requires one.
    pub function: String,
    /// Task ids.
    pub tasks: Vec<i64>,
    /// Flow ids.
    pub flows: Vec<i64>,
    /// Setup ids.
    pub setups: Vec<i64>,
    /// Run ids.
    pub runs: Vec<i64>,
    /// Uploader (user) ids.
    pub uploaders: Vec<i64>,
    /// Only runs with this tag.
    pub tag: Option<String>,
    /// Ask for the per-fold values (the `values` column).
    pub per_fold: bool,
    /// At most this many evaluations; `None` pages through all of them.
    pub size: Option<usize>,
    /// Skip this many evaluations first.
    pub offset: usize,
}

impl ServerEvaluationFilters {
    /// Filters listing every evaluation of `function`.
    pub fn new(function: impl Into<String>) -> Self {
        ServerEvaluationFilters {
            function: function.into(),
            ..ServerEvaluationFilters::default()
        }
    }

    /// The API path of one page of `limit` evaluations from `offset`:
    /// `evaluation/list/function/F[/task/1,2][/setup/..][/flow/..][/run/..][/uploader/..]
    /// [/tag/T]/limit/N/offset/M[/per_fold/true]`.
    pub fn page_path(&self, limit: usize, offset: usize) -> String {
        let mut path = format!(
            "evaluation/list/function/{}",
            percent_encode(&self.function)
        );
        for (name, ids) in [
            ("task", &self.tasks),
            ("setup", &self.setups),
            ("flow", &self.flows),
            ("run", &self.runs),
            ("uploader", &self.uploaders),
        ] {
            if !ids.is_empty() {
                let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
                path.push_str(&format!("/{name}/{}", ids.join(",")));
            }
        }
        if let Some(tag) = &self.tag {
            path.push_str(&format!("/tag/{}", percent_encode(tag)));
        }
        path.push_str(&format!("/limit/{limit}/offset/{offset}"));
        if self.per_fold {
            path.push_str("/per_fold/true");
        }
        path
    }
}

impl Client {
    /// The evaluations on the server that pass `filters`, as the DataFrame of
    /// `oml_run::list_evaluations` (the columns `oml_run::EVALUATION_COLUMNS`, with the same
    /// types, so local and server rows can be stacked): `run_id` is the OpenML run id as text
    /// (local runs have their key there), `uploader_name` is null (OpenML needs another call
    /// for it), `value` is null where the server gives none or `NaN`, `values` holds the
    /// per-fold JSON text with `per_fold`, `array_data` the server's text. Rows are in the
    /// server's order.
    ///
    /// Pages of [`EVALUATION_PAGE_SIZE`] are asked for until `size` evaluations came, a page
    /// comes back short, or the server answers [`NO_EVALUATIONS`] (no more results: not an
    /// error). Every page is cached as `evaluations/<sha256 of its API path>.xml` in `cache`'s
    /// server directory, written atomically (a "no results" answer as an empty list). Online,
    /// pages are always asked for again (the server's evaluations grow) and the cache is
    /// refreshed; offline, the cached pages are read and a missing one is an error naming it.
    pub fn list_evaluations(
        &self,
        cache: &Cache,
        filters: &ServerEvaluationFilters,
    ) -> Result<DataFrame> {
        self.list_evaluations_in_pages(cache, filters, EVALUATION_PAGE_SIZE)
    }

    /// [`Client::list_evaluations`] with pages of `page_size` (at least 1) evaluations.
    pub fn list_evaluations_in_pages(
        &self,
        cache: &Cache,
        filters: &ServerEvaluationFilters,
        page_size: usize,
    ) -> Result<DataFrame> {
        self.list_evaluations_unredacted(cache, filters, page_size)
            .map_err(|e| self.redact(e))
    }

    fn list_evaluations_unredacted(
        &self,
        cache: &Cache,
        filters: &ServerEvaluationFilters,
        page_size: usize,
    ) -> Result<DataFrame> {
        if filters.function.trim().is_empty() {
            return Err(Error::Config(
                "evaluation/list needs a function (measure)".into(),
            ));
        }
        if cache.server().cache_subdir() != self.server().cache_subdir() {
            return Err(Error::Config(format!(
                "the cache is for {} but the client talks to {}",
                cache.server(),
                self.server()
            )));
        }
        let page_size = page_size.max(1);
        let mut rows = Rows::default();
        let mut offset = filters.offset;
        loop {
            let wanted = match filters.size {
                Some(size) => size.saturating_sub(rows.len()).min(page_size),
                None => page_size,
            };
            if wanted == 0 {
                break;
            }
            let path = filters.page_path(wanted, offset);
            let n = self.evaluation_page(cache, filters, &path, &mut rows)?;
            if n < wanted {
                break;
            }
            offset += n;
        }
        rows.into_frame().map_err(|e| Error::Malformed {
            url: self.api_url("evaluation/list"),
            detail: format!("cannot make the evaluations table: {e}"),
        })
    }

    /// Reads one page (from the server, or offline from the cache) into `rows`; the number of
    /// evaluations on it.
    fn evaluation_page(
        &self,
        cache: &Cache,
        filters: &ServerEvaluationFilters,
        path: &str,
        rows: &mut Rows,
    ) -> Result<usize> {
        let file = evaluation_cache_file(cache, path);
        let (body, source) = if self.is_offline() {
            let body = std::fs::read(&file).map_err(|source| {
                if source.kind() == std::io::ErrorKind::NotFound {
                    Error::Task(oml_task::Error::NotCached {
                        path: file.clone(),
                        fetch: format!(
                            "oml evaluations --function {} --server {} (online)",
                            filters.function,
                            self.server()
                        ),
                    })
                } else {
                    Error::io("read", &file, source)
                }
            })?;
            (body, file.display().to_string())
        } else {
            let url = self.api_url(path);
            let body = match self.get(&url) {
                Ok(body) => body,
                Err(e) if e.server_code() == Some(NO_EVALUATIONS) => EMPTY_LIST.to_vec(),
                Err(e) => return Err(e),
            };
            (body, strip_query(&url))
        };
        let text = std::str::from_utf8(&body).map_err(|e| Error::Malformed {
            url: source.clone(),
            detail: format!("not UTF-8 ({e})"),
        })?;
        let n = parse_evaluations(text, rows).map_err(|detail| Error::Malformed {
            url: source.clone(),
            detail,
        })?;
        if !self.is_offline() {
            write(&file, &body)?;
        }
        Ok(n)
    }
}

/// What a "no results" answer is cached as.
const EMPTY_LIST: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<oml:evaluations xmlns:oml=\"http://openml.org/openml\">\n</oml:evaluations>\n";

/// The cache file of the `evaluation/list` page at API path `path`:
/// `<server dir>/evaluations/<sha256 of path>.xml`.
pub fn evaluation_cache_file(cache: &Cache, path: &str) -> PathBuf {
    cache
        .dir()
        .join("evaluations")
        .join(format!("{}.xml", sha256_hex(path.as_bytes())))
}

/// The columns of the table as they are collected.
#[derive(Default)]
struct Rows {
    run_id: Vec<String>,
    task_id: Vec<Option<i64>>,
    setup_id: Vec<Option<i64>>,
    flow_id: Vec<Option<i64>>,
    flow_name: Vec<Option<String>>,
    data_id: Vec<Option<i64>>,
    data_name: Vec<Option<String>>,
    function: Vec<Option<String>>,
    upload_time: Vec<Option<String>>,
    uploader: Vec<Option<i64>>,
    value: Vec<Option<f64>>,
    values: Vec<Option<String>>,
    array_data: Vec<Option<String>>,
}

impl Rows {
    fn len(&self) -> usize {
        self.run_id.len()
    }

    fn into_frame(self) -> polars::prelude::PolarsResult<DataFrame> {
        let n = self.len();
        let [
            run_id,
            task_id,
            setup_id,
            flow_id,
            flow_name,
            data_id,
            data_name,
            function,
            upload_time,
            uploader,
            uploader_name,
            value,
            values,
            array_data,
            flow,
        ] = EVALUATION_COLUMNS;
        DataFrame::new(
            n,
            vec![
                Column::new(run_id.into(), self.run_id),
                Column::new(task_id.into(), self.task_id),
                Column::new(setup_id.into(), self.setup_id),
                Column::new(flow_id.into(), self.flow_id),
                Column::new(flow_name.into(), self.flow_name.clone()),
                Column::new(data_id.into(), self.data_id),
                Column::new(data_name.into(), self.data_name),
                Column::new(function.into(), self.function),
                Column::new(upload_time.into(), self.upload_time),
                Column::new(uploader.into(), self.uploader),
                Column::full_null(uploader_name.into(), n, &DataType::String),
                Column::new(value.into(), self.value),
                Column::new(values.into(), self.values),
                Column::new(array_data.into(), self.array_data),
                // The server has no short names: its flow is its flow name.
                Column::new(flow.into(), self.flow_name),
            ],
        )
    }
}

/// One `oml:evaluation`'s fields, as text.
#[derive(Default)]
struct Record {
    fields: Vec<(String, String)>,
}

impl Record {
    fn text(&self, name: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    }

    fn id(&self, name: &str) -> Result<Option<i64>, String> {
        self.text(name)
            .map(|t| {
                t.parse()
                    .map_err(|_| format!("oml:{name} `{t}` is not an integer"))
            })
            .transpose()
    }
}

/// Appends the evaluations of an `oml:evaluations` document to `rows`; how many there were.
fn parse_evaluations(text: &str, rows: &mut Rows) -> Result<usize, String> {
    let describe = |e: oml_data::xml::XmlError| {
        format!("line {}: {}", oml_data::xml::line(text, e.at), e.message)
    };
    let mut doc = Doc::new(text, "evaluations");
    let mut record: Option<Record> = None;
    let mut field: Option<(String, String)> = None;
    let mut n = 0;
    while let Some(node) = doc.next_node().map_err(describe)? {
        match node {
            Node::Open(start) => match start.depth {
                2 if start.local == "evaluation" => record = Some(Record::default()),
                3 if record.is_some() => field = Some((start.local, String::new())),
                _ => {}
            },
            Node::Text { text, depth: 3 } => {
                if let Some((_, value)) = &mut field {
                    value.push_str(&text);
                }
            }
            Node::Text { .. } => {}
            Node::Close { depth: 3 } => {
                if let (Some(record), Some(field)) = (&mut record, field.take()) {
                    record.fields.push(field);
                }
            }
            Node::Close { depth: 2 } => {
                if let Some(record) = record.take() {
                    push(&record, rows).map_err(|e| format!("evaluation {}: {e}", n + 1))?;
                    n += 1;
                }
            }
            Node::Close { .. } => {}
        }
    }
    Ok(n)
}

fn push(record: &Record, rows: &mut Rows) -> Result<(), String> {
    let run_id = record.id("run_id")?.ok_or("no oml:run_id")?;
    let value = match record.text("value") {
        Some(t) => Some(
            t.parse::<f64>()
                .map_err(|_| format!("oml:value `{t}` is not a number"))?,
        ),
        None => None,
    };
    rows.run_id.push(run_id.to_string());
    rows.task_id.push(record.id("task_id")?);
    rows.setup_id.push(record.id("setup_id")?);
    rows.flow_id.push(record.id("flow_id")?);
    rows.flow_name.push(record.text("flow_name"));
    rows.data_id.push(record.id("data_id")?);
    rows.data_name.push(record.text("data_name"));
    rows.function.push(record.text("function"));
    rows.upload_time.push(record.text("upload_time"));
    rows.uploader.push(record.id("uploader")?);
    rows.value.push(value.filter(|v| !v.is_nan()));
    rows.values.push(record.text("values"));
    rows.array_data.push(record.text("array_data"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_paths() {
        let mut filters = ServerEvaluationFilters::new("predictive_accuracy");
        assert_eq!(
            filters.page_path(1000, 0),
            "evaluation/list/function/predictive_accuracy/limit/1000/offset/0"
        );
        filters.tasks = vec![1, 2];
        filters.flows = vec![7];
        filters.setups = vec![3];
        filters.runs = vec![10, 11];
        filters.uploaders = vec![5];
        filters.tag = Some("a b".into());
        filters.per_fold = true;
        assert_eq!(
            filters.page_path(10, 20),
            "evaluation/list/function/predictive_accuracy/task/1,2/setup/3/flow/7/run/10,11/\
             uploader/5/tag/a%20b/limit/10/offset/20/per_fold/true"
        );
    }

    #[test]
    fn an_empty_list_has_no_rows() {
        let mut rows = Rows::default();
        let text = std::str::from_utf8(EMPTY_LIST).unwrap();
        assert_eq!(parse_evaluations(text, &mut rows), Ok(0));
        assert_eq!(rows.into_frame().unwrap().height(), 0);
    }
}
