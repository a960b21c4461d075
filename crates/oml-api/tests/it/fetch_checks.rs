//! Downloads are checked before they enter the cache (an HTML page for a data file without an
//! MD5, a split file or `qualities.xml` cut short), and `refetch_task`/`refetch_dataset`
//! (`oml fetch --force`) replace cache entries that are already broken.

use oml_api::Error;
use oml_task::Task;
use oml_testkit::{cache_with_openml_task, openml_fixture, read};

use crate::fetch::{
    ANNEAL_LABELS, KEY, builder, client, empty_cache, file_id, files, serve_dexter, serve_task,
    splits_path,
};
use crate::server::{Reply, TestServer, openml_error};

/// What a proxy or a site in maintenance answers, with status 200.
const HTML: &[u8] = b"<!DOCTYPE html><html><head><title>OpenML</title></head>\
    <body>Down for maintenance</body></html>\n";

/// `body` without its last `lines` lines: a body cut at a line boundary.
fn without_last_lines(body: &[u8], lines: usize) -> Vec<u8> {
    let mut end = body.len();
    if body.ends_with(b"\n") {
        end -= 1;
    }
    for _ in 0..lines {
        end = body[..end].iter().rposition(|&b| b == b'\n').unwrap();
    }
    body[..=end].to_vec()
}

/// The first half of `body`, cut at a line boundary.
fn first_half_of_lines(body: &[u8]) -> Vec<u8> {
    let half = &body[..body.len() / 2];
    half[..=half.iter().rposition(|&b| b == b'\n').unwrap()].to_vec()
}

#[test]
fn a_data_file_without_md5_that_is_an_html_page_is_not_cached() {
    let arff = read(&openml_fixture("datasets/-1/dataset.arff"));
    let download = format!("/data/download/{}/dexter.arff", file_id(-1));
    let server = TestServer::start();
    // The description's MD5 is empty, as some of OpenML's are.
    serve_dexter(&server, "");
    server.route(&download, Reply::Ok(HTML.to_vec()));
    let (_dir, cache) = empty_cache(&server);
    let err = client(&server).fetch_dataset(&cache, -1).unwrap_err();
    assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&download), "{message}");
    assert!(
        message.contains("an HTML page, not an ARFF file"),
        "{message}"
    );
    assert!(cache.data_file(-1).is_err(), "nothing as if cached");
    assert_eq!(
        files(&cache.dataset_dir(-1)),
        ["description.xml", "features.xml", "qualities.xml"]
    );

    // Cut inside a data row: the row lacks values.
    let middle = arff.len() / 2;
    let line = middle + arff[middle..].iter().position(|&b| b == b'\n').unwrap();
    let cut = line + arff[line..].iter().position(|&b| b == b',').unwrap();
    server.route(&download, Reply::Ok(arff[..cut].to_vec()));
    let message = client(&server)
        .fetch_dataset(&cache, -1)
        .unwrap_err()
        .to_string();
    assert!(message.contains("invalid ARFF file"), "{message}");
    assert!(message.contains(&download), "{message}");
    assert!(cache.data_file(-1).is_err());

    // The whole file, without an MD5 either, is read and cached.
    server.route(&download, Reply::Ok(arff.clone()));
    let fetched = client(&server).fetch_dataset(&cache, -1).unwrap();
    assert_eq!(
        fetched.downloaded,
        [cache.dataset_dir(-1).join("dataset.arff")]
    );
    assert_eq!(read(&cache.data_file(-1).unwrap()), arff);
}

#[test]
fn a_split_file_cut_at_a_line_boundary_is_not_cached() {
    let (_origin_dir, origin) = cache_with_openml_task(1, 898, &ANNEAL_LABELS);
    let splits = read(&origin.task_dir(1).join("datasplits.arff"));
    let server = TestServer::start();
    serve_task(&server, &origin, 1);
    let (_dir, cache) = empty_cache(&server);
    let cached = cache.task_dir(1).join("datasplits.arff");
    // Half the file: folds are missing. The last lines: the last test fold lacks rows that
    // the other folds train on.
    for (cut, expected) in [
        (first_half_of_lines(&splits), "number_folds 10"),
        (without_last_lines(&splits, 5), "is in no test fold"),
    ] {
        server.route(&splits_path(1), Reply::Ok(cut));
        let err = client(&server).fetch_task(&cache, 1).unwrap_err();
        assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.contains(&splits_path(1)), "{message}");
        assert!(message.contains("invalid split file"), "{message}");
        assert!(message.contains(expected), "{message}");
        assert!(!cached.exists(), "{message}");
    }
    // An HTML page is named as one.
    server.route(&splits_path(1), Reply::Ok(HTML.to_vec()));
    let message = client(&server)
        .fetch_task(&cache, 1)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("an HTML page, not a split file"),
        "{message}"
    );
    assert!(!cached.exists());
    // The whole file is cached, and the task reads.
    server.route(&splits_path(1), Reply::Ok(splits.clone()));
    let fetched = client(&server).fetch_task(&cache, 1).unwrap();
    assert_eq!(fetched.downloaded, std::slice::from_ref(&cached));
    assert_eq!(read(&cached), splits);
    Task::from_cache(&cache, 1).unwrap();
}

#[test]
fn a_truncated_qualities_document_is_not_cached() {
    let (_origin_dir, origin) = cache_with_openml_task(1, 898, &ANNEAL_LABELS);
    let qualities = read(&origin.dataset_dir(1).join("qualities.xml"));
    let server = TestServer::start();
    serve_task(&server, &origin, 1);
    let path = "/api/v1/xml/data/qualities/1";
    let (_dir, cache) = empty_cache(&server);
    let cached = cache.dataset_dir(1).join("qualities.xml");
    let html = format!("<html><body>data_qualities: bad api_key {KEY}</body></html>");
    for body in [qualities[..qualities.len() - 8].to_vec(), html.into_bytes()] {
        server.route(path, Reply::Ok(body));
        let err = client(&server).fetch_task(&cache, 1).unwrap_err();
        assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.contains(path), "{message}");
        assert!(
            message.contains("not a complete oml:data_qualities document"),
            "{message}"
        );
        assert!(!message.contains(KEY), "{message}");
        assert!(!format!("{err:?}").contains(KEY));
        assert!(!cached.exists());
    }
    server.route(path, Reply::Ok(qualities.clone()));
    client(&server).fetch_task(&cache, 1).unwrap();
    assert_eq!(read(&cached), qualities);
}

#[test]
fn refetching_replaces_broken_cache_entries() {
    let (_origin_dir, origin) = cache_with_openml_task(1, 898, &ANNEAL_LABELS);
    let server = TestServer::start();
    serve_task(&server, &origin, 1);
    let (_dir, cache) = empty_cache(&server);
    let client = client(&server);
    client.fetch_task(&cache, 1).unwrap();
    let data_dir = cache.dataset_dir(1);
    let (data, splits, qualities) = (
        data_dir.join("dataset.arff"),
        cache.task_dir(1).join("datasplits.arff"),
        data_dir.join("qualities.xml"),
    );
    let good = [&data, &splits, &qualities].map(|path| read(path));
    // Break three entries, as a fetch before the checks could have left them.
    std::fs::write(&data, HTML).unwrap();
    std::fs::write(&splits, without_last_lines(&good[1], 5)).unwrap();
    std::fs::write(&qualities, &good[2][..good[2].len() / 2]).unwrap();
    let broken = Task::from_cache(&cache, 1).unwrap_err().to_string();
    assert!(broken.contains("dataset.arff"), "{broken}");
    // A fetch keeps what is there.
    let kept = client.fetch_task(&cache, 1).unwrap();
    assert!(
        kept.downloaded.is_empty() && kept.present.len() == 6,
        "{kept:?}"
    );

    // Offline, fetching again is refused before anything is asked.
    let before = server.hits().len();
    let offline = builder(&server).offline(true).build().unwrap();
    let message = offline.refetch_task(&cache, 1).unwrap_err().to_string();
    assert!(message.contains("--force needs the network"), "{message}");
    let message = offline.refetch_dataset(&cache, 1).unwrap_err().to_string();
    assert!(message.contains("--force needs the network"), "{message}");
    assert_eq!(server.hits().len(), before);

    // Fetching again replaces every file.
    let fetched = client.refetch_task(&cache, 1).unwrap();
    assert_eq!(fetched.downloaded.len(), 6, "{fetched:?}");
    assert!(fetched.present.is_empty(), "{fetched:?}");
    assert_eq!([&data, &splits, &qualities].map(|path| read(path)), good);
    Task::from_cache(&cache, 1).unwrap();

    // A file whose new download fails stays as it was.
    std::fs::write(&qualities, b"kept").unwrap();
    server.route(
        "/api/v1/xml/data/qualities/1",
        Reply::Status(412, openml_error(999, "Unknown")),
    );
    let message = client.refetch_dataset(&cache, 1).unwrap_err().to_string();
    assert!(
        message.contains("/api/v1/xml/data/qualities/1") && message.contains("999"),
        "{message}"
    );
    assert_eq!(read(&qualities), b"kept");
    server.route(
        "/api/v1/xml/data/qualities/1",
        Reply::Ok(good[2][..good[2].len() - 8].to_vec()),
    );
    let message = client.refetch_task(&cache, 1).unwrap_err().to_string();
    assert!(
        message.contains("not a complete oml:data_qualities document"),
        "{message}"
    );
    assert_eq!(read(&qualities), b"kept");
}

#[test]
fn refetching_removes_a_data_file_that_would_shadow_the_new_one() {
    let server = TestServer::start();
    serve_dexter(&server, "");
    let (_dir, cache) = empty_cache(&server);
    let client = client(&server);
    client.fetch_dataset(&cache, -1).unwrap();
    let arff = cache.dataset_dir(-1).join("dataset.arff");
    let parquet = cache.dataset_dir(-1).join("dataset_-1.pq");
    // A broken Parquet file from an earlier fetch, which the cache reads first.
    std::fs::write(&parquet, b"PAR1 broken").unwrap();
    assert_eq!(cache.data_file(-1).unwrap(), parquet);
    let kept = client.fetch_dataset(&cache, -1).unwrap();
    assert!(kept.present.contains(&parquet), "{kept:?}");

    let fetched = client.refetch_dataset(&cache, -1).unwrap();
    assert_eq!(fetched.downloaded.len(), 4, "{fetched:?}");
    assert!(fetched.downloaded.contains(&arff), "{fetched:?}");
    assert!(!parquet.exists());
    assert_eq!(cache.data_file(-1).unwrap(), arff);
    assert_eq!(
        read(&arff),
        read(&openml_fixture("datasets/-1/dataset.arff"))
    );
}
