"""voxscreen.dask on a LocalCluster of 2 worker processes: equality with screen_many, one
Screener per worker, a worker killed mid-run, hostile files, resumed output, memory:// URLs."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pandas as pd
import pytest

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask.dataframe")

import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import fsspec  # noqa: E402

import voxscreen  # noqa: E402
import voxscreen.dask as vd  # noqa: E402
from conftest import tone, write_wav  # noqa: E402
from dask_gate import PREFIX, GatePlugin  # noqa: E402

N = 300


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """300 WAV clips of 1.5-3 s: rates 16-48 kHz, mono and stereo, some silent or quiet."""
    d = tmp_path_factory.mktemp("archive")
    rng = np.random.default_rng(20)
    rates = [16000, 22050, 44100, 48000]
    paths = []
    for i in range(N):
        rate = rates[i % len(rates)]
        seconds = float(rng.uniform(1.5, 3.0))
        x = tone(seconds, rate, seed=i) * float(rng.uniform(0.2, 1.5))
        if i % 25 == 7:
            x = 0.0005 * rng.standard_normal(x.size)  # no speech
        channels = 2 if i % 5 == 3 else 1
        if channels == 2:
            x = np.stack([x, tone(seconds, rate, seed=N + i)[: x.size]], 1)
        paths.append(str(write_wav(d / f"clip{i:03d}.wav", x, rate, channels)))
    return paths


@pytest.fixture(scope="module")
def reference(archive):
    return voxscreen.screen_many(archive, threads=2, progress=False)


@pytest.fixture(scope="module")
def client():
    with vd.local_cluster(2, dashboard_address=":0") as cluster, distributed.Client(cluster) as c:
        assert len(c.scheduler_info()["workers"]) == 2
        yield c


def files_screened(client) -> int:
    return sum(s["files_screened"] for s in client.run(vd.worker_stats).values())


def executing(dask_worker) -> int:
    """Tasks running on a worker (for client.run)."""
    return len(dask_worker.state.executing)


def assert_rows_equal(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same columns, dtypes and values; floats compared exactly."""
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), expected.reset_index(drop=True), check_exact=True
    )


def test_cluster_equals_screen_many(client, archive, reference):
    df = vd.screen(archive, client=client, partition_size=25)
    assert isinstance(df, dd.DataFrame) and df.npartitions == 12 and df.known_divisions
    got = df.compute()
    assert list(got.columns) == voxscreen.MANY_COLUMNS
    assert list(got.index) == list(range(N))
    assert list(got["path"]) == archive
    assert_rows_equal(got, reference)
    assert (got["verdict"] == reference["verdict"]).all()
    both = got["probability_synthetic"].notna()
    assert both.sum() > N // 2
    assert (got["probability_synthetic"][both] == reference["probability_synthetic"][both]).all()
    assert reference["verdict"].nunique() >= 2  # the archive is not one verdict


def test_one_screener_per_worker_process(client, archive):
    before = files_screened(client)
    vd.screen(archive[:100], client=client, partition_size=5).compute()  # 20 tasks
    stats = client.run(vd.worker_stats)
    assert len(stats) == 2 and len({s["pid"] for s in stats.values()}) == 2
    assert all(s["screeners_created"] == 1 for s in stats.values()), stats
    assert all(s["files_screened"] > 0 for s in stats.values()), stats
    assert files_screened(client) - before == 100


def test_bag_and_series_inputs(client, archive, reference):
    bag = db.from_sequence(archive[:60], npartitions=4)
    assert_rows_equal(vd.screen(bag, client=client).compute(), reference[:60])
    frame = pd.DataFrame({"file": archive[:60]}, index=pd.RangeIndex(1000, 1060))
    series = dd.from_pandas(frame, npartitions=3)["file"]
    got = vd.screen(series, client=client).compute()
    assert list(got.index) == list(range(1000, 1060))
    assert_rows_equal(got, reference[:60])
    file_urls = ["file://" + p for p in archive[:5]]
    got = vd.screen(file_urls, client=client).compute()
    assert list(got["path"]) == file_urls
    assert (got["sha256"] == reference["sha256"][:5]).all()
    assert (got["probability_synthetic"].fillna(-1) == reference["probability_synthetic"][:5].fillna(-1)).all()


def test_arguments(client, archive):
    with pytest.raises(voxscreen.InputTypeError):
        vd.screen(archive[0], client=client)
    with pytest.raises(voxscreen.InputTypeError):
        vd.screen(dd.from_pandas(pd.DataFrame({"file": archive[:4]}), npartitions=1), client=client)
    with pytest.raises(voxscreen.InputTypeError):
        vd.screen(archive[:4], client=client, model=voxscreen.Screener())
    with pytest.raises(voxscreen.InputTypeError):
        vd.screen(archive[:4], client=client, partition_size=0)
    empty = vd.screen([], client=client).compute()
    assert list(empty.columns) == voxscreen.MANY_COLUMNS and len(empty) == 0


def test_hostile_files_are_error_rows(client, archive, tmp_path):
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.wav"
    truncated.write_bytes(open(archive[0], "rb").read()[:30])
    text = tmp_path / "notes.flac"
    text.write_text("not audio at all\n" * 50)
    hostile = [str(p) for p in (garbage, empty, truncated, text, tmp_path / "missing.wav")]
    paths = archive[:10] + hostile + archive[10:20] + [str(tmp_path)]
    got = vd.screen(paths, client=client, partition_size=7).compute()
    expected = voxscreen.screen_many(paths, progress=False)
    assert list(got["path"]) == paths
    errors = got["path"].isin(hostile + [str(tmp_path)])
    assert got["error_kind"][errors].notna().all() and got["verdict"][errors].isna().all()
    assert got["error_kind"][~errors].isna().all()
    assert_rows_equal(got, expected)  # error kinds and messages included
    assert got.loc[got["path"] == str(tmp_path / "missing.wav"), "error_kind"].item() == "io"


def test_interrupted_output_run_resumes(client, archive, reference, tmp_path):
    paths, expected, parts = archive[:120], reference[:120], 12
    out = tmp_path / "out"
    run = vd.screen(paths, client=client, partition_size=10, output=str(out))
    deadline = time.monotonic() + 120
    while len(list(out.glob("part-*.parquet"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    client.cancel(run)  # the run is interrupted: queued partitions never run
    while any(client.run(executing).values()) and time.monotonic() < deadline:
        time.sleep(0.05)  # the tasks already running finish writing
    done = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.parquet")}
    assert 3 <= len(done) < parts, sorted(done)
    (out / ".part-00011.parquet.0123.tmp").write_bytes(b"left by a killed task")

    before = files_screened(client)
    got = vd.screen(paths, client=client, partition_size=10, output=str(out)).compute()
    assert_rows_equal(got, expected)
    assert files_screened(client) - before == len(paths) - 10 * len(done)  # only the missing parts
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.parquet") if p.name in done} == done
    assert len(list(out.glob("part-*.parquet"))) == parts
    written = dd.read_parquet(str(out)).compute()
    assert_rows_equal(written.astype(expected.dtypes.to_dict()), expected)

    # Other inputs under the same part numbers are screened again, not read back.
    before = files_screened(client)
    swapped = archive[10:20] + archive[:10]
    got = vd.screen(swapped, client=client, partition_size=10, output=str(out)).compute()
    assert files_screened(client) - before == 20
    assert_rows_equal(got, pd.concat([reference[10:20], reference[:10]]))


def test_memory_urls_in_process(archive, reference):
    memory = fsspec.filesystem("memory")
    urls = []
    for i, path in enumerate(archive[:40]):
        urls.append(f"memory://voxscreen-test/{i:03d}-{os.path.basename(path)}")
        memory.pipe(urls[-1], open(path, "rb").read())
    urls.append("memory://voxscreen-test/missing.wav")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
    ) as cluster, distributed.Client(cluster) as c:
        got = vd.screen(urls, client=c, partition_size=8).compute()
    memory.rm("/voxscreen-test", recursive=True)
    assert list(got["path"]) == urls
    expected = reference[:40].assign(path=urls[:40])
    assert_rows_equal(got[:40], expected)
    assert got["error_kind"].iloc[40] == "io"


def test_evaluate_equals_local_evaluate(client, archive, tmp_path):
    lines = ["file,label,system"]
    for i, path in enumerate(archive[:48]):
        lines.append(f"{path},{'fake' if i % 3 == 0 else 'real'},{'tts' if i % 2 else 'voc'}")
    lines.append(f"{tmp_path / 'missing.wav'},fake,tts")
    labels = tmp_path / "labels.csv"
    labels.write_text("\n".join(lines) + "\n")
    local = voxscreen.evaluate(labels, by="system", progress=False)
    got = vd.evaluate(labels, by="system", client=client, partition_size=10)
    assert got == local
    assert local["overall"]["fake"]["error"] == 1 and local["errors"] == {"io": 1}
    with pytest.raises(voxscreen.InputError):
        vd.evaluate(labels, by="nope", client=client)


def test_killed_worker_loses_no_file(client, archive, reference, tmp_path):
    """A worker is killed (SIGKILL) while it holds tasks in progress, blocked on an Event:
    the scheduler re-runs them and every input comes back exactly once."""
    client.register_plugin(GatePlugin(), name="voxscreen-test-gate")
    gate = distributed.Event("voxscreen-test-gate", client=client)
    markers = tmp_path / "markers"
    markers.mkdir()
    pids = client.run(os.getpid)
    urls = [PREFIX + p for p in archive]
    options = {"event": gate.name, "markers": str(markers)}
    df = vd.screen(urls, client=client, partition_size=10, storage_options=options)
    deadline = time.monotonic() + 120
    entered = set()
    while len(entered) < 2 and time.monotonic() < deadline:
        entered = {int(m.name.split("-")[0]) for m in markers.iterdir()}
        time.sleep(0.05)
    assert entered == set(pids.values()), (entered, pids)  # both workers are blocked in a task
    victim = next(iter(pids))
    held = client.processing()[victim]
    assert len(held) >= 1, held
    os.kill(pids[victim], signal.SIGKILL)
    deadline = time.monotonic() + 120
    while victim in client.scheduler_info()["workers"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert victim not in client.scheduler_info()["workers"]
    gate.set()
    got = df.compute()
    assert list(got["path"]) == urls  # every input exactly once, in order
    assert got["path"].is_unique and len(got) == N
    assert_rows_equal(got, reference.assign(path=urls))
    assert pids[victim] not in set(client.run(os.getpid).values())
