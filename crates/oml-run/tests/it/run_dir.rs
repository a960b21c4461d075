//! A run directory is replaced whole.

#[test]
fn a_directory_is_written_and_replaced_whole() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("runs").join("one");
    oml_run::write_directory(
        &dir,
        &[("a.txt", b"first".to_vec()), ("b.txt", b"second".to_vec())],
    )
    .unwrap();
    assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"first");
    oml_run::write_directory(&dir, &[("a.txt", b"again".to_vec())]).unwrap();
    assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"again");
    assert!(
        !dir.join("b.txt").exists(),
        "the old directory is gone, not merged"
    );
    let leftovers: Vec<_> = std::fs::read_dir(root.path().join("runs"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("one")]);
}
